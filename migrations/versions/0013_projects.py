"""key projects and their monthly schedule reports, target activity logs

A signed target becomes a project (projects.target_id, one per signing); projects move through
签约 → 开工 → 投产 → 达产 (or 停缓建, 终止) with each move kept, and get one schedule report
(月度调度) per month. Targets get a dated activity log. Every table is audited; projects and
reports bump data versions (the project layer reads them).

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDITED = [
    ("projects", "id"),
    ("project_stage_changes", "id"),
    ("project_reports", "id"),
    ("target_activities", "id"),
]
VERSIONED = ["projects"]
DATA_VERSIONED = ["projects", "project_reports"]
STAGES = "('signed', 'started', 'producing', 'full', 'suspended', 'terminated')"


def _provenance() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("is_demo", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("published", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("row_version", sa.Integer(), server_default="1", nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("park_id", sa.Integer(), nullable=True),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("project_type", sa.Text(), server_default="new", nullable=False),
        sa.Column("level", sa.Text(), server_default="county", nullable=False),
        sa.Column("stage", sa.Text(), server_default="signed", nullable=False),
        sa.Column("stage_changed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("investment_wan", sa.Numeric(14, 2), nullable=False),
        sa.Column("annual_output_wan", sa.Numeric(14, 2), nullable=True),
        sa.Column("annual_tax_wan", sa.Numeric(14, 2), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("planned_start_on", sa.Date(), nullable=True),
        sa.Column("planned_production_on", sa.Date(), nullable=True),
        sa.Column("planned_full_on", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("producing_on", sa.Date(), nullable=True),
        sa.Column("full_on", sa.Date(), nullable=True),
        sa.Column("officer", sa.Text(), nullable=True),
        sa.Column("leader", sa.Text(), nullable=True),
        sa.Column("location", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        *_provenance(),
        sa.CheckConstraint(f"stage IN {STAGES}", name=op.f("ck_projects_stage")),
        sa.CheckConstraint("project_type IN ('new', 'expansion', 'upgrade')", name=op.f("ck_projects_project_type")),
        sa.CheckConstraint("level IN ('provincial', 'municipal', 'county')", name=op.f("ck_projects_level")),
        sa.CheckConstraint("investment_wan > 0", name=op.f("ck_projects_investment_positive")),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 200", name=op.f("ck_projects_name_length")),
        sa.CheckConstraint(
            "stage NOT IN ('started', 'producing', 'full') OR started_on IS NOT NULL", name=op.f("ck_projects_started_on")
        ),
        sa.CheckConstraint(
            "stage NOT IN ('producing', 'full') OR producing_on IS NOT NULL", name=op.f("ck_projects_producing_on")
        ),
        sa.CheckConstraint("stage <> 'full' OR full_on IS NOT NULL", name=op.f("ck_projects_full_on")),
        sa.ForeignKeyConstraint(["target_id"], ["targets.id"], name=op.f("fk_projects_target_id_targets")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], name=op.f("fk_projects_enterprise_id_enterprises")),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=op.f("fk_projects_cluster_id_clusters")),
        sa.ForeignKeyConstraint(["link_id"], ["chain_links.id"], name=op.f("fk_projects_link_id_chain_links")),
        sa.ForeignKeyConstraint(["park_id"], ["parks.id"], name=op.f("fk_projects_park_id_parks")),
        sa.ForeignKeyConstraint(["region_adcode"], ["regions.adcode"], name=op.f("fk_projects_region_adcode_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("target_id", name=op.f("uq_projects_target_id")),
    )
    for column in ("enterprise_id", "cluster_id", "link_id", "park_id", "region_adcode", "stage", "published"):
        op.create_index(op.f(f"ix_projects_{column}"), "projects", [column], unique=False)
    op.create_index("idx_projects_location", "projects", ["location"], unique=False, postgresql_using="gist")

    op.create_table(
        "project_stage_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.Text(), nullable=True),
        sa.Column("to_stage", sa.Text(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.Text(), server_default=sa.text("investmap_actor()"), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(f"to_stage IN {STAGES}", name=op.f("ck_project_stage_changes_to_stage")),
        sa.CheckConstraint(f"from_stage IS NULL OR from_stage IN {STAGES}", name=op.f("ck_project_stage_changes_from_stage")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_project_stage_changes_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_stage_changes")),
    )
    op.create_index(op.f("ix_project_stage_changes_project_id"), "project_stage_changes", ["project_id"], unique=False)

    op.create_table(
        "project_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("investment_month_wan", sa.Numeric(14, 2), nullable=False),
        sa.Column("investment_total_wan", sa.Numeric(14, 2), nullable=False),
        sa.Column("funds_arrived_wan", sa.Numeric(14, 2), nullable=True),
        sa.Column("progress", sa.Text(), nullable=True),
        sa.Column("progress_pct", sa.Integer(), nullable=True),
        sa.Column("problems", sa.Text(), nullable=True),
        sa.Column("coordination_dept", sa.Text(), nullable=True),
        sa.Column("filed_by", sa.Text(), server_default=sa.text("investmap_actor()"), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("extract(day FROM month) = 1", name=op.f("ck_project_reports_month_first_day")),
        sa.CheckConstraint("investment_month_wan >= 0", name=op.f("ck_project_reports_investment_month")),
        sa.CheckConstraint("investment_total_wan >= investment_month_wan", name=op.f("ck_project_reports_investment_total")),
        sa.CheckConstraint("funds_arrived_wan >= 0", name=op.f("ck_project_reports_funds_arrived")),
        sa.CheckConstraint("progress_pct BETWEEN 0 AND 100", name=op.f("ck_project_reports_progress_pct")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_project_reports_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_reports")),
        sa.UniqueConstraint("project_id", "month", name=op.f("uq_project_reports_project_id_month")),
    )
    op.create_index(op.f("ix_project_reports_project_id"), "project_reports", ["project_id"], unique=False)

    op.create_table(
        "target_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("attachments", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("recorded_by", sa.Text(), server_default=sa.text("investmap_actor()"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "kind IN ('call', 'visit', 'meeting', 'site_visit', 'message', 'other')", name=op.f("ck_target_activities_kind")
        ),
        sa.CheckConstraint("length(summary) BETWEEN 1 AND 5000", name=op.f("ck_target_activities_summary_length")),
        sa.CheckConstraint("cardinality(attachments) <= 20", name=op.f("ck_target_activities_attachments_count")),
        sa.ForeignKeyConstraint(
            ["target_id"], ["targets.id"], name=op.f("fk_target_activities_target_id_targets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_activities")),
    )
    op.create_index(op.f("ix_target_activities_target_id"), "target_activities", ["target_id"], unique=False)

    for table, key in AUDITED:
        op.execute(
            f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION investmap_audit('{key}')"
        )
    for table in VERSIONED:
        op.execute(f"CREATE TRIGGER {table}_touch BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION investmap_touch()")
    op.execute(f"INSERT INTO data_versions (table_name) VALUES {', '.join(f'({t!r})' for t in DATA_VERSIONED)}")
    for table in DATA_VERSIONED:
        op.execute(f"""
            CREATE TRIGGER trg_{table}_data_version
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()
        """)


def downgrade() -> None:
    for table in DATA_VERSIONED:
        op.execute(f"DROP TRIGGER trg_{table}_data_version ON {table}")
    op.execute(f"DELETE FROM data_version_log WHERE table_name IN ({', '.join(repr(t) for t in DATA_VERSIONED)})")
    op.drop_index(op.f("ix_target_activities_target_id"), table_name="target_activities")
    op.drop_table("target_activities")
    op.drop_index(op.f("ix_project_reports_project_id"), table_name="project_reports")
    op.drop_table("project_reports")
    op.drop_index(op.f("ix_project_stage_changes_project_id"), table_name="project_stage_changes")
    op.drop_table("project_stage_changes")
    op.drop_index("idx_projects_location", table_name="projects")
    for column in ("enterprise_id", "cluster_id", "link_id", "park_id", "region_adcode", "stage", "published"):
        op.drop_index(op.f(f"ix_projects_{column}"), table_name="projects")
    op.drop_table("projects")
