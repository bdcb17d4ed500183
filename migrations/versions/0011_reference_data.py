"""reference data a province can stand behind (issue 16): park kinds, parts and counties, typed
areas and provenance; clusters' official list entries and sourced figures; demo credit codes
that cannot collide with real ones

- parks: `kind` (finer than `type`: 国家级新区 and its parts, 园中园, 省级开发区 ...), backfilled
  from `type`; `parent_id` (a part is counted and drawn under its parent); `park_counties` (every
  county a zone spans, backfilled from region_adcode); `area_ha` + `area_kind` for areas that are
  not a catalogue 核准面积 (which stays in approved_area_ha); English name, address, hotline,
  website, the basis of the point and the source's URL, kind and evidence.
- clusters: the tiers of the star-rated, 培育 and 特色 lists and plan targets; `cross_provincial`;
  `cluster_list_entries` (one row per list a cluster is on) and `cluster_figures` (one sourced
  figure per cluster, year and metric).
- chain_links: `industry_classes`, the GB/T 4754-2017 class title of each industry code.
- enterprises: a demo record's credit code uses the division 999999, which no registry issues,
  and only a demo record may; no demo record is tagged 链主. NOT VALID: demo rows generated before this revision keep their
  codes until the next `investmap load demo` replaces them (its signature changed with it).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "etdz",
    "hitech",
    "bonded",
    "new_area",
    "new_area_part",
    "provincial_dz",
    "provincial_park",
    "chemical",
    "featured",
    "sub_park",
    "cooperation",
    "future",
    "other",
)
AREA_KINDS = ("planned", "approved", "land_use", "fenced", "jurisdiction")
POINT_BASES = ("address", "road", "town", "county_spread")
SOURCE_KINDS = ("primary", "official_media", "repost", "document")
OLD_TIERS = ("national_advanced", "provincial_advanced", "provincial", "municipal")
TIERS = (
    "national_advanced",
    "provincial_advanced",
    "provincial_five_star",
    "provincial_four_star",
    "provincial_three_star",
    "provincial",
    "provincial_cultivating",
    "provincial_featured",
    "municipal",
    "plan_target",
)
LIST_STATUSES = ("listed", "publicity", "plan_target")
METRICS = ("revenue_yi", "main_business_revenue_yi", "output_value_yi", "enterprises", "above_scale_enterprises")
QUALIFIERS = ("exact", "more_than", "about")
NEW_TABLES = ("park_counties", "cluster_list_entries", "cluster_figures")
DEMO_RULES = {
    "demo_uscc": "(substr(uscc, 3, 6) = '999999') = is_demo",
    "demo_not_leader": "NOT (is_demo AND 'chain_leader' = ANY(tags))",
}
PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _park_columns() -> None:
    for name in (
        "kind",
        "area_kind",
        "name_en",
        "address",
        "hotline",
        "website",
        "point_basis",
        "source_url",
        "source_kind",
        "evidence",
    ):
        op.add_column("parks", sa.Column(name, sa.Text(), nullable=True))
    op.add_column("parks", sa.Column("area_ha", sa.Numeric(precision=12, scale=2), nullable=True))
    op.add_column("parks", sa.Column("parent_id", sa.Integer(), nullable=True))
    op.execute("UPDATE parks SET kind = CASE type WHEN 'industrial' THEN 'provincial_dz' ELSE type END")
    op.alter_column("parks", "kind", nullable=False)
    op.create_index(op.f("ix_parks_kind"), "parks", ["kind"])
    op.create_index(op.f("ix_parks_parent_id"), "parks", ["parent_id"])
    op.create_foreign_key(op.f("fk_parks_parent_id_parks"), "parks", "parks", ["parent_id"], ["id"], ondelete="RESTRICT")
    for name, condition in (
        ("kind", _in("kind", KINDS)),
        ("area_kind", _in("area_kind", AREA_KINDS)),
        ("area_with_kind", "(area_ha IS NULL) = (area_kind IS NULL)"),
        ("area_ha_positive", "area_ha > 0"),
        ("point_basis", _in("point_basis", POINT_BASES)),
        ("source_kind", _in("source_kind", SOURCE_KINDS)),
        ("not_own_parent", "parent_id <> id"),
    ):
        op.create_check_constraint(op.f(f"ck_parks_{name}"), "parks", condition)
    op.create_table(
        "park_counties",
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("adcode", sa.String(length=6), nullable=False),
        sa.ForeignKeyConstraint(["park_id"], ["parks.id"], name=op.f("fk_park_counties_park_id_parks"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["adcode"], ["regions.adcode"], name=op.f("fk_park_counties_adcode_regions")),
        sa.PrimaryKeyConstraint("park_id", "adcode", name=op.f("pk_park_counties")),
    )
    op.create_index(op.f("ix_park_counties_adcode"), "park_counties", ["adcode"])
    op.execute("INSERT INTO park_counties (park_id, adcode) SELECT id, region_adcode FROM parks")


def _source_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("source_kind", sa.Text(), nullable=True),
        sa.Column("as_of", sa.Text(), nullable=True),
    ]


def _cluster_tables() -> None:
    op.drop_constraint(op.f("ck_clusters_tier"), "clusters")
    op.create_check_constraint(op.f("ck_clusters_tier"), "clusters", _in("tier", TIERS))
    op.add_column("clusters", sa.Column("cross_provincial", sa.Boolean(), server_default="false", nullable=False))
    op.create_table(
        "cluster_list_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.Text(), nullable=False),
        sa.Column("list_year", sa.Integer(), nullable=True),
        sa.Column("tier", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=True),
        *_source_columns(),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(_in("tier", TIERS), name=op.f("ck_cluster_list_entries_tier")),
        sa.CheckConstraint(_in("status", LIST_STATUSES), name=op.f("ck_cluster_list_entries_status")),
        sa.CheckConstraint(_in("source_kind", SOURCE_KINDS), name=op.f("ck_cluster_list_entries_source_kind")),
        sa.CheckConstraint(f"as_of ~ '{PARTIAL_DATE}'", name=op.f("ck_cluster_list_entries_as_of")),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name=op.f("fk_cluster_list_entries_cluster_id_clusters"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_list_entries")),
        sa.UniqueConstraint("cluster_id", "list_name", name=op.f("uq_cluster_list_entries_cluster_id_list_name")),
    )
    op.create_table(
        "cluster_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("metric", sa.Text(), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("qualifier", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("list_name", sa.Text(), nullable=True),
        *_source_columns(),
        sa.CheckConstraint(_in("metric", METRICS), name=op.f("ck_cluster_figures_metric")),
        sa.CheckConstraint(_in("qualifier", QUALIFIERS), name=op.f("ck_cluster_figures_qualifier")),
        sa.CheckConstraint(_in("source_kind", SOURCE_KINDS), name=op.f("ck_cluster_figures_source_kind")),
        sa.CheckConstraint(f"as_of ~ '{PARTIAL_DATE}'", name=op.f("ck_cluster_figures_as_of")),
        sa.CheckConstraint("value >= 0", name=op.f("ck_cluster_figures_value_nonnegative")),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_cluster_figures_year")),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name=op.f("fk_cluster_figures_cluster_id_clusters"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_figures")),
        sa.UniqueConstraint("cluster_id", "year", "metric", name=op.f("uq_cluster_figures_cluster_id_year_metric")),
    )


def upgrade() -> None:
    op.add_column(
        "chain_links",
        sa.Column("industry_classes", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
    )
    _park_columns()
    _cluster_tables()
    op.execute(
        "CREATE TRIGGER park_counties_audit AFTER INSERT OR UPDATE OR DELETE ON park_counties "
        "FOR EACH ROW EXECUTE FUNCTION investmap_audit('park_id')"
    )
    op.execute(f"INSERT INTO data_versions (table_name) VALUES {', '.join(f'({t!r})' for t in NEW_TABLES)}")
    for table in NEW_TABLES:
        op.execute(f"""
            CREATE TRIGGER trg_{table}_data_version
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()
        """)
    for name, condition in DEMO_RULES.items():
        op.execute(f"ALTER TABLE enterprises ADD CONSTRAINT ck_enterprises_{name} CHECK ({condition}) NOT VALID")


def downgrade() -> None:
    op.drop_column("chain_links", "industry_classes")
    for name in DEMO_RULES:
        op.drop_constraint(f"ck_enterprises_{name}", "enterprises")
    for table in NEW_TABLES:
        op.execute(f"DROP TRIGGER trg_{table}_data_version ON {table}")
    op.execute(f"DELETE FROM data_version_log WHERE table_name IN ({', '.join(repr(t) for t in NEW_TABLES)})")
    op.drop_table("cluster_figures")
    op.drop_table("cluster_list_entries")
    op.drop_column("clusters", "cross_provincial")
    op.drop_constraint(op.f("ck_clusters_tier"), "clusters")
    op.execute(f"UPDATE clusters SET tier = 'provincial' WHERE NOT ({_in('tier', OLD_TIERS)})")
    op.create_check_constraint(op.f("ck_clusters_tier"), "clusters", _in("tier", OLD_TIERS))
    op.drop_table("park_counties")
    for name in ("kind", "area_kind", "area_with_kind", "area_ha_positive", "point_basis", "source_kind", "not_own_parent"):
        op.drop_constraint(op.f(f"ck_parks_{name}"), "parks")
    op.drop_constraint(op.f("fk_parks_parent_id_parks"), "parks")
    op.drop_index(op.f("ix_parks_parent_id"), table_name="parks")
    op.drop_index(op.f("ix_parks_kind"), table_name="parks")
    for name in (
        "kind",
        "parent_id",
        "area_ha",
        "area_kind",
        "name_en",
        "address",
        "hotline",
        "website",
        "point_basis",
        "source_url",
        "source_kind",
        "evidence",
    ):
        op.drop_column("parks", name)
