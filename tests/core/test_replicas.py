"""Read replicas (issue 17): a real streaming replica of the suite's server, taken with
`pg_basebackup -R` and run on a free port as the postgres system user. Reads go to it once it has
replayed what they depend on; a writer reads its own write from the primary until the replica has
replayed it; killing the replica under traffic fails no request."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import make_url
from sqlalchemy.orm import Session

from app.accounts.service import create_key
from app.cli.cluster import EmbeddedCluster, libpq_url
from app.core.database import get_engine
from app.core.replicas import HEADER, health, lsn_value, served_counts
from app.core.settings import CacheSettings, Settings
from tests.support.apps import client_with, state
from tests.support.records import if_match
from tests.support.tiles import tile_of

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(cmd: list[str], password: str) -> list[str]:
    user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return [*user, "env", f"PGPASSWORD={password}", *cmd]


@dataclass
class Replica:
    url: str  # SQLAlchemy URL of the test database on the replica
    data: Path
    password: str

    def sql(self, statement: str) -> object:
        with psycopg.connect(libpq_url(self.url), autocommit=True) as conn:
            row = conn.execute(statement).fetchone()
            return row[0] if row else None

    def replayed(self) -> int:
        return lsn_value(str(self.sql("SELECT pg_last_wal_replay_lsn()::text")))

    def wait_for(self, lsn: int) -> None:
        """Until the replica has replayed `lsn` (milliseconds, or the WAL other databases of the
        server wrote since the backup: minutes, when they load data)."""
        deadline = time.monotonic() + 300
        while self.replayed() < lsn:
            assert time.monotonic() < deadline, f"the replica stands at {self.replayed()}, not {lsn}, after five minutes"
            time.sleep(0.02)

    def stop(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "stop", "-m", "immediate", "-D", str(self.data)], self.password),
            capture_output=True,
            text=True,
        )


def _allow_replication(primary: str) -> None:
    """A server started before the embedded cluster's pg_hba.conf admitted replication is converted
    as `investmap db up` does (app/cli/cluster.py)."""
    with psycopg.connect(libpq_url(primary), autocommit=True) as conn:
        allowed = conn.execute("SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database)").fetchone()
        data_dir = Path(str(conn.execute("SHOW data_directory").fetchone()[0]))  # type: ignore[index]
    if allowed and allowed[0]:
        return
    assert data_dir.parent.name == "pg", f"{data_dir} is not an embedded cluster: let it admit replication from 127.0.0.1"
    cluster = EmbeddedCluster(data_dir.parents[1])
    cluster.secure(cluster.port())


def _drop_slot(primary: str, slot: str) -> None:
    with psycopg.connect(libpq_url(primary), autocommit=True) as conn:
        conn.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = %s", (slot,))


@pytest.fixture(scope="module")
def replica(settings: Settings) -> Iterator[Replica]:
    primary = settings.database.url
    assert primary is not None
    _allow_replication(primary)
    url = make_url(primary)
    password = url.password or ""
    root = Path(tempfile.mkdtemp(prefix="investmap-replica-"))
    root.chmod(0o700)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data = root / "data"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # A slot keeps the WAL the replica has not received yet (other databases of the server may write
    # a lot of it meanwhile); it is dropped with the replica, and a test run that died left its own.
    slot = f"investmap_{url.database}"
    _drop_slot(primary, slot)
    backup = [str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(url.port), "-U", str(url.username)]
    backup += ["-D", str(data), "-R", "-X", "stream", "-c", "fast", "-C", "-S", slot]
    options = f"-p {port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=32MB"
    start = [str(PG_BIN / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(data), "-l", str(root / "log"), "-o", options]
    found = Replica(url.set(port=port).render_as_string(hide_password=False), data, password)
    try:
        subprocess.run(_as_postgres(backup, password), check=True)
        subprocess.run(_as_postgres(start, password), check=True, capture_output=True)
        assert found.sql("SELECT pg_is_in_recovery()") is True
        yield found
    finally:
        found.stop()
        _drop_slot(primary, slot)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def routed(settings: Settings, replica: Replica) -> Iterator[TestClient]:
    """The app with the replica, no caches of its own: every read asks a database."""
    db = settings.database.model_copy(update={"replica_urls": replica.url, "replica_backoff_s": 60})
    with client_with(database=db, caches=CacheSettings(tile_cache_mb=0, ogc_cache_mb=0)) as client:
        _caught_up(client, replica)
        yield client


def _caught_up(routed: TestClient, replica: Replica) -> None:
    """Until the replica has replayed the data versions the app knows: other databases of the
    server may keep it busy for a while."""
    versions = state(routed).versions
    versions.refresh()
    replica.wait_for(versions.lsn())


@pytest.fixture(scope="module")
def carrier(routed: TestClient, settings: Settings) -> dict[str, object]:
    with psycopg.connect(libpq_url(str(settings.database.url))) as conn:
        row = conn.execute(
            "SELECT id, name, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM carriers "
            "WHERE kind = 'land' AND published ORDER BY id LIMIT 1"  # what the public reads
        ).fetchone()
    assert row is not None
    return {"id": row[0], "name": row[1], "lon": row[2], "lat": row[3]}


def _body(r: Response) -> object:
    """What an answer says: its bytes, or its JSON without the moment it was made (OGC pages)."""
    if "json" not in r.headers["content-type"]:
        return r.content
    body = r.json()
    body.pop("timeStamp", None)
    return body


def _served(replica: Replica) -> int:
    return next((n for name, n in served_counts().items() if f":{make_url(replica.url).port}/" in name), 0)


def _reads(carrier: dict[str, object]) -> list[str]:
    """A REST record (the session), an OGC page (a raw cursor of the session) and a tile (its own connection)."""
    lon, lat = float(str(carrier["lon"])), float(str(carrier["lat"]))
    x, y = tile_of(lon, lat, 14)
    box = f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"
    return [f"/api/v1/carriers/{carrier['id']}", f"/ogc/collections/land/items?bbox={box}", f"/tiles/land/14/{x}/{y}.mvt"]


def test_reads_go_to_the_replica_and_answer_what_the_primary_does(
    routed: TestClient, client: TestClient, replica: Replica, carrier: dict[str, object]
) -> None:
    _caught_up(routed, replica)
    before = _served(replica)
    for path in _reads(carrier):
        from_replica = routed.get(path)
        assert from_replica.status_code == 200, from_replica.text
        assert _body(from_replica) == _body(client.get(path))
    assert _served(replica) == before + 3
    # Scraped: the reads it served and its lag (none: it had replayed what the worker serves).
    local = TestClient(routed.app, client=("127.0.0.1", 50000))
    scraped = local.get("/metrics").text
    name = re.sub(r"//[^@/]*@", "//", replica.url)
    assert f'investmap_replica_reads_total{{replica="{name}"}} {float(_served(replica))}' in scraped
    assert f'investmap_replica_up{{replica="{name}"}} 1.0' in scraped
    assert f'investmap_replica_lag_bytes{{replica="{name}"}} 0.0' in scraped
    # Writes never do: a replica refuses them.
    assert routed.post("/api/v1/auth/login", json={"username": "nobody", "password": "x" * 12}).status_code == 401
    assert _served(replica) == before + 3


def test_a_writer_reads_its_write_from_the_primary_until_the_replica_has_replayed_it(
    routed: TestClient, replica: Replica, carrier: dict[str, object], admin: dict[str, str]
) -> None:
    path = f"/api/v1/carriers/{carrier['id']}"
    replica.sql("SELECT pg_wal_replay_pause()")
    try:
        written = routed.patch(path, json={"name": "副本测试地块"}, headers=if_match(routed, path, admin))
        assert written.status_code == 200, written.text
        lsn = written.headers[HEADER]
        assert f"investmap_lsn={lsn}" in written.headers["set-cookie"]
        assert replica.replayed() < lsn_value(lsn)  # the replica has not seen the write
        before = _served(replica)
        read = routed.get(path, headers={**admin, HEADER: lsn})
        assert read.json()["name"] == "副本测试地块"
        assert _served(replica) == before  # from the primary
    finally:
        replica.sql("SELECT pg_wal_replay_resume()")
    replica.wait_for(lsn_value(lsn))
    _caught_up(routed, replica)
    # Replayed: the replica answers again, the write included; a caller whose last write it has
    # not replayed (a floor beyond it) is still answered by the primary.
    before = _served(replica)
    assert routed.get(path).json()["name"] == "副本测试地块"
    assert _served(replica) == before + 1
    assert routed.get(path, headers={HEADER: "FFFFFFFF/0"}).json()["name"] == "副本测试地块"
    assert _served(replica) == before + 1
    restored = routed.patch(path, json={"name": carrier["name"]}, headers=if_match(routed, path, admin))
    assert restored.status_code == 200, restored.text


def test_a_read_that_writes_is_answered_again_from_the_primary(
    routed: TestClient, client: TestClient, replica: Replica, settings: Settings
) -> None:
    """A key's first use in a minute stores when it was used: a write, which the replica refuses."""
    with Session(get_engine(settings.database)) as session, session.begin():
        _, secret = create_key(session, "replica-reader", ["regions"], "read", [], None, None)
    with psycopg.connect(libpq_url(str(settings.database.url))) as conn:
        row = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()
    assert row is not None
    replica.wait_for(lsn_value(row[0]))  # the replica knows the key
    _caught_up(routed, replica)
    before = _served(replica)
    r = routed.get("/api/v1/regions/360100", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 200, r.text
    assert r.json() == client.get("/api/v1/regions/360100").json()
    assert _served(replica) == before + 1  # the replica was asked first, and refused the write
    with psycopg.connect(libpq_url(str(settings.database.url))) as conn:
        used = conn.execute("SELECT last_used_at FROM api_keys WHERE name = 'replica-reader'").fetchone()
    assert used is not None and used[0] is not None  # stored by the answer from the primary


def test_killing_the_replica_under_traffic_fails_no_request(
    routed: TestClient, client: TestClient, replica: Replica, carrier: dict[str, object]
) -> None:
    paths = _reads(carrier)
    expected = {path: _body(client.get(path)) for path in paths}
    _caught_up(routed, replica)
    before = _served(replica)
    killed = threading.Event()

    def kill() -> None:
        assert replica.stop().returncode == 0
        killed.set()

    killer = threading.Thread(target=kill)
    answered = 0
    while not killed.is_set() or answered % len(paths):
        if answered == 2 * len(paths):  # the replica has served some of the traffic: now it dies under it
            killer.start()
        path = paths[answered % len(paths)]
        r = routed.get(path)
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text}"
        assert _body(r) == expected[path]
        answered += 1
    killer.join()
    during = _served(replica)
    assert during > before  # the replica served some of the traffic before it died
    for path in paths * 3:
        r = routed.get(path)
        assert (r.status_code, _body(r)) == (200, expected[path])
    assert _served(replica) == during  # skipped since: it is backed off
    assert health(replica.url).down_until > time.monotonic()
    name = re.sub(r"//[^@/]*@", "//", replica.url)
    assert f'investmap_replica_up{{replica="{name}"}} 0.0' in TestClient(routed.app, client=("127.0.0.1", 1)).get("/metrics").text
