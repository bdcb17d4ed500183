"""How the service connects to a PostgreSQL server: the primary and each read replica alike.

A statement slower than INVESTMAP_SLOW_STATEMENT_MS is logged (logger `investmap.slow`) with its
text, which holds placeholders only, and the shape of its parameters (their names and types, the
length of a list), never their values: they may be personal data or credentials. Statements run
on a raw driver cursor (the OGC pages' fast path) pass no engine event and are not timed here.
"""

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, create_engine, event

from app.core.settings import DatabaseSettings

# A database that does not answer is unavailable (503) after this long, not a hung request.
CONNECT_TIMEOUT_SECONDS = 5


def normalise_url(url: str) -> str:
    # Operators paste libpq-style URLs; SQLAlchemy needs to be told to use psycopg 3.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _timeouts(db: DatabaseSettings) -> str:
    # Every statement of the service is bounded: a write waiting behind a bulk load gives up after
    # lock_timeout instead of stalling its caller (see from_operational_error in core/errors.py).
    return f"-c lock_timeout={db.lock_timeout_ms} -c statement_timeout={db.statement_timeout_ms}"


slow_log = logging.getLogger("investmap.slow")
_STARTED = "investmap_started"


def shape(parameters: object) -> object:
    """What the parameters of a statement look like: names, types and lengths, no values."""
    if isinstance(parameters, Mapping):
        return {str(k): shape(v) for k, v in parameters.items()}
    if isinstance(parameters, Sequence) and not isinstance(parameters, str | bytes):
        return [shape(v) for v in parameters[:3]] + ([f"… {len(parameters)} in all"] if len(parameters) > 3 else [])
    return type(parameters).__name__


def _time_statements(engine: Engine, slow_ms: int) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _started(conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
        conn.info[_STARTED] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _finished(conn: Any, _cursor: Any, statement: str, params: Any, _context: Any, _many: bool) -> None:
        elapsed_ms = (time.perf_counter() - conn.info.pop(_STARTED, time.perf_counter())) * 1000
        if elapsed_ms >= slow_ms:
            slow_log.warning("slow statement (%.0f ms): %s | parameters: %s", elapsed_ms, statement, shape(params))


def engine_for(url: str, db: DatabaseSettings, connect_timeout: int = CONNECT_TIMEOUT_SECONDS) -> Engine:
    """A pooled engine on `url` with the pool and timeouts of `db`, logging its slow statements."""
    engine = create_engine(
        normalise_url(url),
        pool_size=db.db_pool_size,
        max_overflow=20,
        # Connections broken by a database restart are found at checkout and replaced.
        pool_pre_ping=True,
        connect_args={"connect_timeout": connect_timeout, "options": _timeouts(db)},
    )
    _time_statements(engine, db.slow_statement_ms)
    return engine
