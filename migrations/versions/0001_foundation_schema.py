"""foundation schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 14:34:33.313511
"""

from collections.abc import Sequence

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "load_runs",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_load_runs")),
    )
    op.create_table(
        "regions",
        sa.Column("adcode", sa.String(length=6), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("parent_adcode", sa.String(length=6), nullable=True),
        sa.Column(
            "geom",
            geoalchemy2.types.Geometry(
                geometry_type="MULTIPOLYGON", srid=4326, dimension=2, from_text="ST_GeomFromEWKT", name="geometry", nullable=False
            ),
            nullable=False,
        ),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("published", sa.Boolean(), server_default="false", nullable=False),
        sa.CheckConstraint("adcode ~ '^[0-9]{6}$'", name=op.f("ck_regions_adcode")),
        sa.CheckConstraint("level IN ('province', 'city', 'county')", name=op.f("ck_regions_level")),
        sa.CheckConstraint("ST_IsValid(geom)", name=op.f("ck_regions_geom_valid")),
        sa.ForeignKeyConstraint(["parent_adcode"], ["regions.adcode"], name=op.f("fk_regions_parent_adcode_regions")),
        sa.PrimaryKeyConstraint("adcode", name=op.f("pk_regions")),
    )
    op.create_index(op.f("ix_regions_parent_adcode"), "regions", ["parent_adcode"], unique=False)
    op.create_index(op.f("ix_regions_published"), "regions", ["published"], unique=False)
    op.create_table(
        "clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("tier", sa.Text(), nullable=False),
        sa.Column("lead_city_adcode", sa.String(length=6), nullable=True),
        sa.Column("target_revenue_yi", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("published", sa.Boolean(), server_default="false", nullable=False),
        sa.CheckConstraint(
            "tier IN ('national_advanced', 'provincial_advanced', 'provincial', 'municipal')", name=op.f("ck_clusters_tier")
        ),
        sa.CheckConstraint("target_revenue_yi > 0", name=op.f("ck_clusters_target_revenue_positive")),
        sa.CheckConstraint("target_year BETWEEN 2000 AND 2100", name=op.f("ck_clusters_target_year")),
        sa.ForeignKeyConstraint(["lead_city_adcode"], ["regions.adcode"], name=op.f("fk_clusters_lead_city_adcode_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clusters")),
        sa.UniqueConstraint("name", name=op.f("uq_clusters_name")),
    )
    op.create_index(op.f("ix_clusters_published"), "clusters", ["published"], unique=False)
    op.create_table(
        "parks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("short_name", sa.Text(), nullable=True),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("approval_date", sa.Text(), nullable=True),
        sa.Column("approved_area_ha", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("leading_industries", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column(
            "boundary",
            geoalchemy2.types.Geometry(
                geometry_type="MULTIPOLYGON", srid=4326, dimension=2, from_text="ST_GeomFromEWKT", name="geometry"
            ),
            nullable=True,
        ),
        sa.Column(
            "location",
            geoalchemy2.types.Geometry(
                geometry_type="POINT", srid=4326, dimension=2, from_text="ST_GeomFromEWKT", name="geometry", nullable=False
            ),
            nullable=False,
        ),
        sa.Column("location_precision", sa.Text(), server_default="county", nullable=False),
        sa.Column("contacts", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column("profile", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("published", sa.Boolean(), server_default="false", nullable=False),
        sa.CheckConstraint("approval_date ~ '^\\d{4}(-\\d{2}(-\\d{2})?)?$'", name=op.f("ck_parks_approval_date")),
        sa.CheckConstraint("level IN ('national', 'provincial', 'municipal')", name=op.f("ck_parks_level")),
        sa.CheckConstraint("location_precision IN ('exact', 'town', 'county')", name=op.f("ck_parks_location_precision")),
        sa.CheckConstraint(
            "type IN ('etdz', 'hitech', 'bonded', 'industrial', 'featured', 'chemical', 'future', 'other')",
            name=op.f("ck_parks_type"),
        ),
        sa.CheckConstraint("approved_area_ha > 0", name=op.f("ck_parks_approved_area_ha_positive")),
        sa.CheckConstraint("boundary IS NULL OR ST_IsValid(boundary)", name=op.f("ck_parks_boundary_valid")),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 200", name=op.f("ck_parks_name_length")),
        sa.ForeignKeyConstraint(["region_adcode"], ["regions.adcode"], name=op.f("fk_parks_region_adcode_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parks")),
        sa.UniqueConstraint("name", name=op.f("uq_parks_name")),
    )
    op.create_index(op.f("ix_parks_level"), "parks", ["level"], unique=False)
    op.create_index(op.f("ix_parks_published"), "parks", ["published"], unique=False)
    op.create_index(op.f("ix_parks_region_adcode"), "parks", ["region_adcode"], unique=False)
    op.create_index(op.f("ix_parks_type"), "parks", ["type"], unique=False)
    op.create_table(
        "carriers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), server_default="available", nullable=False),
        sa.Column(
            "geom",
            geoalchemy2.types.Geometry(srid=4326, dimension=2, from_text="ST_GeomFromEWKT", name="geometry", nullable=False),
            nullable=False,
        ),
        sa.Column(
            "location",
            geoalchemy2.types.Geometry(
                geometry_type="POINT", srid=4326, dimension=2, from_text="ST_GeomFromEWKT", name="geometry", nullable=False
            ),
            sa.Computed("ST_PointOnSurface(geom)", persisted=True),
            nullable=False,
        ),
        sa.Column("area_m2", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("land_use", sa.Text(), nullable=True),
        sa.Column("plot_ratio_min", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("plot_ratio_max", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("building_density_pct_min", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("building_density_pct_max", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("green_ratio_pct_min", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("green_ratio_pct_max", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("height_limit_m_min", sa.Numeric(precision=6, scale=1), nullable=True),
        sa.Column("height_limit_m_max", sa.Numeric(precision=6, scale=1), nullable=True),
        sa.Column("lease_term_years", sa.Integer(), nullable=True),
        sa.Column("readiness", sa.Text(), nullable=True),
        sa.Column("price_wan_per_mu", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("rent_yuan_m2_month", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("sale_price_yuan_m2", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("floors", sa.Integer(), nullable=True),
        sa.Column("storey_height_m", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("floor_load_t_m2", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("has_crane", sa.Boolean(), nullable=True),
        sa.Column("is_standard_land", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("investment_intensity_wan_per_mu", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("tax_per_mu_wan", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("energy_tce_per_wan", sa.Numeric(precision=8, scale=4), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("published", sa.Boolean(), server_default="false", nullable=False),
        sa.CheckConstraint(
            "(kind = 'land' AND GeometryType(geom) = 'POLYGON') OR (kind <> 'land' AND GeometryType(geom) = 'POINT')",
            name=op.f("ck_carriers_geom_type_matches_kind"),
        ),
        sa.CheckConstraint("kind IN ('land', 'factory', 'office')", name=op.f("ck_carriers_kind")),
        sa.CheckConstraint(
            "land_use IN ('industrial_1', 'industrial_2', 'industrial_3', 'warehouse', 'rnd', 'commercial', 'mixed')",
            name=op.f("ck_carriers_land_use"),
        ),
        sa.CheckConstraint("status IN ('available', 'reserved', 'taken')", name=op.f("ck_carriers_status")),
        sa.CheckConstraint("ST_IsValid(geom)", name=op.f("ck_carriers_geom_valid")),
        sa.CheckConstraint("area_m2 > 0", name=op.f("ck_carriers_area_positive")),
        sa.CheckConstraint("building_density_pct_min >= 0", name=op.f("ck_carriers_building_density_pct_min_nonnegative")),
        sa.CheckConstraint(
            "building_density_pct_min IS NULL OR building_density_pct_max IS NULL OR building_density_pct_min <= building_density_pct_max",
            name=op.f("ck_carriers_building_density_pct_range"),
        ),
        sa.CheckConstraint("floor_load_t_m2 > 0", name=op.f("ck_carriers_floor_load_positive")),
        sa.CheckConstraint("floors >= 1", name=op.f("ck_carriers_floors_positive")),
        sa.CheckConstraint("green_ratio_pct_min >= 0", name=op.f("ck_carriers_green_ratio_pct_min_nonnegative")),
        sa.CheckConstraint(
            "green_ratio_pct_min IS NULL OR green_ratio_pct_max IS NULL OR green_ratio_pct_min <= green_ratio_pct_max",
            name=op.f("ck_carriers_green_ratio_pct_range"),
        ),
        sa.CheckConstraint("height_limit_m_min >= 0", name=op.f("ck_carriers_height_limit_m_min_nonnegative")),
        sa.CheckConstraint(
            "height_limit_m_min IS NULL OR height_limit_m_max IS NULL OR height_limit_m_min <= height_limit_m_max",
            name=op.f("ck_carriers_height_limit_m_range"),
        ),
        sa.CheckConstraint("lease_term_years BETWEEN 1 AND 70", name=op.f("ck_carriers_lease_term")),
        sa.CheckConstraint("plot_ratio_min >= 0", name=op.f("ck_carriers_plot_ratio_min_nonnegative")),
        sa.CheckConstraint(
            "plot_ratio_min IS NULL OR plot_ratio_max IS NULL OR plot_ratio_min <= plot_ratio_max",
            name=op.f("ck_carriers_plot_ratio_range"),
        ),
        sa.CheckConstraint("price_wan_per_mu >= 0", name=op.f("ck_carriers_price_nonnegative")),
        sa.CheckConstraint("rent_yuan_m2_month >= 0", name=op.f("ck_carriers_rent_nonnegative")),
        sa.CheckConstraint("sale_price_yuan_m2 >= 0", name=op.f("ck_carriers_sale_price_nonnegative")),
        sa.CheckConstraint("storey_height_m > 0", name=op.f("ck_carriers_storey_height_positive")),
        sa.ForeignKeyConstraint(["park_id"], ["parks.id"], name=op.f("fk_carriers_park_id_parks"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carriers")),
    )
    op.create_index(op.f("ix_carriers_park_id"), "carriers", ["park_id"], unique=False)
    op.create_index(op.f("ix_carriers_price_wan_per_mu"), "carriers", ["price_wan_per_mu"], unique=False)
    op.create_index(op.f("ix_carriers_published"), "carriers", ["published"], unique=False)
    op.create_table(
        "cluster_cities",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("adcode", sa.String(length=6), nullable=False),
        sa.ForeignKeyConstraint(["adcode"], ["regions.adcode"], name=op.f("fk_cluster_cities_adcode_regions")),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name=op.f("fk_cluster_cities_cluster_id_clusters"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("cluster_id", "adcode", name=op.f("pk_cluster_cities")),
    )
    op.create_table(
        "cluster_parks",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name=op.f("fk_cluster_parks_cluster_id_clusters"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["park_id"], ["parks.id"], name=op.f("fk_cluster_parks_park_id_parks"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cluster_id", "park_id", name=op.f("pk_cluster_parks")),
    )
    op.create_index(op.f("ix_cluster_parks_park_id"), "cluster_parks", ["park_id"], unique=False)
    op.create_table(
        "cluster_revenues",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revenue_yi", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.CheckConstraint("revenue_yi >= 0", name=op.f("ck_cluster_revenues_revenue_nonnegative")),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_cluster_revenues_year")),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name=op.f("fk_cluster_revenues_cluster_id_clusters"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("cluster_id", "year", name=op.f("pk_cluster_revenues")),
    )
    op.create_table(
        "cooperation_parks",
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("partner_region", sa.Text(), nullable=False),
        sa.Column("partner_name", sa.Text(), nullable=False),
        sa.Column(
            "partner_location",
            geoalchemy2.types.Geometry(
                geometry_type="POINT", srid=4326, dimension=2, from_text="ST_GeomFromEWKT", name="geometry", nullable=False
            ),
            nullable=False,
        ),
        sa.Column("model", sa.Text(), nullable=True),
        sa.Column("signed_date", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.CheckConstraint("model IN ('co_build', 'trusteeship', 'enclave')", name=op.f("ck_cooperation_parks_model")),
        sa.CheckConstraint(
            "partner_region IN ('yrd', 'gba', 'west_strait', 'other')", name=op.f("ck_cooperation_parks_partner_region")
        ),
        sa.ForeignKeyConstraint(["park_id"], ["parks.id"], name=op.f("fk_cooperation_parks_park_id_parks"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("park_id", name=op.f("pk_cooperation_parks")),
    )


def downgrade() -> None:
    op.drop_table("cooperation_parks")
    op.drop_table("cluster_revenues")
    op.drop_index(op.f("ix_cluster_parks_park_id"), table_name="cluster_parks")
    op.drop_table("cluster_parks")
    op.drop_table("cluster_cities")
    op.drop_index(op.f("ix_carriers_published"), table_name="carriers")
    op.drop_index(op.f("ix_carriers_price_wan_per_mu"), table_name="carriers")
    op.drop_index(op.f("ix_carriers_park_id"), table_name="carriers")
    op.drop_table("carriers")
    op.drop_index(op.f("ix_parks_type"), table_name="parks")
    op.drop_index(op.f("ix_parks_region_adcode"), table_name="parks")
    op.drop_index(op.f("ix_parks_published"), table_name="parks")
    op.drop_index(op.f("ix_parks_level"), table_name="parks")
    op.drop_table("parks")
    op.drop_index(op.f("ix_clusters_published"), table_name="clusters")
    op.drop_table("clusters")
    op.drop_index(op.f("ix_regions_published"), table_name="regions")
    op.drop_index(op.f("ix_regions_parent_adcode"), table_name="regions")
    op.drop_table("regions")
    op.drop_table("load_runs")
