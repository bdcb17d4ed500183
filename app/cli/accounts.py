"""`investmap users ...` and `investmap keys ...`: accounts and partner API keys."""

from typing import Annotated

import typer

users = typer.Typer(help="user accounts", no_args_is_help=True)
keys = typer.Typer(help="API keys of partner systems", no_args_is_help=True)


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
        user_id = user.id  # read before commit: the session closes right after
        session.commit()
    typer.echo(f"created {role} {username} (id {user_id}); one-time password: {password}")


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
        key_id = key.id
        session.commit()
    typer.echo(f"key {key_id} {name}: {secret}")


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
