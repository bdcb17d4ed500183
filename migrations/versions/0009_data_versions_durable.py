"""data versions without a shared lock: an append-and-fold log per table instead of one counter row

0004 bumped one `data_versions` row per table, so every writer of a table held that row's lock
until it committed: an API edit waited behind a bulk load or any long transaction. Now each
write statement appends a row to `data_version_log` (inserts never wait for each other), and a
table's version is the sum of its rows. The sum only grows and changes with every commit that
wrote the table, even when transactions commit in another order than they started (a largest
sequence number would miss the earlier-started one that commits last). `data_versions` stays,
as a view, so readers and migrations registering a table (0007) are unchanged.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE TABLE data_version_log (table_name text NOT NULL, bumps bigint NOT NULL)")
    # The old counters are the first rows: versions keep growing from where they were (no ETag repeats).
    op.execute("INSERT INTO data_version_log SELECT table_name, version FROM data_versions")
    op.execute("DROP TABLE data_versions")
    op.execute("""
        CREATE VIEW data_versions AS
        SELECT table_name, sum(bumps)::bigint AS version FROM data_version_log GROUP BY table_name
    """)
    # A migration registers a table as 0004 and 0007 did (INSERT INTO data_versions (table_name) ...):
    # its first version comes from data_version_seq, which started at the clock in milliseconds.
    op.execute("""
        CREATE FUNCTION register_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO data_version_log VALUES (NEW.table_name, coalesce(NEW.version, nextval('data_version_seq')));
            RETURN NEW;
        END
        $$
    """)
    op.execute("""
        CREATE TRIGGER trg_data_versions_register INSTEAD OF INSERT ON data_versions
        FOR EACH ROW EXECUTE FUNCTION register_data_version()
    """)
    # Same name and signature as 0004's function, so every table's trigger now runs this body.
    # The table's committed rows are folded into the new one (their sum + 1) in the same statement,
    # which keeps the log at about one row per table. Rows another transaction is folding are
    # skipped, not waited for: that transaction folds them, or they stay until it rolls back.
    op.execute("""
        CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            WITH folded AS (
                DELETE FROM data_version_log WHERE ctid IN (
                    SELECT ctid FROM data_version_log WHERE table_name = TG_TABLE_NAME FOR UPDATE SKIP LOCKED)
                RETURNING bumps
            )
            INSERT INTO data_version_log SELECT TG_TABLE_NAME, coalesce(sum(bumps), 0) + 1 FROM folded;
            -- Delivered at commit, to every listening worker: they then re-read data_versions.
            PERFORM pg_notify('investmap_data_version', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
    """)


def downgrade() -> None:
    op.execute("""
        CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE data_versions SET version = nextval('data_version_seq') WHERE table_name = TG_TABLE_NAME;
            PERFORM pg_notify('investmap_data_version', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
    """)
    op.execute("DROP VIEW data_versions")
    op.execute("DROP FUNCTION register_data_version()")
    op.execute("""
        CREATE TABLE data_versions (
            table_name text PRIMARY KEY,
            version bigint NOT NULL DEFAULT nextval('data_version_seq')
        )
    """)
    op.execute("INSERT INTO data_versions SELECT table_name, sum(bumps) FROM data_version_log GROUP BY table_name")
    # Sums may be past the sequence: move it on, so the old trigger's next version is still a new one.
    op.execute(
        "SELECT setval('data_version_seq', greatest((SELECT last_value FROM data_version_seq), "
        "(SELECT max(version) FROM data_versions)))"
    )
    op.execute("DROP TABLE data_version_log")
