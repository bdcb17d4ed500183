"""`investmap users ...` and `investmap keys ...`: accounts and partner API keys.

They check what they are given with the same rules as the admin API (app/accounts/service.py)
and name the option at fault when they refuse it."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

if TYPE_CHECKING:  # for the annotations only: the commands import SQLAlchemy where they use it
    from sqlalchemy import CursorResult
    from sqlalchemy.orm import Session

users = typer.Typer(help="user accounts", no_args_is_help=True)
keys = typer.Typer(help="API keys of partner systems", no_args_is_help=True)


def _cli_session() -> "Session":
    """A session whose writes the audit trail attributes to the command line."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app.core.database import get_engine

    session = Session(get_engine())
    session.begin()
    session.execute(text("SELECT set_config('investmap.actor', 'cli', true)"))
    return session


def _names(csv: str) -> list[str]:
    return [part.strip() for part in csv.split(",") if part.strip()]


@contextmanager
def _refusing(options: dict[str, str]) -> Iterator[None]:
    """Turn the service's 4xx into a usage error naming the option (field -> option)."""
    from app.core.errors import AppError

    try:
        yield
    except AppError as err:
        problem = err.details[0] if err.details else None
        hint = options.get(problem.field) if problem else None
        text = f"{problem.problem} / {problem.problem_zh}" if problem else f"{err.message} / {err.message_zh}"
        raise typer.BadParameter(text, param_hint=hint) from None


@users.command("create")
def users_create(
    username: str,
    role: Annotated[str, typer.Option(help="officer | leader | admin")] = "officer",
    name: Annotated[str | None, typer.Option(help="display name")] = None,
    regions: Annotated[str, typer.Option(help="write scope: comma-separated city/county adcodes")] = "",
) -> None:
    """Create a user and print its one-time password (to be changed at the first sign-in)."""
    from app.accounts.service import create_user

    with _cli_session() as session, _refusing({"role": "--role", "region_adcodes": "--regions"}):
        user, password = create_user(session, username, name or username, role, _names(regions))
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
        # An UPDATE's result is a CursorResult, which Session.execute() types as a plain Result.
        done = cast(
            "CursorResult[Any]", session.execute(update(User).where(User.username == username).values(disabled=True))
        ).rowcount
        session.commit()
    if not done:
        raise typer.BadParameter(f"no user {username}")
    typer.echo(f"disabled {username}; its sessions have ended")


@users.command("reset-password")
def users_reset_password(username: str) -> None:
    """Give a user a new one-time password (printed once); its sessions end."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.accounts.service import reset_password

    with _cli_session() as session:
        user = session.execute(select(User).where(User.username == username).with_for_update()).scalar_one_or_none()
        if user is None:
            raise typer.BadParameter(f"no user {username}")
        password = reset_password(session, user)
        session.commit()
    typer.echo(f"{username}: new one-time password {password}")


@users.command("ensure-admin")
def users_ensure_admin(
    username: Annotated[str | None, typer.Option(help="the admin's name (default INVESTMAP_ADMIN_USERNAME)")] = None,
) -> None:
    """Create the first admin when there is no user yet (what `make run` does)."""
    from sqlalchemy import func, select

    from app.accounts.models import User
    from app.accounts.schemas import USERNAME
    from app.accounts.service import create_user
    from app.core.settings import settings

    username = username or settings().accounts.admin_username
    if not re.fullmatch(USERNAME, username):
        raise typer.BadParameter("3-64 letters, digits or _ . - / 3–64 位字母、数字或 _ . -", param_hint="--username")
    with _cli_session() as session:
        if session.execute(select(func.count()).select_from(User)).scalar_one():
            return
        _, password = create_user(session, username, "Administrator 管理员", "admin", [])
        session.commit()
    typer.echo(f"first admin created: username {username}, one-time password {password} (to be changed at the first sign-in)")


@keys.command("create")
def keys_create(
    name: str,
    collections: Annotated[str, typer.Option(help="comma-separated collections it may read, * for all")] = "*",
    write: Annotated[bool, typer.Option(help="may also write (within --regions)")] = False,
    regions: Annotated[str, typer.Option(help="write scope: comma-separated adcodes")] = "",
    days: Annotated[int | None, typer.Option(min=1, max=3650, help="expires after this many days")] = None,
) -> None:
    """Create an API key and print it (shown once)."""
    from datetime import UTC, datetime, timedelta

    from app.accounts.service import create_key

    expires = datetime.now(UTC) + timedelta(days=days) if days else None
    with _cli_session() as session, _refusing({"collections": "--collections", "region_adcodes": "--regions"}):
        key, secret = create_key(session, name, _names(collections), "write" if write else "read", _names(regions), expires, None)
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
        # An UPDATE's result is a CursorResult, which Session.execute() types as a plain Result.
        done = cast(
            "CursorResult[Any]", session.execute(update(ApiKey).where(ApiKey.id == key_id).values(revoked_at=func.now()))
        ).rowcount
        session.commit()
    if not done:
        raise typer.BadParameter(f"no key {key_id}")
    typer.echo(f"revoked key {key_id}")
