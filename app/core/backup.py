"""Backup and restore of the whole database, in pg_dump's custom format.

A restore replaces the schema `public` (every table, the PostGIS extension, the data versions)
in one transaction: it either lands whole or leaves the database as it was, and servers keep
running (their requests wait for it or answer 503 with Retry-After, then see the restored data).
The restored data versions are moved past every version this database had issued before, and
announced, so no ETag or cache key of the running servers names the old data.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from app.core.settings import settings

# Before the restore: remember each table's version, then empty the schema (CASCADE: PostGIS too).
_PRELUDE = """
\\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE TEMP TABLE restore_floor (table_name text PRIMARY KEY, version bigint NOT NULL) ON COMMIT DROP;
DO $$ BEGIN
    IF to_regclass('public.data_versions') IS NOT NULL THEN
        INSERT INTO restore_floor SELECT table_name, version FROM public.data_versions;
    END IF;
    -- The versions by place of the carriers (migration 0015): no place's sum may come back.
    IF to_regclass('public.carrier_changes') IS NOT NULL THEN
        INSERT INTO restore_floor SELECT 'carrier_changes', coalesce(sum(weight), 0) FROM public.carrier_changes;
    END IF;
END $$;
DROP SCHEMA IF EXISTS public CASCADE;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;
"""

# After it: every table's version becomes larger than both its version before the restore and the
# clock in milliseconds (the floor the versions started from, migration 0004), then NOTIFY at commit.
# A backup from before migration 0009 still has the version table; `db migrate` converts it after.
_POSTLUDE = """
DO $$
DECLARE
    now_ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
BEGIN
    IF to_regclass('public.data_version_log') IS NOT NULL THEN
        INSERT INTO public.data_version_log (table_name, bumps)
        SELECT v.table_name, greatest(greatest(coalesce(f.version, 0), now_ms) - v.version, 0) + 1
        FROM public.data_versions v LEFT JOIN restore_floor f USING (table_name);
    ELSIF to_regclass('public.data_versions') IS NOT NULL THEN
        UPDATE public.data_versions v
        SET version = greatest(v.version, now_ms, coalesce((SELECT f.version FROM restore_floor f
                                                            WHERE f.table_name = v.table_name), 0)) + 1;
    END IF;
    IF to_regclass('public.data_version_seq') IS NOT NULL THEN
        PERFORM setval('public.data_version_seq', greatest(
            (SELECT last_value FROM public.data_version_seq), now_ms,
            (SELECT coalesce(max(version), 0) FROM public.data_versions)));
    END IF;
    -- One world-wide row weighing more than every place's sum before: each place's version moves past.
    IF to_regclass('public.carrier_changes') IS NOT NULL THEN
        INSERT INTO public.carrier_changes (weight, west, south, east, north)
        SELECT coalesce((SELECT version FROM restore_floor WHERE table_name = 'carrier_changes'), 0) + 1, -180, -90, 180, 90;
    END IF;
    PERFORM pg_notify('investmap_data_version', 'restore');
END $$;
COMMIT;
"""


class BackupError(RuntimeError):
    """pg_dump, pg_restore or psql failed; the message carries their own words."""


def _connection(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and an environment carrying it (kept off the command line,
    which every local user can read)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    # The client tools of INVESTMAP_PG_BIN: a server newer than they are needs newer ones.
    return str(settings().database.pg_bin / name)


def backup(url: str, file: Path) -> None:
    conninfo, env = _connection(url)
    # The archive holds password and key hashes: created readable by its owner only, before pg_dump fills it.
    os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    file.chmod(0o600)
    proc = subprocess.run(
        [_tool("pg_dump"), "--format=custom", f"--file={file}", f"--dbname={conninfo}"], env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise BackupError(f"pg_dump failed: {proc.stderr.strip()}")


def restore(url: str, file: Path) -> None:
    if not file.is_file():
        raise BackupError(f"{file}: no such file")
    conninfo, env = _connection(url)
    # pg_restore turns the archive into SQL, which psql runs between the prelude and the postlude.
    # The postlude (and its COMMIT) is only sent once pg_restore has read the whole archive: a
    # damaged one ends the input without COMMIT, and psql's disconnect rolls everything back.
    # Their messages go to files: a full pipe nobody reads would stall them.
    with tempfile.TemporaryFile() as psql_err, tempfile.TemporaryFile() as reader_err:
        psql = subprocess.Popen(
            [_tool("psql"), "-X", "-q", f"--dbname={conninfo}", "-f", "-"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
        )
        reader = subprocess.Popen(
            [_tool("pg_restore"), "--no-owner", "--file=-", str(file)], stdout=subprocess.PIPE, stderr=reader_err
        )
        assert psql.stdin is not None and reader.stdout is not None
        try:
            psql.stdin.write(_PRELUDE.encode())
            shutil.copyfileobj(reader.stdout, psql.stdin)
            if reader.wait() == 0:
                psql.stdin.write(_POSTLUDE.encode())
            psql.stdin.close()
        except BrokenPipeError:  # psql stopped at an error (ON_ERROR_STOP): its messages say which
            reader.kill()
        reader.wait()
        psql.wait()
        psql_err.seek(0)
        reader_err.seek(0)
        if psql.returncode != 0:
            raise BackupError(f"the restore failed; nothing was changed: {psql_err.read().decode().strip()}")
        if reader.returncode != 0:
            raise BackupError(f"pg_restore could not read {file}; nothing was changed: {reader_err.read().decode().strip()}")
