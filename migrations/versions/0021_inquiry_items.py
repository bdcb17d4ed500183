"""inquiry items: the carriers a visitor chose in the comparison or the match results

An inquiry sent from the site-selection panel is about several carriers at once: the first is its
item (routing, the status page), all of them are kept in the order chosen, with where the form was
opened from (a drawer, the comparison, the match results).

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "inquiries", sa.Column("chosen_carrier_ids", ARRAY(sa.Integer()), nullable=False, server_default=sa.text("'{}'"))
    )
    op.add_column("inquiries", sa.Column("origin", sa.Text(), nullable=False, server_default="drawer"))
    op.create_check_constraint("origin", "inquiries", "origin IN ('drawer', 'compare', 'match')")
    op.create_check_constraint("chosen_carriers", "inquiries", "cardinality(chosen_carrier_ids) <= 4")


def downgrade() -> None:
    # Each check constraint goes with the one column it reads.
    op.drop_column("inquiries", "origin")
    op.drop_column("inquiries", "chosen_carrier_ids")
