"""How the service connects to a PostgreSQL server: the primary and each read replica alike."""

from sqlalchemy import Engine, create_engine

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


def engine_for(url: str, db: DatabaseSettings, connect_timeout: int = CONNECT_TIMEOUT_SECONDS) -> Engine:
    """A pooled engine on `url` with the pool and timeouts of `db`."""
    return create_engine(
        normalise_url(url),
        pool_size=db.db_pool_size,
        max_overflow=20,
        # Connections broken by a database restart are found at checkout and replaced.
        pool_pre_ping=True,
        connect_args={"connect_timeout": connect_timeout, "options": _timeouts(db)},
    )
