"""Engine and session plumbing. One request, one session, one transaction."""

from collections.abc import Iterator
from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from sqlalchemy import Engine, MetaData, create_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from app.core.pgcluster import EmbeddedCluster
from app.core.settings import database_settings


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
    """DATABASE_URL when set, else the running embedded cluster's database."""
    settings = database_settings()
    if settings.database_url:
        return normalise_url(settings.database_url)
    return EmbeddedCluster(settings.investmap_var_dir).url(settings.investmap_db_name)


@lru_cache
def get_engine(url: str | None = None) -> Engine:
    settings = database_settings()
    return create_engine(
        url or database_url(),
        pool_size=settings.investmap_db_pool_size,
        max_overflow=20,
        pool_pre_ping=True,
    )


@lru_cache
def _session_factory(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


def get_session() -> Iterator[Session]:
    """A session whose transaction commits when the request succeeds and rolls back otherwise."""
    with _session_factory()() as session, session.begin():
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
