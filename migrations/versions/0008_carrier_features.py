"""carrier_features: each carrier's public GeoJSON Feature as text, for the land and factory OGC pages

Built from the OGC layer definition (app/ogc/precomputed.py), so existing carriers are filled
here with the same code that keeps the table current afterwards.

Revision ID: 0008
Revises: 0007
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from app.ogc.precomputed import refresh_carrier_features

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "carrier_features",
        sa.Column("id", sa.Integer, sa.ForeignKey("carriers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("feature", sa.Text, nullable=False),
    )
    refresh_carrier_features(Session(op.get_bind()), sa.true())


def downgrade() -> None:
    op.drop_table("carrier_features")
