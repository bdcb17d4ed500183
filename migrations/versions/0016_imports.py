"""imports: a carrier's plot code (宗地编号), the key a re-import updates by

A file from the land bureau names each plot by its 宗地编号; importing the same file again must
update those plots, not add them twice, so the code is unique within its park.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("carriers", sa.Column("code", sa.Text(), nullable=True))
    op.create_check_constraint("code_length", "carriers", "length(code) BETWEEN 1 AND 100")
    op.create_index(
        "uq_carriers_park_code", "carriers", ["park_id", "code"], unique=True, postgresql_where=sa.text("code IS NOT NULL")
    )


def downgrade() -> None:
    op.drop_index("uq_carriers_park_code", table_name="carriers")
    op.drop_constraint(op.f("ck_carriers_code_length"), "carriers", type_="check")
    op.drop_column("carriers", "code")
