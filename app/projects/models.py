"""Key projects (重点项目): what a signed target becomes, or a project entered by hand; its stage
moves, and the monthly schedule reports (月度调度) officers file for it.

Money is in 万元, as the schedule forms write it (the dashboard sums it in 亿元)."""

from datetime import date, datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.codes import LabelledEnum, register, sql_in
from app.core.database import Base
from app.core.provenance import ProvenanceColumns


@register("project_stage")
class ProjectStage(LabelledEnum):
    SIGNED = ("signed", "签约", "signed")
    STARTED = ("started", "开工", "construction started")
    PRODUCING = ("producing", "投产", "in production")
    FULL = ("full", "达产", "at full capacity")
    SUSPENDED = ("suspended", "停缓建", "suspended")
    TERMINATED = ("terminated", "终止", "terminated")


@register("project_type")
class ProjectType(LabelledEnum):
    NEW = ("new", "新建", "new build")
    EXPANSION = ("expansion", "扩建", "expansion")
    UPGRADE = ("upgrade", "技改", "technical upgrade")


@register("project_level")
class ProjectLevel(LabelledEnum):
    PROVINCIAL = ("provincial", "省重点", "provincial key project")
    MUNICIPAL = ("municipal", "市重点", "municipal key project")
    COUNTY = ("county", "县重点", "county key project")


@register("project_status")
class ProjectStatus(LabelledEnum):
    GREEN = ("green", "正常", "on plan")
    AMBER = ("amber", "滞后", "behind plan")
    RED = ("red", "严重滞后", "seriously behind: escalate (提级调度)")
    CLOSED = ("closed", "已结束", "at full capacity or terminated: no longer scheduled")


class Project(ProvenanceColumns, Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(sql_in("stage", ProjectStage), name="stage"),
        CheckConstraint(sql_in("project_type", ProjectType), name="project_type"),
        CheckConstraint(sql_in("level", ProjectLevel), name="level"),
        CheckConstraint("investment_wan > 0", name="investment_positive"),
        CheckConstraint("length(name) BETWEEN 1 AND 200", name="name_length"),
        # A stage reached has its actual date (a suspended project keeps the dates it had).
        CheckConstraint("stage NOT IN ('started', 'producing', 'full') OR started_on IS NOT NULL", name="started_on"),
        CheckConstraint("stage NOT IN ('producing', 'full') OR producing_on IS NOT NULL", name="producing_on"),
        CheckConstraint("stage <> 'full' OR full_on IS NOT NULL", name="full_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    # The target it was signed from: one project per signing.
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id"), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), nullable=False, index=True)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("chain_links.id"), index=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    region_adcode: Mapped[str] = mapped_column(ForeignKey("regions.adcode"), nullable=False, index=True)
    project_type: Mapped[str] = mapped_column(Text, nullable=False, server_default="new")
    level: Mapped[str] = mapped_column(Text, nullable=False, server_default="county")
    stage: Mapped[str] = mapped_column(Text, nullable=False, server_default="signed", index=True)
    stage_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    investment_wan: Mapped[float] = mapped_column(Numeric(14, 2), nullable=False)
    annual_output_wan: Mapped[float | None] = mapped_column(Numeric(14, 2))
    annual_tax_wan: Mapped[float | None] = mapped_column(Numeric(14, 2))
    signed_on: Mapped[date] = mapped_column(Date, nullable=False)
    planned_start_on: Mapped[date | None] = mapped_column(Date)
    planned_production_on: Mapped[date | None] = mapped_column(Date)
    planned_full_on: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    producing_on: Mapped[date | None] = mapped_column(Date)
    full_on: Mapped[date | None] = mapped_column(Date)
    officer: Mapped[str | None] = mapped_column(Text)
    leader: Mapped[str | None] = mapped_column(Text)
    location: Mapped[object] = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)


class ProjectStageChange(Base):
    """One move of a project between stages: who, when, from, to, on which date it happened, why."""

    __tablename__ = "project_stage_changes"
    __table_args__ = (
        CheckConstraint(sql_in("to_stage", ProjectStage), name="to_stage"),
        CheckConstraint(f"from_stage IS NULL OR {sql_in('from_stage', ProjectStage)}", name="from_stage"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False, index=True)
    from_stage: Mapped[str | None] = mapped_column(Text)
    to_stage: Mapped[str] = mapped_column(Text, nullable=False)
    happened_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("investmap_actor()"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class ProjectReport(Base):
    """The monthly schedule report (月度调度) of one project for one month: one per project-month."""

    __tablename__ = "project_reports"
    __table_args__ = (
        UniqueConstraint("project_id", "month"),
        CheckConstraint("extract(day FROM month) = 1", name="month_first_day"),
        CheckConstraint("investment_month_wan >= 0", name="investment_month"),
        CheckConstraint("investment_total_wan >= investment_month_wan", name="investment_total"),
        CheckConstraint("funds_arrived_wan >= 0", name="funds_arrived"),
        CheckConstraint("progress_pct BETWEEN 0 AND 100", name="progress_pct"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False, index=True)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    investment_month_wan: Mapped[float] = mapped_column(Numeric(14, 2), nullable=False)
    investment_total_wan: Mapped[float] = mapped_column(Numeric(14, 2), nullable=False)
    funds_arrived_wan: Mapped[float | None] = mapped_column(Numeric(14, 2))
    progress: Mapped[str | None] = mapped_column(Text)
    progress_pct: Mapped[int | None] = mapped_column(Integer)
    problems: Mapped[str | None] = mapped_column(Text)
    coordination_dept: Mapped[str | None] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("investmap_actor()"))
    filed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    # Each change after filing bumps the version; the values replaced go to ProjectReportVersion.
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    corrected_by: Mapped[str | None] = mapped_column(Text)
    corrected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    correction_reason: Mapped[str | None] = mapped_column(Text)


class ProjectReportVersion(Base):
    """A report's values as they were before a change (the original is version 1): kept for good."""

    __tablename__ = "project_report_versions"
    __table_args__ = (UniqueConstraint("report_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("project_reports.id", ondelete="CASCADE"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    content: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    replaced_by: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("investmap_actor()"))
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    reason: Mapped[str | None] = mapped_column(Text)
