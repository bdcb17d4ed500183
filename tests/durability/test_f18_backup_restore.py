"""Finding 18: `investmap db backup FILE` and `investmap db restore FILE` round-trip the whole
database; a restore is one transaction (a damaged archive changes nothing), and a running server
sees the restored data at once, under data versions it never used before (ETags stay unique)."""

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, inspect, text

from tests.durability.conftest import service_on
from tests.support.database import database_name, fresh_database, migrate

CLI = str(Path(sys.executable).parent / "investmap")
PAGE = "/ogc/collections/parks/items?limit=5"


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, "db", *args], env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True)


def snapshot(url: str) -> dict[str, str]:
    """Every table of the schema as a digest of its rows, and the PostGIS version. Not the data
    version logs: a restore adds to them on purpose (compared in `versions`)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = (
                conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename NOT IN ('spatial_ref_sys', 'data_version_log', 'carrier_changes') ORDER BY 1"
                    )
                )
                .scalars()
                .all()
            )
            digest = {
                t: conn.execute(
                    text(f"SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '') FROM {t} r")
                ).scalar_one()
                for t in tables
            }
            digest["postgis"] = conn.execute(text("SELECT postgis_lib_version()")).scalar_one()
            return digest
    finally:
        engine.dispose()


def scalar(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def versions(url: str) -> dict[str, int]:
    """The data versions, and as `carrier_changes` the largest version a place of the carriers can
    have (the sum of the log's weights, app/core/versions.py), or -1 before that log existed."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found: dict[str, int] = dict(conn.execute(text("SELECT table_name, version FROM data_versions")).all())  # type: ignore[arg-type]
            log = (
                "SELECT coalesce(sum(weight), 0) FROM carrier_changes"
                if inspect(conn).has_table("carrier_changes")
                else "SELECT -1"
            )
            found["carrier_changes"] = int(conn.execute(text(log)).scalar_one())
            return found
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def archive(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The suite's database backed up with the CLI."""
    file = tmp_path_factory.mktemp("backup") / "investmap.dump"
    done = cli(database_url, "backup", str(file))
    assert done.returncode == 0, done.stderr
    assert file.stat().st_size > 10_000
    # It holds password and key hashes: only its owner may read it.
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    return file


@pytest.fixture
def target() -> str:
    """A second database, migrated and empty: where the backup is restored."""
    url = fresh_database(database_name("restore"))
    migrate(url)
    return url


def test_backup_restore_round_trip_under_a_running_server(database_url: str, archive: Path, target: str, tmp_path: Path) -> None:
    source = snapshot(database_url)
    env = {**os.environ, "DATABASE_URL": target}
    with service_on(env, tmp_path / "service.log") as base, httpx.Client(base_url=base, timeout=30) as http:
        empty = http.get(PAGE)
        assert empty.json()["numberReturned"] == 0
        etags = {empty.headers["etag"]}
        for round_ in range(2):
            before = versions(target)
            done = cli(target, "restore", "--yes", str(archive))
            assert done.returncode == 0, done.stderr
            assert snapshot(target) == source
            after = versions(target)
            # Every table's version moved past where it was, here and in the archive: none is reused;
            # every place's version of the carriers too: the world-wide row alone outweighs any before.
            assert all(after[t] > max(before.get(t, 0), v) for t, v in versions(database_url).items()), round_
            world = "SELECT weight FROM carrier_changes ORDER BY seq DESC LIMIT 1"
            assert scalar(target, world) > before["carrier_changes"]
            # The running server sees the restored parks at once, under an ETag it never gave before.
            deadline = time.monotonic() + 5
            while (page := http.get(PAGE)).json()["numberReturned"] == 0 or page.headers["etag"] in etags:
                assert time.monotonic() < deadline, "the server kept serving what it had before the restore"
                time.sleep(0.1)
            etags.add(page.headers["etag"])
            assert page.json()["numberReturned"] == 5
            # Between the rounds, an edit in the restored database.
            engine = create_engine(target)
            with engine.begin() as conn:
                conn.execute(text("UPDATE parks SET profile = 'edited after the restore' WHERE id = (SELECT min(id) FROM parks)"))
            engine.dispose()


def test_a_damaged_archive_changes_nothing(archive: Path, target: str, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    before = snapshot(target)
    done = cli(target, "restore", "--yes", str(damaged))
    assert done.returncode != 0 and "nothing was changed" in done.stderr
    assert snapshot(target) == before
    missing = cli(target, "restore", "--yes", str(tmp_path / "none.dump"))
    assert missing.returncode != 0 and "no such file" in missing.stderr
