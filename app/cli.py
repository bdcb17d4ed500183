"""`investmap`: the command line the Makefile drives. Nothing is done by hand."""

from pathlib import Path
from typing import Annotated

import typer

from app.core.database import database_url
from app.core.pgcluster import EmbeddedCluster, ensure_database
from app.core.settings import PROJECT_ROOT, database_settings, server_settings

app = typer.Typer(help="InvestMap 招商一张图", no_args_is_help=True, pretty_exceptions_enable=False)
db = typer.Typer(help="the database: embedded cluster and migrations", no_args_is_help=True)
load = typer.Typer(help="load reference and demo data", no_args_is_help=True)
app.add_typer(db, name="db")
app.add_typer(load, name="load")


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


@load.command("reference")
def load_reference(
    geodata: Annotated[Path, typer.Option(help="folder with the reference files")] = PROJECT_ROOT / "geodata",
) -> None:
    """Load Jiangxi's regions, parks, clusters and cooperation parks (idempotent)."""
    from app.loaders.reference import load_all

    for line in load_all(geodata):
        typer.echo(line)


@load.command("demo")
def load_demo(
    plots: Annotated[int, typer.Option(min=0, help="land plots to generate")] = 2000,
    factories: Annotated[int | None, typer.Option(min=0, help="factories (default plots/4)")] = None,
    seed: Annotated[int, typer.Option(help="random seed: same seed, same data")] = 1,
) -> None:
    """Generate demo carriers (flagged is_demo) inside the parks' counties, by bulk COPY."""
    from app.loaders.demo import load_demo_carriers

    load_demo_carriers(plots=plots, factories=plots // 4 if factories is None else factories, seed=seed)


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="bind address (HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (PORT)")] = None,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
) -> None:
    """Serve the API and the map."""
    import uvicorn

    settings = server_settings()
    uvicorn.run(
        "app.main:create_app", factory=True, host=host or settings.host, port=port or settings.port,
        workers=workers, proxy_headers=True,
    )
