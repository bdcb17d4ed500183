"""accounts hardening: sign-in throttling outside the audited users table, one-time passwords,
sessions that end with the account or its password

Failed sign-ins were counted in users.failed_logins, which the audit trigger logged on every
attempt; they move to login_throttle (not audited), counted before the password is checked.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every write path (API, CLI, plain SQL) that disables a user or replaces its password ends the
# user's sessions, so a re-enabled account does not bring old cookies back.
END_SESSIONS = """
CREATE FUNCTION investmap_end_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM login_sessions WHERE user_id = NEW.id;
  RETURN NULL;
END $$;

CREATE TRIGGER end_sessions AFTER UPDATE OF disabled, password_hash ON users FOR EACH ROW
  WHEN ((NEW.disabled AND NOT OLD.disabled) OR NEW.password_hash IS DISTINCT FROM OLD.password_hash)
  EXECUTE FUNCTION investmap_end_sessions();
"""


def upgrade() -> None:
    op.add_column("users", sa.Column("must_change_password", sa.Boolean(), server_default="false", nullable=False))
    op.drop_column("users", "failed_logins")
    op.drop_column("users", "locked_until")
    op.create_table(
        "login_throttle",
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_login_throttle"),
    )
    op.create_index("ix_login_throttle_until", "login_throttle", ["until"])
    op.execute(END_SESSIONS)


def downgrade() -> None:
    op.execute("DROP TRIGGER end_sessions ON users; DROP FUNCTION investmap_end_sessions()")
    op.drop_table("login_throttle")
    op.add_column("users", sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False))
    op.drop_column("users", "must_change_password")
