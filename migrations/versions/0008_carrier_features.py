"""carrier_features: each carrier's public GeoJSON Feature as text, for the land and factory OGC pages

Existing carriers are filled by plain SQL: the statement app/carriers/features.py ran at this
revision, written out, so that this migration never depends on today's code (a later change
of the carriers' output comes with a migration of its own that rewrites the texts).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The NUMERIC(14, 2) casts of the unit divisors are those SQLAlchemy put on its parameters then.
_FILL = """
INSERT INTO carrier_features (id, feature)
SELECT rows.__key, CAST(json_build_object(
    'type', 'Feature', 'id', rows.__key, 'geometry', CAST(rows.__geometry AS JSON),
    'properties', (SELECT to_json(p) FROM (SELECT
        rows.kind, rows.name, rows.park_id, rows.park_name, rows.status, rows.area_m2, rows.area_mu, rows.area_ha,
        rows.land_use, rows.plot_ratio_min, rows.plot_ratio_max, rows.building_density_pct_min,
        rows.building_density_pct_max, rows.green_ratio_pct_min, rows.green_ratio_pct_max, rows.height_limit_m_min,
        rows.height_limit_m_max, rows.lease_term_years, rows.readiness, rows.price_wan_per_mu, rows.rent_yuan_m2_month,
        rows.sale_price_yuan_m2, rows.floors, rows.storey_height_m, rows.floor_load_t_m2, rows.has_crane,
        rows.is_standard_land, rows.investment_intensity_wan_per_mu, rows.tax_per_mu_wan, rows.energy_tce_per_wan,
        rows.description, rows.source, rows.as_of, rows.updated_at, rows.is_demo, rows.published) AS p)
) AS TEXT)
FROM (SELECT carriers.id AS __key, ST_AsGeoJSON(carriers.geom, 7, 0) AS __geometry,
             carriers.kind, carriers.name, carriers.park_id,
             (SELECT parks.name FROM parks WHERE parks.id = carriers.park_id) AS park_name,
             carriers.status, carriers.area_m2,
             round(carriers.area_m2 / CAST(666.6666666666666 AS NUMERIC(14, 2)), 2) AS area_mu,
             round(carriers.area_m2 / CAST(10000.0 AS NUMERIC(14, 2)), 4) AS area_ha,
             carriers.land_use, carriers.plot_ratio_min, carriers.plot_ratio_max, carriers.building_density_pct_min,
             carriers.building_density_pct_max, carriers.green_ratio_pct_min, carriers.green_ratio_pct_max,
             carriers.height_limit_m_min, carriers.height_limit_m_max, carriers.lease_term_years, carriers.readiness,
             carriers.price_wan_per_mu, carriers.rent_yuan_m2_month, carriers.sale_price_yuan_m2, carriers.floors,
             carriers.storey_height_m, carriers.floor_load_t_m2, carriers.has_crane, carriers.is_standard_land,
             carriers.investment_intensity_wan_per_mu, carriers.tax_per_mu_wan, carriers.energy_tce_per_wan,
             carriers.description, carriers.source, carriers.as_of, carriers.updated_at, carriers.is_demo,
             carriers.published
      FROM carriers) AS rows
"""


def upgrade() -> None:
    op.create_table(
        "carrier_features",
        sa.Column("id", sa.Integer, sa.ForeignKey("carriers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("feature", sa.Text, nullable=False),
    )
    op.execute(_FILL)


def downgrade() -> None:
    op.drop_table("carrier_features")
