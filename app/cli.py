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
    enterprises: Annotated[int, typer.Option(min=0, help="local enterprises (plus a quarter as many external ones "
                                                       "and targets for half of those)")] = 600,
    seed: Annotated[int, typer.Option(help="random seed: same seed, same data")] = 1,
) -> None:
    """Generate demo carriers, enterprises and target lists (flagged is_demo), by bulk COPY."""
    from app.loaders.demo import load_demo_carriers
    from app.loaders.demo_enterprises import load_demo_enterprises

    load_demo_carriers(plots=plots, factories=plots // 4 if factories is None else factories, seed=seed)
    load_demo_enterprises(enterprises=enterprises, seed=seed)


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


users = typer.Typer(help="user accounts", no_args_is_help=True)
keys = typer.Typer(help="API keys of partner systems", no_args_is_help=True)
app.add_typer(users, name="users")
app.add_typer(keys, name="keys")


def _cli_session():  # type: ignore[no-untyped-def]
    """A session whose writes the audit trail attributes to the command line."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app.core.database import get_engine

    session = Session(get_engine())
    session.begin()
    session.execute(text("SELECT set_config('investmap.actor', 'cli', true)"))
    return session


@users.command("create")
def users_create(
    username: str,
    role: Annotated[str, typer.Option(help="officer | leader | admin")] = "officer",
    name: Annotated[str | None, typer.Option(help="display name")] = None,
    regions: Annotated[str, typer.Option(help="write scope: comma-separated city/county adcodes")] = "",
) -> None:
    """Create a user and print its one-time password."""
    from app.accounts.service import create_user

    with _cli_session() as session:
        user, password = create_user(session, username, name or username, role, [r for r in regions.split(",") if r])
        session.commit()
    typer.echo(f"created {role} {username} (id {user.id}); one-time password: {password}")


@users.command("list")
def users_list() -> None:
    from sqlalchemy import select

    from app.accounts.models import User

    with _cli_session() as session:
        for u in session.execute(select(User).order_by(User.id)).scalars():
            state = "disabled" if u.disabled else "active"
            typer.echo(f"{u.id}\t{u.username}\t{u.role}\t{','.join(u.region_adcodes) or '-'}\t{state}")


@users.command("disable")
def users_disable(username: str) -> None:
    from sqlalchemy import update

    from app.accounts.models import User

    with _cli_session() as session:
        done = session.execute(update(User).where(User.username == username).values(disabled=True)).rowcount
        session.commit()
    if not done:
        raise typer.BadParameter(f"no user {username}")
    typer.echo(f"disabled {username}")


@users.command("ensure-admin")
def users_ensure_admin() -> None:
    """Create the first admin when there is no user yet (what `make run` does)."""
    from sqlalchemy import func, select

    from app.accounts.models import User
    from app.accounts.service import create_user

    with _cli_session() as session:
        if session.execute(select(func.count()).select_from(User)).scalar_one():
            return
        _, password = create_user(session, "admin", "Administrator 管理员", "admin", [])
        session.commit()
    typer.echo(f"first admin created: username admin, one-time password {password}")


@keys.command("create")
def keys_create(
    name: str,
    collections: Annotated[str, typer.Option(help="comma-separated collections it may read, * for all")] = "*",
    write: Annotated[bool, typer.Option(help="may also write (within --regions)")] = False,
    regions: Annotated[str, typer.Option(help="write scope: comma-separated adcodes")] = "",
    days: Annotated[int | None, typer.Option(help="expires after this many days")] = None,
) -> None:
    """Create an API key and print it (shown once)."""
    from datetime import UTC, datetime, timedelta

    from app.accounts.service import create_key

    expires = datetime.now(UTC) + timedelta(days=days) if days else None
    with _cli_session() as session:
        key, secret = create_key(session, name, collections.split(","), "write" if write else "read",
                                 [r for r in regions.split(",") if r], expires, None)
        session.commit()
    typer.echo(f"key {key.id} {name}: {secret}")


@keys.command("list")
def keys_list() -> None:
    from sqlalchemy import select

    from app.accounts.models import ApiKey

    with _cli_session() as session:
        for k in session.execute(select(ApiKey).order_by(ApiKey.id)).scalars():
            state = "revoked" if k.revoked_at else f"expires {k.expires_at:%Y-%m-%d}" if k.expires_at else "active"
            typer.echo(f"{k.id}\t{k.name}\t{k.access}\t{','.join(k.collections)}\t{state}")


@keys.command("revoke")
def keys_revoke(key_id: int) -> None:
    from sqlalchemy import func, update

    from app.accounts.models import ApiKey

    with _cli_session() as session:
        done = session.execute(update(ApiKey).where(ApiKey.id == key_id).values(revoked_at=func.now())).rowcount
        session.commit()
    if not done:
        raise typer.BadParameter(f"no key {key_id}")
    typer.echo(f"revoked key {key_id}")
