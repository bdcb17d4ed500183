"""Investment inquiries (投资意向): what a visitor leaves on a park or carrier, routed to the officers
of its county, with the contact details that only those officers, leaders and admins may read.

The table is deliberately not under the generic audit trigger: that trigger copies every changed
field into the append-only audit log, which would keep the contact details there for ever and
defeat the anonymisation. Status moves are kept in `inquiry_events`, and reads of the contact
details are written to the audit log by the service (without the details themselves)."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, Numeric, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.core.codes import LabelledEnum, register, sql_in
from app.core.database import Base

# The most carriers one inquiry names: the comparison's limit.
MAX_CHOSEN = 4


@register("inquiry_status")
class InquiryStatus(LabelledEnum):
    NEW = ("new", "新", "new")
    ASSIGNED = ("assigned", "已分派", "assigned")
    CONTACTED = ("contacted", "已联系", "contacted")
    CONVERTED = ("converted", "转为目标", "converted to a target")
    CLOSED = ("closed", "关闭", "closed")


@register("inquiry_timeline")
class InquiryTimeline(LabelledEnum):
    WITHIN_3_MONTHS = ("3m", "3 个月内", "within 3 months")
    WITHIN_6_MONTHS = ("6m", "6 个月内", "within 6 months")
    WITHIN_1_YEAR = ("1y", "1 年内", "within a year")
    LATER = ("later", "1 年以上", "later than a year")
    UNDECIDED = ("undecided", "尚未确定", "not decided yet")


class Inquiry(Base):
    __tablename__ = "inquiries"
    __table_args__ = (
        CheckConstraint(sql_in("status", InquiryStatus), name="status"),
        CheckConstraint(sql_in("timeline", InquiryTimeline), name="timeline"),
        CheckConstraint("status <> 'closed' OR close_reason IS NOT NULL", name="closed_has_reason"),
        CheckConstraint("status <> 'converted' OR target_id IS NOT NULL", name="converted_has_target"),
        CheckConstraint("anonymised_at IS NOT NULL OR phone IS NOT NULL OR email IS NOT NULL", name="reachable"),
        CheckConstraint("park_id IS NOT NULL OR carrier_id IS NOT NULL", name="has_item"),
        CheckConstraint("origin IN ('drawer', 'compare', 'match')", name="origin"),
        CheckConstraint(f"cardinality(chosen_carrier_ids) <= {MAX_CHOSEN}", name="chosen_carriers"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    # SHA-256 of each private status link's token (one per submission folded into this inquiry).
    token_hashes: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    carrier_id: Mapped[int | None] = mapped_column(ForeignKey("carriers.id"), index=True)
    # Sent from the comparison or the match results: every carrier chosen, carrier_id the first.
    chosen_carrier_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), nullable=False, server_default=text("'{}'"))
    origin: Mapped[str] = mapped_column(Text, nullable=False, server_default="drawer")
    # The county of the item at submission: what routing and the officers' scope go by.
    region_adcode: Mapped[str] = mapped_column(ForeignKey("regions.adcode"), nullable=False, index=True)
    company: Mapped[str] = mapped_column(Text, nullable=False)
    uscc: Mapped[str | None] = mapped_column(Text)
    contact_person: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    industry: Mapped[str | None] = mapped_column(Text)
    investment_wan: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    area_mu: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    timeline: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(Text, nullable=False, server_default="zh")
    consent_version: Mapped[str] = mapped_column(Text, nullable=False)
    # Identical submissions (same item, company, contact and message) fold into one inquiry.
    fingerprint: Mapped[str] = mapped_column(Text, nullable=False, index=True)
    submissions: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default="new", index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    close_reason: Mapped[str | None] = mapped_column(Text)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InquiryRecipient(Base):
    """An officer the inquiry was routed to (or assigned to): who may read its contact details."""

    __tablename__ = "inquiry_recipients"

    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InquiryEvent(Base):
    """One status move: who, when, from, to, why."""

    __tablename__ = "inquiry_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), nullable=False, index=True)
    from_status: Mapped[str | None] = mapped_column(Text)
    to_status: Mapped[str] = mapped_column(Text, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("investmap_actor()"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class ParkReceiver(Base):
    """An officer a park names to receive its inquiries (instead of routing by region)."""

    __tablename__ = "park_inquiry_receivers"

    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class NotifyAddress(Base):
    """Where an officer wants inquiry e-mails (set by the officer in the inbox)."""

    __tablename__ = "inquiry_notify_addresses"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(Text, nullable=False)


class Notification(Base):
    """The outbox: one e-mail or webhook call per new inquiry, written in the inquiry's transaction
    and sent after its commit, so a failed delivery is retried and never loses the inquiry."""

    __tablename__ = "inquiry_notifications"
    __table_args__ = (CheckConstraint("channel IN ('email', 'webhook')", name="channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), nullable=False, index=True)
    channel: Mapped[str] = mapped_column(Text, nullable=False)
    recipient: Mapped[str] = mapped_column(Text, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
