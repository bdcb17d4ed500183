"""Alembic environment: the URL and the metadata come from the application."""

from alembic import context
from sqlalchemy import create_engine, pool

from app.core.database import database_url
from app.models import metadata

config = context.config


def _include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # PostGIS owns spatial_ref_sys; the data versions are kept by triggers only (migrations 0004, 0009).
    return not (type_ == "table" and name in {"spatial_ref_sys", "data_versions", "data_version_log"})


def run_migrations_online() -> None:
    url = config.attributes.get("url") or database_url()
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, include_object=_include_object)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
