"""chains, links, recorded gaps, enterprises, targets and their stage history

Comes after 0003 (accounts and audit), whose trigger functions it uses: every table here is
audited, and every table with an ETag has its row_version bumped by investmap_touch().
The stage history's changed_by defaults to investmap_actor(), the writer of the transaction.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 15:10:13.570704
"""

from collections.abc import Sequence

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDITED = [
    ("chains", "id"),
    ("chain_links", "id"),
    ("chain_clusters", "chain_id"),
    ("chain_gaps", "id"),
    ("enterprises", "id"),
    ("enterprise_links", "enterprise_id"),
    ("targets", "id"),
]
VERSIONED = ["chains", "chain_links", "chain_gaps", "enterprises", "targets"]


def upgrade() -> None:
    op.create_table(
        "chains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("published", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("row_version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 200", name=op.f("ck_chains_name_length")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chains")),
        sa.UniqueConstraint("name", name=op.f("uq_chains_name")),
    )
    op.create_index(op.f("ix_chains_published"), "chains", ["published"], unique=False)
    op.create_table(
        "chain_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("position", sa.Text(), nullable=False),
        sa.Column("ord", sa.Integer(), server_default="0", nullable=False),
        sa.Column("industry_codes", postgresql.ARRAY(sa.String(length=5)), server_default="{}", nullable=False),
        sa.Column("keywords", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("depth", sa.Integer(), server_default="0", nullable=False),
        sa.Column("sort_key", postgresql.ARRAY(sa.Integer()), server_default="{}", nullable=False),
        sa.Column("lineage", postgresql.ARRAY(sa.Integer()), server_default="{}", nullable=False),
        sa.Column("row_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("position IN ('upstream', 'midstream', 'downstream')", name=op.f("ck_chain_links_position")),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 100", name=op.f("ck_chain_links_name_length")),
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name=op.f("ck_chain_links_parent_not_self")),
        sa.ForeignKeyConstraint(
            ["chain_id", "parent_id"], ["chain_links.chain_id", "chain_links.id"], name="fk_chain_links_parent_id_same_chain"
        ),
        sa.ForeignKeyConstraint(["chain_id"], ["chains.id"], name=op.f("fk_chain_links_chain_id_chains"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_links")),
        sa.UniqueConstraint("chain_id", "id", name=op.f("uq_chain_links_chain_id_id")),
        sa.UniqueConstraint("chain_id", "name", name=op.f("uq_chain_links_chain_id_name")),
    )
    op.create_index(op.f("ix_chain_links_parent_id"), "chain_links", ["parent_id"], unique=False)
    op.create_table(
        "chain_clusters",
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["chain_id"], ["chains.id"], name=op.f("fk_chain_clusters_chain_id_chains"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name=op.f("fk_chain_clusters_cluster_id_clusters"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("chain_id", "cluster_id", name=op.f("pk_chain_clusters")),
    )
    op.create_index(op.f("ix_chain_clusters_cluster_id"), "chain_clusters", ["cluster_id"], unique=False)
    op.create_table(
        "chain_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("gap_class", sa.Text(), nullable=False),
        sa.Column("priority", sa.Text(), server_default="medium", nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("region_adcode", sa.String(length=6), nullable=True),
        sa.Column("park_id", sa.Integer(), nullable=True),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("published", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("row_version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("gap_class IN ('missing', 'weak')", name=op.f("ck_chain_gaps_gap_class")),
        sa.CheckConstraint("priority IN ('high', 'medium', 'low')", name=op.f("ck_chain_gaps_priority")),
        sa.CheckConstraint("num_nonnulls(region_adcode, park_id, cluster_id) = 1", name=op.f("ck_chain_gaps_one_area")),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=op.f("fk_chain_gaps_cluster_id_clusters")),
        sa.ForeignKeyConstraint(["link_id"], ["chain_links.id"], name=op.f("fk_chain_gaps_link_id_chain_links")),
        sa.ForeignKeyConstraint(["park_id"], ["parks.id"], name=op.f("fk_chain_gaps_park_id_parks")),
        sa.ForeignKeyConstraint(["region_adcode"], ["regions.adcode"], name=op.f("fk_chain_gaps_region_adcode_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_gaps")),
        sa.UniqueConstraint(
            "link_id",
            "region_adcode",
            "park_id",
            "cluster_id",
            name=op.f("uq_chain_gaps_link_id_region_adcode_park_id_cluster_id"),
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_index(op.f("ix_chain_gaps_cluster_id"), "chain_gaps", ["cluster_id"], unique=False)
    op.create_index(op.f("ix_chain_gaps_link_id"), "chain_gaps", ["link_id"], unique=False)
    op.create_index(op.f("ix_chain_gaps_park_id"), "chain_gaps", ["park_id"], unique=False)
    op.create_index(op.f("ix_chain_gaps_published"), "chain_gaps", ["published"], unique=False)
    op.create_index(op.f("ix_chain_gaps_region_adcode"), "chain_gaps", ["region_adcode"], unique=False)
    op.create_table(
        "enterprises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column(
            "location",
            geoalchemy2.types.Geometry(
                geometry_type="POINT", srid=4326, dimension=2, from_text="ST_GeomFromEWKT", name="geometry", nullable=False
            ),
            nullable=False,
        ),
        sa.Column("region_adcode", sa.String(length=6), nullable=True),
        sa.Column("park_id", sa.Integer(), nullable=True),
        sa.Column("is_local", sa.Boolean(), nullable=False),
        sa.Column("tags", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("revenue_yi", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("published", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("row_version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "tags <@ ARRAY['high_tech', 'srdi_sme', 'little_giant', 'single_champion', 'chain_leader']::text[]",
            name=op.f("ck_enterprises_tags"),
        ),
        sa.CheckConstraint(
            "uscc ~ '^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$'", name=op.f("ck_enterprises_uscc_format")
        ),
        sa.CheckConstraint("NOT is_local OR region_adcode IS NOT NULL", name=op.f("ck_enterprises_local_has_region")),
        sa.CheckConstraint("employees >= 0", name=op.f("ck_enterprises_employees_nonnegative")),
        sa.CheckConstraint("is_local OR park_id IS NULL", name=op.f("ck_enterprises_park_only_local")),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 200", name=op.f("ck_enterprises_name_length")),
        sa.CheckConstraint("revenue_yi >= 0", name=op.f("ck_enterprises_revenue_nonnegative")),
        sa.CheckConstraint("year BETWEEN 1949 AND 2100", name=op.f("ck_enterprises_year")),
        sa.ForeignKeyConstraint(["park_id"], ["parks.id"], name=op.f("fk_enterprises_park_id_parks")),
        sa.ForeignKeyConstraint(["region_adcode"], ["regions.adcode"], name=op.f("fk_enterprises_region_adcode_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprises")),
        sa.UniqueConstraint("uscc", name=op.f("uq_enterprises_uscc")),
    )
    op.create_index(op.f("ix_enterprises_is_local"), "enterprises", ["is_local"], unique=False)
    op.create_index(op.f("ix_enterprises_park_id"), "enterprises", ["park_id"], unique=False)
    op.create_index(op.f("ix_enterprises_published"), "enterprises", ["published"], unique=False)
    op.create_index(op.f("ix_enterprises_region_adcode"), "enterprises", ["region_adcode"], unique=False)
    op.create_table(
        "enterprise_links",
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_enterprise_links_enterprise_id_enterprises"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["link_id"], ["chain_links.id"], name=op.f("fk_enterprise_links_link_id_chain_links")),
        sa.PrimaryKeyConstraint("enterprise_id", "link_id", name=op.f("pk_enterprise_links")),
    )
    op.create_index(op.f("ix_enterprise_links_link_id"), "enterprise_links", ["link_id"], unique=False)
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("gap_id", sa.Integer(), nullable=True),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Text(), server_default="medium", nullable=False),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("intended_park_id", sa.Integer(), nullable=True),
        sa.Column("stage", sa.Text(), server_default="lead", nullable=False),
        sa.Column("stage_changed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("drop_reason", sa.Text(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_action", sa.Text(), nullable=True),
        sa.Column("next_action_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("region_adcode", sa.String(length=6), nullable=True),
        sa.Column("park_id", sa.Integer(), nullable=True),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("published", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("row_version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("(stage = 'signed') = (signed_at IS NOT NULL)", name=op.f("ck_targets_signed_at")),
        sa.CheckConstraint("priority IN ('high', 'medium', 'low')", name=op.f("ck_targets_priority")),
        sa.CheckConstraint("stage <> 'dropped' OR drop_reason IS NOT NULL", name=op.f("ck_targets_dropped_has_reason")),
        sa.CheckConstraint(
            "stage IN ('lead', 'contacted', 'visit', 'negotiating', 'signed', 'dropped')", name=op.f("ck_targets_stage")
        ),
        sa.CheckConstraint("num_nonnulls(region_adcode, park_id, cluster_id) = 1", name=op.f("ck_targets_one_area")),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=op.f("fk_targets_cluster_id_clusters")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], name=op.f("fk_targets_enterprise_id_enterprises")),
        sa.ForeignKeyConstraint(["gap_id"], ["chain_gaps.id"], name=op.f("fk_targets_gap_id_chain_gaps"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["intended_park_id"], ["parks.id"], name=op.f("fk_targets_intended_park_id_parks")),
        sa.ForeignKeyConstraint(["link_id"], ["chain_links.id"], name=op.f("fk_targets_link_id_chain_links")),
        sa.ForeignKeyConstraint(["park_id"], ["parks.id"], name=op.f("fk_targets_park_id_parks")),
        sa.ForeignKeyConstraint(["region_adcode"], ["regions.adcode"], name=op.f("fk_targets_region_adcode_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targets")),
        sa.UniqueConstraint(
            "enterprise_id",
            "link_id",
            "region_adcode",
            "park_id",
            "cluster_id",
            name=op.f("uq_targets_enterprise_id_link_id_region_adcode_park_id_cluster_id"),
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_index(op.f("ix_targets_cluster_id"), "targets", ["cluster_id"], unique=False)
    op.create_index(op.f("ix_targets_enterprise_id"), "targets", ["enterprise_id"], unique=False)
    op.create_index(op.f("ix_targets_gap_id"), "targets", ["gap_id"], unique=False)
    op.create_index(op.f("ix_targets_intended_park_id"), "targets", ["intended_park_id"], unique=False)
    op.create_index(op.f("ix_targets_link_id"), "targets", ["link_id"], unique=False)
    op.create_index(op.f("ix_targets_next_action_date"), "targets", ["next_action_date"], unique=False)
    op.create_index(op.f("ix_targets_owner"), "targets", ["owner"], unique=False)
    op.create_index(op.f("ix_targets_park_id"), "targets", ["park_id"], unique=False)
    op.create_index(op.f("ix_targets_published"), "targets", ["published"], unique=False)
    op.create_index(op.f("ix_targets_region_adcode"), "targets", ["region_adcode"], unique=False)
    op.create_index(op.f("ix_targets_stage"), "targets", ["stage"], unique=False)
    op.create_table(
        "target_stage_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.Text(), nullable=True),
        sa.Column("to_stage", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.Text(), server_default=sa.text("investmap_actor()"), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "from_stage IS NULL OR from_stage IN ('lead', 'contacted', 'visit', 'negotiating', 'signed', 'dropped')",
            name=op.f("ck_target_stage_changes_from_stage"),
        ),
        sa.CheckConstraint(
            "to_stage IN ('lead', 'contacted', 'visit', 'negotiating', 'signed', 'dropped')",
            name=op.f("ck_target_stage_changes_to_stage"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["targets.id"], name=op.f("fk_target_stage_changes_target_id_targets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_stage_changes")),
    )
    op.create_index(op.f("ix_target_stage_changes_target_id"), "target_stage_changes", ["target_id"], unique=False)

    for table, key in AUDITED:
        op.execute(
            f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION investmap_audit('{key}')"
        )
    for table in VERSIONED:
        op.execute(f"CREATE TRIGGER {table}_touch BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION investmap_touch()")


def downgrade() -> None:
    op.drop_index(op.f("ix_target_stage_changes_target_id"), table_name="target_stage_changes")
    op.drop_table("target_stage_changes")
    op.drop_index(op.f("ix_targets_stage"), table_name="targets")
    op.drop_index(op.f("ix_targets_region_adcode"), table_name="targets")
    op.drop_index(op.f("ix_targets_published"), table_name="targets")
    op.drop_index(op.f("ix_targets_park_id"), table_name="targets")
    op.drop_index(op.f("ix_targets_owner"), table_name="targets")
    op.drop_index(op.f("ix_targets_next_action_date"), table_name="targets")
    op.drop_index(op.f("ix_targets_link_id"), table_name="targets")
    op.drop_index(op.f("ix_targets_intended_park_id"), table_name="targets")
    op.drop_index(op.f("ix_targets_gap_id"), table_name="targets")
    op.drop_index(op.f("ix_targets_enterprise_id"), table_name="targets")
    op.drop_index(op.f("ix_targets_cluster_id"), table_name="targets")
    op.drop_table("targets")
    op.drop_index(op.f("ix_enterprise_links_link_id"), table_name="enterprise_links")
    op.drop_table("enterprise_links")
    op.drop_index(op.f("ix_enterprises_region_adcode"), table_name="enterprises")
    op.drop_index(op.f("ix_enterprises_published"), table_name="enterprises")
    op.drop_index(op.f("ix_enterprises_park_id"), table_name="enterprises")
    op.drop_index(op.f("ix_enterprises_is_local"), table_name="enterprises")
    op.drop_table("enterprises")
    op.drop_index(op.f("ix_chain_gaps_region_adcode"), table_name="chain_gaps")
    op.drop_index(op.f("ix_chain_gaps_published"), table_name="chain_gaps")
    op.drop_index(op.f("ix_chain_gaps_park_id"), table_name="chain_gaps")
    op.drop_index(op.f("ix_chain_gaps_link_id"), table_name="chain_gaps")
    op.drop_index(op.f("ix_chain_gaps_cluster_id"), table_name="chain_gaps")
    op.drop_table("chain_gaps")
    op.drop_index(op.f("ix_chain_clusters_cluster_id"), table_name="chain_clusters")
    op.drop_table("chain_clusters")
    op.drop_index(op.f("ix_chain_links_parent_id"), table_name="chain_links")
    op.drop_table("chain_links")
    op.drop_index(op.f("ix_chains_published"), table_name="chains")
    op.drop_table("chains")
