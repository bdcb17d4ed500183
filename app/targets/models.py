"""Target enterprises (招商目标): an external enterprise on the list of a gap, or of a link and
an area, moving through the stages of courting; every stage change is kept."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.chains.models import ONE_AREA, AreaColumns, Priority
from app.core.codes import LabelledEnum, register, sql_in
from app.core.database import Base
from app.core.provenance import ProvenanceColumns


@register("target_stage")
class TargetStage(LabelledEnum):
    LEAD = ("lead", "线索", "lead")
    CONTACTED = ("contacted", "接洽", "contacted")
    VISIT = ("visit", "考察", "site visit")
    NEGOTIATING = ("negotiating", "洽谈", "negotiating")
    SIGNED = ("signed", "签约", "signed")
    DROPPED = ("dropped", "放弃", "dropped")


class Target(AreaColumns, ProvenanceColumns, Base):
    __tablename__ = "targets"
    __table_args__ = (
        CheckConstraint(ONE_AREA, name="one_area"),
        CheckConstraint(sql_in("stage", TargetStage), name="stage"),
        CheckConstraint(sql_in("priority", Priority), name="priority"),
        CheckConstraint("stage <> 'dropped' OR drop_reason IS NOT NULL", name="dropped_has_reason"),
        CheckConstraint("(stage = 'signed') = (signed_at IS NOT NULL)", name="signed_at"),
        # One enterprise appears once on the list of a link and area.
        UniqueConstraint(
            "enterprise_id", "link_id", "region_adcode", "park_id", "cluster_id", postgresql_nulls_not_distinct=True
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), nullable=False, index=True)
    # The manual gap it answers, if any; link and area are copied from it so computed gaps work the same.
    gap_id: Mapped[int | None] = mapped_column(ForeignKey("chain_gaps.id", ondelete="SET NULL"), index=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("chain_links.id"), nullable=False, index=True)
    priority: Mapped[str] = mapped_column(Text, nullable=False, server_default="medium")
    owner: Mapped[str | None] = mapped_column(Text, index=True)
    intended_park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    stage: Mapped[str] = mapped_column(Text, nullable=False, server_default="lead", index=True)
    stage_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    drop_reason: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_action: Mapped[str | None] = mapped_column(Text)
    next_action_date: Mapped[date | None] = mapped_column(Date, index=True)
    notes: Mapped[str | None] = mapped_column(Text)


class TargetStageChange(Base):
    """One move of a target between stages: who, when, from, to, why. Creation is the move from nothing to 线索."""

    __tablename__ = "target_stage_changes"
    __table_args__ = (
        CheckConstraint(sql_in("to_stage", TargetStage), name="to_stage"),
        CheckConstraint(f"from_stage IS NULL OR {sql_in('from_stage', TargetStage)}", name="from_stage"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), nullable=False, index=True)
    from_stage: Mapped[str | None] = mapped_column(Text)
    to_stage: Mapped[str] = mapped_column(Text, nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    # Who: the writer the request named for the audit trail (investmap_actor(), migration 0003).
    changed_by: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("investmap_actor()"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


@register("activity_kind")
class ActivityKind(LabelledEnum):
    CALL = ("call", "电话", "phone call")
    VISIT = ("visit", "拜访", "visit")
    MEETING = ("meeting", "会谈", "meeting")
    SITE_VISIT = ("site_visit", "来赣考察", "site visit by the enterprise")
    MESSAGE = ("message", "函件", "letter or message")
    OTHER = ("other", "其他", "other")


class TargetActivity(Base):
    """One dated contact with a target (call, visit, meeting), with the names of its attachments
    (the files themselves live where the office keeps them)."""

    __tablename__ = "target_activities"
    __table_args__ = (
        CheckConstraint(sql_in("kind", ActivityKind), name="kind"),
        CheckConstraint("length(summary) BETWEEN 1 AND 5000", name="summary_length"),
        CheckConstraint("cardinality(attachments) <= 20", name="attachments_count"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(Text, nullable=False)
    happened_on: Mapped[date] = mapped_column(Date, nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    attachments: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    recorded_by: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("investmap_actor()"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
