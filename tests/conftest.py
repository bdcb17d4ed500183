"""Test fixtures: a real PostGIS database of its own, migrated and loaded like production, and the
app built with the suite's settings (tests/support/database.py). Nothing is read from or written
to the environment and no cache is cleared by hand: a test needing other settings builds an app
with them (tests/support/apps.py)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from app.core.settings import PROJECT_ROOT, Settings, using
from tests.support.apps import serve_app
from tests.support.database import database_name, fresh_database, migrate, suite_settings
from tests.support.principals import ADMIN_PASSWORD, Callers, create_user, login, make_callers
from tests.support.reference_files import GEODATA

DEMO_ENTERPRISES = 400
# The longest file (it fuzzes the running service for minutes) goes first, so that under pytest-xdist
# the other workers share the rest of the suite meanwhile instead of waiting for it at the end.
LONGEST_FIRST = "tests/security/test_openapi_fuzz.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] != LONGEST_FIRST)


@pytest.fixture(autouse=True)
def _suite_settings_in_effect() -> Iterator[None]:
    """Code a test calls directly (not through the app) reads the suite's settings, as the app does."""
    with using(suite_settings()):
        yield


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    """The suite's settings, once their database is fresh, migrated and loaded."""
    suite = suite_settings()
    url = fresh_database(database_name())
    migrate(url)
    from app.loaders.demo import load_demo_carriers
    from app.loaders.demo_enterprises import load_demo_enterprises
    from app.loaders.reference import load_all

    with using(suite):
        list(load_all(GEODATA))
        load_demo_carriers(plots=400, factories=100, seed=7)
        load_demo_enterprises(enterprises=DEMO_ENTERPRISES, seed=7)
    yield suite


@pytest.fixture(scope="session")
def database_url(settings: Settings) -> str:
    from app.core.database import database_url

    return database_url(settings.database)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Engine:
    return create_engine(database_url)


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    from app.main import create_app

    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="session")
def admin(client: TestClient) -> dict[str, str]:
    create_user("admin", "admin", [], ADMIN_PASSWORD)
    return login(client, "admin", ADMIN_PASSWORD)


@pytest.fixture
def artifacts() -> Path:
    path = PROJECT_ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def callers(client: TestClient, admin: dict[str, str]) -> Callers:
    return make_callers(client, admin)


@pytest.fixture(scope="session")
def live_server(database_url: str) -> Iterator[str]:
    """The real service in its own process on a free port, against the test database: its base URL."""
    with serve_app(database_url) as url:
        yield url
