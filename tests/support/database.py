"""The suite's own database and settings: `<name>_test` on the server `make run` uses (the embedded
cluster under var/, or the server of DATABASE_URL), never the database of `make run` itself. Under
pytest-xdist each worker process has databases of its own (`<name>_test_gw0`, ...): the workers share
the server, never a database, so no test sees another worker's writes."""

import os
from functools import lru_cache

from alembic import command
from alembic.config import Config

from app.cli.cluster import EmbeddedCluster, drop_database, ensure_database
from app.core.database import database_url, normalise_url
from app.core.settings import PROJECT_ROOT, BrochureSettings, DatabaseSettings, DemoSettings, Settings, from_environment


def server_url(database: str) -> str:
    """The URL of `database` on the server of the environment's settings (started if embedded)."""
    db = from_environment().database
    if db.url:
        base = normalise_url(db.url).rsplit("/", 1)[0]
        return f"{base}/{database}"
    cluster = EmbeddedCluster(db.var_dir)
    return cluster.url(database, cluster.start())


def database_name(purpose: str = "") -> str:
    """The name of one of this worker's databases: the suite's own, or a scratch one for `purpose`."""
    parts = [from_environment().database.db_name, "test", os.environ.get("PYTEST_XDIST_WORKER", ""), purpose]
    return "_".join(part for part in parts if part)


@lru_cache(maxsize=1)
def suite_settings() -> Settings:
    """The environment's settings with the test database: what the suite's app, loads and helpers use.
    The public sees the demo records, as with `make run`: most tests read them (issue 16's test hides them)."""
    return Settings(
        database=DatabaseSettings(url=server_url(database_name())),
        demo=DemoSettings(public=True),
        # Not a browser per app the suite builds: the brochure tests start theirs at their first print.
        brochures=BrochureSettings(warm_up=False),
    )


def suite_url() -> str:
    return database_url(suite_settings().database)


def fresh_database(name: str) -> str:
    url = server_url(name)
    drop_database(url)
    ensure_database(url)
    return url


def migrate(url: str, revision: str = "head", down: bool = False) -> None:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    (command.downgrade if down else command.upgrade)(config, revision)
