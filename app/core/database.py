"""Engine and session plumbing. One request, one session, one transaction, committed before the answer."""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar
from urllib.parse import quote

import psycopg
from fastapi import Depends, Request
from sqlalchemy import Connection, Engine, MetaData, Table, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from app.core.engines import engine_for, normalise_url
from app.core.errors import commit_conflict
from app.core.metrics import report_pool
from app.core.replicas import fail_route, replica_connection
from app.core.settings import DatabaseSettings, settings

if TYPE_CHECKING:
    import pandas as pd

# In a request session's `info`: its app's data versions, which a commit re-reads (core/versions.py).
VERSIONS_KEY = "investmap_data_versions"
# The embedded cluster's superuser, whose password app/cli/cluster.py generates at initdb.
SUPERUSER = "postgres"


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
    if TYPE_CHECKING:
        # SQLAlchemy types it as any FromClause (a class may map a subquery); every model here maps a Table.
        __table__: ClassVar[Table]


def embedded_url(var_dir: Path, database: str, port: int | None = None) -> str:
    """The URL of `database` in the embedded cluster that `investmap db up` (app/cli/cluster.py)
    keeps under `var_dir`: its port in pg/port, the superuser's password in pg/password (none
    yet in a cluster of older code, which trusted local connections). Both are kept across
    restarts, so the URL stays right while the cluster is down and after it comes back."""
    pg = var_dir / "pg"
    if port is None:
        if not (pg / "port").exists():
            raise FileNotFoundError(f"{pg / 'port'} is missing: start the embedded cluster with `investmap db up`")
        port = int((pg / "port").read_text())
    password = (pg / "password").read_text().strip() if (pg / "password").exists() else None
    auth = f"{SUPERUSER}:{quote(password, safe='')}" if password else SUPERUSER
    return f"postgresql+psycopg://{auth}@127.0.0.1:{port}/{database}"


def database_url(db: DatabaseSettings | None = None) -> str:
    """DATABASE_URL when set, else the embedded cluster's database (of the settings in effect by default)."""
    db = db or settings().database
    if db.url:
        return normalise_url(db.url)
    return embedded_url(db.var_dir, db.db_name)


@lru_cache
def _engine(db: DatabaseSettings) -> Engine:
    return engine_for(database_url(db), db)


def get_engine(db: DatabaseSettings | None = None) -> Engine:
    """The engine of `db`, by default of the settings in effect (the serving app's): one per process and database."""
    return _engine(db or settings().database)


class RoutedSession(Session):
    """A request's session: its reads go to a read replica when one is fit (core/replicas.py),
    chosen when it first needs a connection; everything else to the primary it is bound to."""

    _replica: Connection | None = None
    _routed = False

    def get_bind(self, *args: Any, **kw: Any) -> Engine | Connection:
        if not self._routed:
            self._routed = True
            self._replica = replica_connection()
        return self._replica or super().get_bind(*args, **kw)

    def on_replica(self) -> bool:
        return self._replica is not None

    def close(self) -> None:
        super().close()
        if self._replica is not None:
            self._replica.close()
            self._replica = None
        self._routed = False


@lru_cache
def _session_factory(engine: Engine) -> sessionmaker[RoutedSession]:
    return sessionmaker(bind=engine, class_=RoutedSession, expire_on_commit=False)


@contextmanager
def read_connection() -> Iterator[Connection]:
    """A connection for a request's reads outside its session (a tile): a fit replica, else the primary."""
    with replica_connection() or get_engine().connect() as conn:
        yield conn


def commit(session: Session) -> None:
    """Commit, turning a constraint only checked now (deferred ones) into a 409: nothing was stored."""
    try:
        session.commit()
    except IntegrityError as exc:
        raise commit_conflict(exc) from exc


def get_session(request: Request) -> Iterator[RoutedSession]:
    """The request's session: it commits once the endpoint has returned, and rolls back if anything failed."""
    engine = get_engine()
    with _session_factory(engine)(info={VERSIONS_KEY: request.app.state.versions}) as session:
        session.begin()
        try:
            yield session
            commit(session)
        except (DBAPIError, psycopg.Error):
            # Also what a raw cursor of the session's connection raised (ogc/items.py), which
            # passes no engine event: a read that failed on a replica is answered again from the primary.
            if session.on_replica():
                fail_route()
            raise
    report_pool(engine.pool)


def relax_for_bulk_load(session: Session) -> None:
    """For the CLI's bulk loads, in their own transaction only: no API timeouts, and a commit that
    does not wait for the disk (a crash can lose the load, which is idempotent and simply run again;
    every other transaction stays durable)."""
    session.execute(
        text(
            "SELECT set_config('statement_timeout', '0', true), set_config('lock_timeout', '0', true), "
            "set_config('synchronous_commit', 'off', true)"
        )
    )


# Commit before answering, never after: with scope="function" FastAPI runs the exit code above once the
# endpoint has returned and built its response, and before it sends a byte of it (fastapi/routing.py,
# request_response: the function exit stack closes before `await response(...)`). The default
# ("request") runs it after the response is sent, which acknowledged writes that then failed to commit
# and answered the next read from before the commit. A failed commit raises here instead, and the
# error handlers answer 409/503; the data version is re-read at commit (core/versions.py), so the
# answer leaves after this process knows the new version. tests/durability/test_f02_* guards this.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def copy_frame(session: Session, frame: "pd.DataFrame", table: str) -> None:
    """The rows of `frame` into `table` (its columns named as the frame's) by one COPY, in the session's transaction."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep="")
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    cursor = session.connection().connection.cursor()
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '')") as copy:
        copy.write(buffer.getvalue())
