"""investment inquiries and the parks' public service centre address (hotline and website came with 0011): the inquiries, their routed officers, status moves, park receivers,
officers' notification addresses and the notification outbox

Not under the audit trigger (contact details must not be copied into the append-only log).

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "'new', 'assigned', 'contacted', 'converted', 'closed'"
TIMELINES = "'3m', '6m', '1y', 'later', 'undecided'"


def _fk(column: str, table: str, ondelete: str | None = None, **kw: bool) -> sa.Column:
    return sa.Column(column, sa.Integer(), sa.ForeignKey(f"{table}.id", ondelete=ondelete), **kw)


# The hotline and website columns came with the reference data (0011); the service centre is new here.
PARK_PUBLIC_CONTACT = ("service_address",)


def upgrade() -> None:
    ts = sa.DateTime(timezone=True)
    for column in PARK_PUBLIC_CONTACT:
        op.add_column("parks", sa.Column(column, sa.Text(), nullable=True))
    op.create_table(
        "inquiries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.Text(), nullable=False, unique=True),
        sa.Column("token_hashes", postgresql.ARRAY(sa.Text()), nullable=False),
        _fk("park_id", "parks"),
        _fk("carrier_id", "carriers"),
        sa.Column("region_adcode", sa.Text(), sa.ForeignKey("regions.adcode"), nullable=False),
        sa.Column("company", sa.Text(), nullable=False),
        sa.Column("uscc", sa.Text()),
        sa.Column("contact_person", sa.Text()),
        sa.Column("phone", sa.Text()),
        sa.Column("email", sa.Text()),
        sa.Column("industry", sa.Text()),
        sa.Column("investment_wan", sa.Numeric(14, 2)),
        sa.Column("area_mu", sa.Numeric(12, 2)),
        sa.Column("timeline", sa.Text()),
        sa.Column("message", sa.Text()),
        sa.Column("language", sa.Text(), nullable=False, server_default="zh"),
        sa.Column("consent_version", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("status", sa.Text(), nullable=False, server_default="new"),
        _fk("assignee_id", "users", "SET NULL"),
        sa.Column("close_reason", sa.Text()),
        _fk("enterprise_id", "enterprises"),
        _fk("target_id", "targets"),
        sa.Column("created_at", ts, nullable=False, server_default=sa.func.now()),
        sa.Column("status_changed_at", ts, nullable=False, server_default=sa.func.now()),
        sa.Column("first_response_at", ts),
        sa.Column("anonymised_at", ts),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="ck_inquiries_status"),
        sa.CheckConstraint(f"timeline IN ({TIMELINES})", name="ck_inquiries_timeline"),
        sa.CheckConstraint("status <> 'closed' OR close_reason IS NOT NULL", name="ck_inquiries_closed_has_reason"),
        sa.CheckConstraint("status <> 'converted' OR target_id IS NOT NULL", name="ck_inquiries_converted_has_target"),
        sa.CheckConstraint("anonymised_at IS NOT NULL OR phone IS NOT NULL OR email IS NOT NULL", name="ck_inquiries_reachable"),
        sa.CheckConstraint("park_id IS NOT NULL OR carrier_id IS NOT NULL", name="ck_inquiries_has_item"),
    )
    for column in ("park_id", "carrier_id", "region_adcode", "fingerprint", "status", "assignee_id"):
        op.create_index(f"ix_inquiries_{column}", "inquiries", [column])
    op.create_index("ix_inquiries_token_hashes", "inquiries", ["token_hashes"], postgresql_using="gin")
    op.create_table(
        "inquiry_recipients",
        _fk("inquiry_id", "inquiries", "CASCADE", primary_key=True),
        _fk("user_id", "users", "CASCADE", primary_key=True),
        sa.Column("seen_at", ts),
    )
    op.create_index("ix_inquiry_recipients_user_id", "inquiry_recipients", ["user_id"])
    op.create_table(
        "inquiry_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("inquiry_id", "inquiries", "CASCADE", nullable=False),
        sa.Column("from_status", sa.Text()),
        sa.Column("to_status", sa.Text(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("changed_by", sa.Text(), nullable=False, server_default=sa.text("investmap_actor()")),
        sa.Column("changed_at", ts, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_inquiry_events_inquiry_id", "inquiry_events", ["inquiry_id"])
    op.create_table(
        "park_inquiry_receivers",
        _fk("park_id", "parks", "CASCADE", primary_key=True),
        _fk("user_id", "users", "CASCADE", primary_key=True),
    )
    op.create_table(
        "inquiry_notify_addresses",
        _fk("user_id", "users", "CASCADE", primary_key=True),
        sa.Column("email", sa.Text(), nullable=False),
    )
    op.create_table(
        "inquiry_notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("inquiry_id", "inquiries", "CASCADE", nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text()),
        sa.Column("next_attempt_at", ts, nullable=False, server_default=sa.func.now()),
        sa.Column("sent_at", ts),
        sa.CheckConstraint("channel IN ('email', 'webhook')", name="ck_inquiry_notifications_channel"),
    )
    op.create_index("ix_inquiry_notifications_inquiry_id", "inquiry_notifications", ["inquiry_id"])
    op.create_index("ix_inquiry_notifications_sent_at", "inquiry_notifications", ["sent_at"])


def downgrade() -> None:
    for table in (
        "inquiry_notifications",
        "inquiry_notify_addresses",
        "park_inquiry_receivers",
        "inquiry_events",
        "inquiry_recipients",
        "inquiries",
    ):
        op.drop_table(table)
    for column in PARK_PUBLIC_CONTACT:
        op.drop_column("parks", column)
