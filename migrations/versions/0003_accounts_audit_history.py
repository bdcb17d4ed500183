"""accounts, audit trail, record history, row versions

The audit trail and the history are kept by triggers so that no write path can skip them.
The application names the writer per transaction with set_config('investmap.actor', ..., true)
(and 'investmap.ip'); bulk loads set 'investmap.bulk' to 'on' and write one summary entry
instead of one per row.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-25 14:44:28.490966
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDITED = [
    ("parks", "id"),
    ("carriers", "id"),
    ("clusters", "id"),
    ("cooperation_parks", "park_id"),
    ("cluster_cities", "cluster_id"),
    ("cluster_parks", "cluster_id"),
    ("cluster_revenues", "cluster_id"),
    ("users", "id"),
    ("api_keys", "id"),
]
VERSIONED = ["regions", "parks", "carriers", "clusters"]
HISTORY = ["parks", "carriers", "clusters"]

FUNCTIONS = r"""
CREATE FUNCTION investmap_actor() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('investmap.actor', true), ''), 'system:' || session_user)
$$;

CREATE FUNCTION investmap_bulk() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('investmap.bulk', true), '') = 'on'
$$;

-- Every update bumps row_version (the ETag) and updated_at, whoever writes.
CREATE FUNCTION investmap_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.row_version := OLD.row_version + 1;
  NEW.updated_at := now();
  RETURN NEW;
END $$;

-- One audit entry per changed row: the fields that changed, before and after.
CREATE FUNCTION investmap_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_j jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'updated_at' - 'row_version' - 'password_hash' - 'secret_hash' END;
  new_j jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'updated_at' - 'row_version' - 'password_hash' - 'secret_hash' END;
  diff jsonb := '{}';
  k text;
  verb text;
BEGIN
  IF investmap_bulk() THEN RETURN NULL; END IF;
  FOR k IN SELECT jsonb_object_keys(coalesce(new_j, old_j)) LOOP
    IF (old_j -> k) IS DISTINCT FROM (new_j -> k) THEN
      diff := diff || jsonb_build_object(k, jsonb_build_object('before', old_j -> k, 'after', new_j -> k));
    END IF;
  END LOOP;
  IF TG_OP = 'UPDATE' AND diff = '{}' THEN RETURN NULL; END IF;
  verb := CASE
    WHEN TG_OP = 'INSERT' THEN 'create'
    WHEN TG_OP = 'DELETE' THEN 'delete'
    WHEN diff ? 'stage' THEN 'stage'
    WHEN diff ? 'published' AND (SELECT count(*) FROM jsonb_object_keys(diff)) = 1
      THEN CASE WHEN (new_j ->> 'published')::boolean THEN 'publish' ELSE 'unpublish' END
    ELSE 'update' END;
  INSERT INTO audit_log (actor, ip, action, table_name, record_id, changes)
  VALUES (investmap_actor(), nullif(current_setting('investmap.ip', true), ''), verb, TG_TABLE_NAME,
          coalesce(new_j, old_j) ->> TG_ARGV[0], diff);
  RETURN NULL;
END $$;

-- Versions with validity intervals: "the park as it was on 2026-01-01" is one range query.
CREATE FUNCTION investmap_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t timestamptz := clock_timestamp();
BEGIN
  IF investmap_bulk() THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN
    UPDATE record_versions SET valid_to = t
    WHERE table_name = TG_TABLE_NAME AND record_id = OLD.id AND valid_to IS NULL;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO record_versions (table_name, record_id, version, valid_from, actor, data)
    VALUES (TG_TABLE_NAME, NEW.id, NEW.row_version, t, investmap_actor(), to_jsonb(NEW));
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION investmap_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("ip", sa.Text(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("table_name", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=True),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_actor"), "audit_log", ["actor"], unique=False)
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_table(
        "record_versions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("table_name", sa.Text(), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_versions")),
    )
    op.create_index("ix_record_versions_lookup", "record_versions", ["table_name", "record_id", "valid_from"], unique=False)
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("region_adcodes", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("park_ids", postgresql.ARRAY(sa.Integer()), server_default="{}", nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("role IN ('officer', 'leader', 'admin')", name=op.f("ck_users_role")),
        sa.CheckConstraint("username ~ '^[A-Za-z0-9_.-]{3,64}$'", name=op.f("ck_users_username")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("prefix", sa.Text(), nullable=False),
        sa.Column("secret_hash", sa.Text(), nullable=False),
        sa.Column("collections", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("access", sa.Text(), server_default="read", nullable=False),
        sa.Column("region_adcodes", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("access IN ('read', 'write')", name=op.f("ck_api_keys_access")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_api_keys_created_by_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    op.create_table(
        "login_sessions",
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_login_sessions_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_login_sessions")),
    )
    op.create_index(op.f("ix_login_sessions_user_id"), "login_sessions", ["user_id"], unique=False)
    op.add_column("carriers", sa.Column("row_version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("clusters", sa.Column("row_version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("parks", sa.Column("chemical_status", sa.Text(), nullable=True))
    op.add_column("parks", sa.Column("chemical_status_date", sa.Date(), nullable=True))
    op.add_column("parks", sa.Column("row_version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("regions", sa.Column("row_version", sa.Integer(), server_default="1", nullable=False))
    op.create_check_constraint("chemical_status", "parks", "chemical_status IN ('recognised', 'rechecked', 'revoked')")
    op.execute(FUNCTIONS)
    for table, key in AUDITED:
        op.execute(
            f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION investmap_audit('{key}')"
        )
    for table in VERSIONED:
        op.execute(f"CREATE TRIGGER {table}_touch BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION investmap_touch()")
    for table in HISTORY:
        op.execute(
            f"CREATE TRIGGER {table}_history AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION investmap_history()"
        )
    # Nobody edits the trail: not the API (it has no route for it), and not SQL either.
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION investmap_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
    for table in HISTORY:
        op.execute(f"DROP TRIGGER {table}_history ON {table}")
    for table in VERSIONED:
        op.execute(f"DROP TRIGGER {table}_touch ON {table}")
    for table, _ in AUDITED:
        op.execute(f"DROP TRIGGER {table}_audit ON {table}")
    op.execute(
        "DROP FUNCTION investmap_audit(), investmap_touch(), investmap_history(), investmap_append_only(), "
        "investmap_actor(), investmap_bulk()"
    )
    op.drop_constraint("ck_parks_chemical_status", "parks")
    op.drop_column("regions", "row_version")
    op.drop_column("parks", "row_version")
    op.drop_column("parks", "chemical_status_date")
    op.drop_column("parks", "chemical_status")
    op.drop_column("clusters", "row_version")
    op.drop_column("carriers", "row_version")
    op.drop_index(op.f("ix_login_sessions_user_id"), table_name="login_sessions")
    op.drop_table("login_sessions")
    op.drop_table("api_keys")
    op.drop_table("users")
    op.drop_index("ix_record_versions_lookup", table_name="record_versions")
    op.drop_table("record_versions")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_actor"), table_name="audit_log")
    op.drop_table("audit_log")
