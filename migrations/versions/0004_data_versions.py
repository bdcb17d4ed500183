"""data versions: a counter per table that every write bumps, announced by NOTIFY

Tile and feature caches key their entries by these versions, so an edit made by any process
(an API worker, a loader, psql) is never served stale. Statement-level triggers cost one row
update per statement, not per row, so a 200,000-row COPY bumps the counter once.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("regions", "parks", "cooperation_parks", "carriers", "clusters", "cluster_cities", "cluster_parks", "cluster_revenues")


def upgrade() -> None:
    # Versions come from one sequence, so they are unique across tables and only grow: the
    # version of a layer made of several tables is simply the largest of theirs. It starts at
    # the current time in milliseconds, so a database recreated later never reuses the
    # versions (and ETags) of an older one.
    op.execute("CREATE SEQUENCE data_version_seq")
    op.execute("SELECT setval('data_version_seq', (extract(epoch FROM clock_timestamp()) * 1000)::bigint)")
    op.execute("""
        CREATE TABLE data_versions (
            table_name text PRIMARY KEY,
            version bigint NOT NULL DEFAULT nextval('data_version_seq')
        )
    """)
    op.execute(f"INSERT INTO data_versions (table_name) VALUES {', '.join(f'({t!r})' for t in TABLES)}")
    op.execute("""
        CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE data_versions SET version = nextval('data_version_seq') WHERE table_name = TG_TABLE_NAME;
            -- Delivered at commit, to every listening worker: they then re-read data_versions.
            PERFORM pg_notify('investmap_data_version', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
    """)
    for table in TABLES:
        op.execute(f"""
            CREATE TRIGGER trg_{table}_data_version
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()
        """)


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER trg_{table}_data_version ON {table}")
    op.execute("DROP FUNCTION bump_data_version()")
    op.execute("DROP TABLE data_versions")
    op.execute("DROP SEQUENCE data_version_seq")
