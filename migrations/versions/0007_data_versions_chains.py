"""data versions of the chain tables, which the chain-gap layer (OGC collection and tiles) reads

A gap's class is measured from enterprises on the chain's links in its area, and its list
carries the targets of that link and area: a write to any of these tables can change the gap
layer, so each bumps a version, with the trigger function of 0004.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("chains", "chain_links", "chain_clusters", "chain_gaps", "enterprises", "enterprise_links", "targets")


def upgrade() -> None:
    op.execute(f"INSERT INTO data_versions (table_name) VALUES {', '.join(f'({t!r})' for t in TABLES)}")
    for table in TABLES:
        op.execute(f"""
            CREATE TRIGGER trg_{table}_data_version
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()
        """)


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER trg_{table}_data_version ON {table}")
    op.execute(f"DELETE FROM data_versions WHERE table_name IN ({', '.join(repr(t) for t in TABLES)})")
