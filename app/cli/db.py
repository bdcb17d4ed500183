"""`investmap db ...`: the embedded cluster, the database URL, migrations."""

from typing import Annotated

import typer

from app.core.database import database_url
from app.core.pgcluster import EmbeddedCluster, ensure_database
from app.core.settings import PROJECT_ROOT, database_settings

db = typer.Typer(help="the database: embedded cluster and migrations", no_args_is_help=True)


def _cluster() -> EmbeddedCluster:
    return EmbeddedCluster(database_settings().investmap_var_dir)


@db.command("up")
def db_up() -> None:
    """Start the embedded PostGIS cluster (unless DATABASE_URL is set) and create the database."""
    settings = database_settings()
    if settings.database_url:
        url = database_url()
        typer.echo("DATABASE_URL is set: using that server, not var/")
    else:
        port = _cluster().start()
        url = _cluster().url(settings.investmap_db_name, port)
        typer.echo(f"embedded cluster running on 127.0.0.1:{port} ({_cluster().data_dir})")
    ensure_database(url)


@db.command("down")
def db_down() -> None:
    """Stop the embedded cluster (its data stays under var/)."""
    if database_settings().database_url:
        typer.echo("DATABASE_URL is set: nothing to stop")
        return
    typer.echo("stopped" if _cluster().stop() else "not running")


@db.command("url")
def db_url() -> None:
    """Print the URL of the database in use, for psql, ogr2ogr, tipg ..."""
    typer.echo(database_url().replace("postgresql+psycopg://", "postgresql://", 1))


def alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    return Config(str(PROJECT_ROOT / "alembic.ini"))


@db.command("migrate")
def db_migrate(revision: Annotated[str, typer.Argument(help="target revision")] = "head") -> None:
    """Apply the Alembic migrations (up to head by default)."""
    from alembic import command

    command.upgrade(alembic_config(), revision)
