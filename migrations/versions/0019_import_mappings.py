"""import mappings: the column mapping a park's last committed carrier import was given

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_mappings",
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("mapping", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("saved_by", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["park_id"], ["parks.id"], name=op.f("fk_import_mappings_park_id_parks"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("park_id", name=op.f("pk_import_mappings")),
    )


def downgrade() -> None:
    op.drop_table("import_mappings")
