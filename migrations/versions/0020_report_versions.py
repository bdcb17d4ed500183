"""monthly reports: versions and corrections

A month's reports close on a configured day of the next month (INVESTMAP_PROJECT_MONTH_CLOSE_DAY);
after that only an admin or a leader changes one, with a reason. Every change keeps the values it
replaced as a numbered version (project_report_versions), so the original is never lost; the
audit trail records both rows.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("project_reports", sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("project_reports", sa.Column("corrected_by", sa.Text(), nullable=True))
    op.add_column("project_reports", sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("project_reports", sa.Column("correction_reason", sa.Text(), nullable=True))
    op.create_table(
        "project_report_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", postgresql.JSONB(), nullable=False),
        sa.Column("replaced_by", sa.Text(), server_default=sa.text("investmap_actor()"), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["project_reports.id"],
            name=op.f("fk_project_report_versions_report_id_project_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_report_versions")),
        sa.UniqueConstraint("report_id", "version", name=op.f("uq_project_report_versions_report_id_version")),
    )
    op.create_index(op.f("ix_project_report_versions_report_id"), "project_report_versions", ["report_id"], unique=False)
    op.execute(
        "CREATE TRIGGER project_report_versions_audit AFTER INSERT OR UPDATE OR DELETE ON project_report_versions "
        "FOR EACH ROW EXECUTE FUNCTION investmap_audit('id')"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_project_report_versions_report_id"), table_name="project_report_versions")
    op.drop_table("project_report_versions")
    for column in ("correction_reason", "corrected_at", "corrected_by", "version"):
        op.drop_column("project_reports", column)
