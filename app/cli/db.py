"""`investmap db ...`: the embedded cluster, the database URL, migrations, backup and restore."""

from pathlib import Path
from typing import Annotated

import typer

from app.cli.cluster import ClusterError, EmbeddedCluster, ensure_database
from app.core.backup import BackupError, backup, restore
from app.core.database import database_url
from app.core.migrations import alembic_config
from app.core.settings import settings

db = typer.Typer(help="the database: embedded cluster, migrations, backup and restore", no_args_is_help=True)


def _cluster() -> EmbeddedCluster:
    return EmbeddedCluster(settings().database.var_dir)


@db.command("up")
def db_up() -> None:
    """Start the embedded PostGIS cluster (unless DATABASE_URL is set) and create the database."""
    database = settings().database
    if database.url:
        url = database_url()
        typer.echo("DATABASE_URL is set: using that server, not var/")
    else:
        try:
            port = _cluster().start()
        except ClusterError as exc:
            raise typer.Exit(_fail(str(exc))) from exc
        url = _cluster().url(database.db_name, port)
        typer.echo(f"embedded cluster running on 127.0.0.1:{port} ({_cluster().data_dir})")
    ensure_database(url)


@db.command("down")
def db_down() -> None:
    """Stop the embedded cluster (its data stays under var/)."""
    if settings().database.url:
        typer.echo("DATABASE_URL is set: nothing to stop")
        return
    typer.echo("stopped" if _cluster().stop() else "not running")


@db.command("url")
def db_url() -> None:
    """Print the URL of the database in use (with its password), for psql, ogr2ogr, tipg ..."""
    typer.echo(database_url().replace("postgresql+psycopg://", "postgresql://", 1))


@db.command("migrate")
def db_migrate(revision: Annotated[str, typer.Argument(help="target revision")] = "head") -> None:
    """Apply the Alembic migrations (up to head by default)."""
    from alembic import command

    command.upgrade(alembic_config(), revision)


def _fail(message: str) -> int:
    typer.echo(message, err=True)
    return 1


@db.command("backup")
def db_backup(file: Annotated[Path, typer.Argument(help="the archive to write (pg_dump custom format)")]) -> None:
    """Write the whole database to FILE, for `db restore` (also `pg_restore -l FILE` reads it)."""
    try:
        backup(database_url(), file)
    except (BackupError, ClusterError) as exc:
        raise typer.Exit(_fail(str(exc))) from exc
    typer.echo(f"backed up to {file} ({file.stat().st_size} bytes)")


@db.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="an archive written by `db backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Replace everything in the database with FILE, in one transaction; running servers need no restart."""
    if not yes:
        typer.confirm(f"replace every record of the database with {file}?", abort=True)
    try:
        restore(database_url(), file)
    except (BackupError, ClusterError) as exc:
        raise typer.Exit(_fail(str(exc))) from exc
    typer.echo(f"restored from {file}; run `investmap db migrate` if it comes from an older release")
