"""Engine and session plumbing. One request, one session, one transaction, committed before the answer."""

from collections.abc import Iterator
from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from sqlalchemy import Engine, MetaData, create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from app.core.errors import commit_conflict
from app.core.pgcluster import EmbeddedCluster
from app.core.settings import DatabaseSettings, database_settings

# A database that does not answer is unavailable (503) after this long, not a hung request.
CONNECT_TIMEOUT_SECONDS = 5


class Base(DeclarativeBase):
    """Declarative base of every table; Alembic reads its metadata.

    Constraint names follow one convention so that a violated constraint can be traced back
    to its table and field in error messages (see core/errors.py).
    """

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def normalise_url(url: str) -> str:
    # Operators paste libpq-style URLs; SQLAlchemy needs to be told to use psycopg 3.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def database_url() -> str:
    """DATABASE_URL when set, else the embedded cluster's database.

    The embedded cluster keeps its port and password in var/, so this URL stays right while the
    cluster is down and after it restarts: the engine reconnects to it by itself.
    """
    settings = database_settings()
    if settings.database_url:
        return normalise_url(settings.database_url)
    return EmbeddedCluster(settings.investmap_var_dir).url(settings.investmap_db_name)


def _timeouts(settings: DatabaseSettings) -> str:
    # Every statement of the service is bounded: a write waiting behind a bulk load gives up after
    # lock_timeout instead of stalling its caller (see from_operational_error in core/errors.py).
    return (f"-c lock_timeout={settings.investmap_lock_timeout_ms} "
            f"-c statement_timeout={settings.investmap_statement_timeout_ms}")


@lru_cache
def get_engine(url: str | None = None) -> Engine:
    settings = database_settings()
    return create_engine(
        url or database_url(),
        pool_size=settings.investmap_db_pool_size,
        max_overflow=20,
        # Connections broken by a database restart are found at checkout and replaced.
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS, "options": _timeouts(settings)},
    )


@lru_cache
def _session_factory(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


def commit(session: Session) -> None:
    """Commit, turning a constraint only checked now (deferred ones) into a 409: nothing was stored."""
    try:
        session.commit()
    except IntegrityError as exc:
        raise commit_conflict(exc) from exc


def get_session() -> Iterator[Session]:
    """The request's session: it commits once the endpoint has returned, and rolls back if anything failed."""
    with _session_factory()() as session:
        session.begin()
        yield session
        commit(session)


def relax_for_bulk_load(session: Session) -> None:
    """For the CLI's bulk loads, in their own transaction only: no API timeouts, and a commit that
    does not wait for the disk (a crash can lose the load, which is idempotent and simply run again;
    every other transaction stays durable)."""
    session.execute(text("SELECT set_config('statement_timeout', '0', true), set_config('lock_timeout', '0', true), "
                         "set_config('synchronous_commit', 'off', true)"))


# Commit before answering, never after: with scope="function" FastAPI runs the exit code above once the
# endpoint has returned and built its response, and before it sends a byte of it (fastapi/routing.py,
# request_response: the function exit stack closes before `await response(...)`). The default
# ("request") runs it after the response is sent, which acknowledged writes that then failed to commit
# and answered the next read from before the commit. A failed commit raises here instead, and the
# error handlers answer 409/503; the data version is re-read at commit (core/versions.py), so the
# answer leaves after this process knows the new version. tests/durability/test_f02_* guards this.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
