"""The app under test: built in the test process with the suite's settings (some blocks replaced
when a test needs other settings), or run as the real service in a process of its own."""

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from pydantic_settings import BaseSettings

from app.core.settings import PROJECT_ROOT, GapSettings
from app.layers.catalogue import Layer, build_catalogue
from app.main import create_app
from tests.support.database import suite_settings
from tests.support.serving import serving


@contextmanager
def client_with(**blocks: BaseSettings) -> Iterator[TestClient]:
    """A client of an app with the suite's settings but for `blocks`, e.g.
    `client_with(accounts=AccountSettings(key_rate_per_minute=3))`; started and stopped around the block."""
    with TestClient(create_app(suite_settings().model_copy(update=blocks))) as client:
        yield client


@contextmanager
def serve_app(database_url: str, **env: str) -> Iterator[str]:
    """The real service in its own process on a free port, against `database_url`, with `env`
    added to its environment: its base URL while the block runs."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    # The public sees demo records and no browser starts ahead of a PDF, as with the suite's
    # settings (tests/support/database.py). The browser tests of several files send inquiries from
    # one address to this one server: its hourly limit is raised above what they send together (the
    # limit itself is tested through the API, tests/inquiries/).
    env = {
        "INVESTMAP_DEMO_PUBLIC": "true",
        "INVESTMAP_BROCHURE_WARM_UP": "false",
        "INVESTMAP_INQUIRY_PER_IP_PER_HOUR": "100",
        **env,
    }
    with serving(cmd, {**os.environ, "DATABASE_URL": database_url, **env}, f"{url}/healthz", cwd=PROJECT_ROOT):
        yield url


def public_layers() -> dict[str, Layer]:
    """The OGC and tile layers anonymous callers see: all but the officers' ones (chain gaps)."""
    return {k: layer for k, layer in build_catalogue(GapSettings()).items() if not layer.officers_only}


def state(client: TestClient) -> Any:
    """`app.state` of the app behind `client` (its layers, data versions, caches)."""
    return client.app.state  # type: ignore[attr-defined]
