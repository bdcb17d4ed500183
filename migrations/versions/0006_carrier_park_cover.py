"""covering index of carriers by park; spatial indexes per kind of carrier

Counting a park's carriers (the map's park list shows how many match the filters) touched
every carrier row; with the filter columns in the index PostgreSQL answers from the index
alone (an index-only scan once the table is vacuumed), ~10× faster with 200,000 plots.

The OGC collections and tiles serve land plots and factories as separate layers; a GIST
index per kind lets a bbox query of one layer skip the other's rows altogether.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_carriers_park_cover ON carriers (park_id) INCLUDE (published, status, kind, area_m2, price_wan_per_mu)"
    )
    op.execute("CREATE INDEX ix_carriers_land_geom ON carriers USING gist (geom) WHERE kind = 'land'")
    op.execute("CREATE INDEX ix_carriers_building_geom ON carriers USING gist (geom) WHERE kind <> 'land'")


def downgrade() -> None:
    op.execute("DROP INDEX ix_carriers_building_geom, ix_carriers_land_geom, ix_carriers_park_cover")
