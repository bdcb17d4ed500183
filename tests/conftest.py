"""Test fixtures: a real PostGIS database of its own, migrated and loaded like production.

The suite never touches the database of `make run`: it uses `<name>_test` on the same
server (the embedded cluster under var/, or the server of DATABASE_URL).
"""

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from app.core.database import normalise_url
from app.cli.cluster import EmbeddedCluster, drop_database, ensure_database
from tests.support.serving import serving
from app.core.settings import PROJECT_ROOT, settings

ADMIN_PASSWORD = "admin-password-for-tests"
DEMO_ENTERPRISES = 400
GEODATA = PROJECT_ROOT / "geodata"


def _server_url(database: str) -> str:
    db = settings().database
    if db.url:
        base = normalise_url(db.url).rsplit("/", 1)[0]
        return f"{base}/{database}"
    cluster = EmbeddedCluster(db.var_dir)
    return cluster.url(database, cluster.start())


def fresh_database(name: str) -> str:
    url = _server_url(name)
    drop_database(url)
    ensure_database(url)
    return url


def migrate(url: str, revision: str = "head", down: bool = False) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    (command.downgrade if down else command.upgrade)(config, revision)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    url = fresh_database(f"{settings().database.db_name}_test")
    migrate(url)
    # Everything below (app, loaders, CLI subprocesses) reads the URL from the environment.
    os.environ["DATABASE_URL"] = url
    _clear_caches()
    from app.loaders.demo import load_demo_carriers
    from app.loaders.demo_enterprises import load_demo_enterprises
    from app.loaders.reference import load_all

    list(load_all(GEODATA))
    load_demo_carriers(plots=400, factories=100, seed=7)
    load_demo_enterprises(enterprises=DEMO_ENTERPRISES, seed=7)
    yield url


def _clear_caches() -> None:
    from app.core import database, settings

    for fn in (settings.from_environment, database._engine, database._session_factory):
        fn.cache_clear()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Engine:
    return create_engine(database_url)


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture(scope="session")
def client(database_url: str) -> Iterator[TestClient]:
    from app.main import create_app

    with TestClient(create_app()) as c:
        yield c


def create_user(username: str, role: str, regions: list[str], password: str, park_ids: list[int] | None = None,
                one_time: bool = False) -> None:
    """A user as after its first sign-in: the password is its own (not one-time) unless said."""
    from app.accounts.service import create_user as create
    from app.core.database import get_engine

    with Session(get_engine()) as session, session.begin():
        create(session, username, username, role, regions, park_ids, password, one_time=one_time)


def login(client: TestClient, username: str, password: str) -> dict[str, str]:
    """Headers of a signed-in browser: the session cookie and the CSRF token writes must echo."""
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    cookie = r.cookies["investmap_session"]
    client.cookies.clear()  # the shared client stays anonymous; each test says who it is
    return {"Cookie": f"investmap_session={cookie}", "X-CSRF-Token": r.json()["csrf_token"]}


def replace_one_time_password(client: TestClient, username: str, one_time: str, password: str) -> None:
    """What a user does at the first sign-in with a one-time password: choose their own."""
    r = client.post("/api/v1/auth/login", json={"username": username, "password": one_time})
    assert r.status_code == 200 and r.json()["must_change_password"], r.text
    r = client.post("/api/v1/auth/password", json={"current_password": one_time, "new_password": password},
                    headers={"X-CSRF-Token": r.json()["csrf_token"]})
    assert r.status_code == 200, r.text
    client.cookies.clear()


@pytest.fixture(scope="session")
def admin(client: TestClient) -> dict[str, str]:
    create_user("admin", "admin", [], ADMIN_PASSWORD)
    return login(client, "admin", ADMIN_PASSWORD)


def public_layers() -> dict[str, Any]:
    """The OGC and tile layers anonymous callers see: all but the officers' ones (chain gaps)."""
    from app.ogc.layers import LAYERS

    return {k: layer for k, layer in LAYERS.items() if not layer.officers_only}


def if_match(client: TestClient, path: str, headers: dict[str, str]) -> dict[str, str]:
    """`headers` plus If-Match with the current ETag of the record at `path`."""
    r = client.get(path, headers=headers)
    assert r.status_code == 200, r.text
    return {**headers, "If-Match": r.headers["etag"]}


@pytest.fixture
def artifacts() -> Path:
    path = PROJECT_ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def callers(client: TestClient, admin: dict[str, str]):  # type: ignore[no-untyped-def]
    from tests.principals import make_callers

    return make_callers(client, admin)


@contextmanager
def serve_app(database_url: str, **env: str) -> Iterator[str]:
    """The real service in its own process on a free port, against `database_url`, with `env`
    added to its environment: its base URL while the block runs."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--host", "127.0.0.1", "--port",
           str(port), "--log-level", "warning"]
    with serving(cmd, {**os.environ, "DATABASE_URL": database_url, **env}, f"{url}/healthz", cwd=PROJECT_ROOT):
        yield url


@pytest.fixture(scope="session")
def live_server(database_url: str) -> Iterator[str]:
    """The real service in its own process on a free port, against the test database: its base URL."""
    with serve_app(database_url) as url:
        yield url
