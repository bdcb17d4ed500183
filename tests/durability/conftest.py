"""An embedded cluster of these tests' own (under a temporary var/), which they stop, crash,
restart and re-secure without touching the cluster the rest of the suite uses; and the real
service run against it in its own process, as `investmap serve` runs it."""

import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.cli.cluster import EmbeddedCluster, ensure_database
from app.core.settings import PROJECT_ROOT
from tests.support.database import migrate
from tests.support.serving import serving

DB_NAME = "investmap"
ADMIN_PASSWORD = "durability-admin-password"


@pytest.fixture(scope="session")
def own_cluster() -> Iterator[EmbeddedCluster]:
    # Not below pytest's tmp_path: pytest keeps that 0700, and the postgres user must reach the data.
    root = Path(tempfile.mkdtemp(prefix="investmap-own-cluster-"))
    cluster = EmbeddedCluster(root / "var")
    cluster.start()
    url = cluster.url(DB_NAME)
    ensure_database(url)
    migrate(url)
    from app.accounts.service import create_user

    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        create_user(session, "admin", "admin", "admin", [], None, ADMIN_PASSWORD, one_time=False)
    engine.dispose()
    try:
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(root)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def service_on(env: dict[str, str], log: Path) -> Iterator[str]:
    """The service in its own process with `env`; its base URL."""
    port = free_port()
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
    # No browser started ahead of a PDF (as in serve_app): /readyz is then ready as soon as the database is.
    env = {"INVESTMAP_BROCHURE_WARM_UP": "false", **env}
    # A generous start-up time: on a loaded machine importing the app alone can take half a minute.
    with log.open("wb") as out, serving(cmd, env, f"http://127.0.0.1:{port}/healthz", log=out, cwd=PROJECT_ROOT, timeout=120):
        yield f"http://127.0.0.1:{port}"


def embedded_env(cluster: EmbeddedCluster) -> dict[str, str]:
    """The environment of a service using `cluster` as `make run` does: no DATABASE_URL, its var/."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "INVESTMAP_VAR_DIR": str(cluster.var_dir), "INVESTMAP_DB_NAME": DB_NAME, "INVESTMAP_DEMO_PUBLIC": "true"}


def sign_in(base: str) -> dict[str, str]:
    r = httpx.post(f"{base}/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Cookie": f"investmap_session={r.cookies['investmap_session']}", "X-CSRF-Token": r.json()["csrf_token"]}
