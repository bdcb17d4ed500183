"""Finding 10: writes of a table do not wait for each other's data-version bump, and an API
request never waits for a lock longer than lock_timeout (then 503 busy, with Retry-After)."""

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text

from app.core.database import get_engine
from app.core.settings import settings
from tests.support.records import if_match

BULK_SECONDS = 12  # how long the "bulk load" below holds its transaction open


@pytest.fixture
def bulk_write(engine: Engine) -> Iterator[tuple[Connection, list[int]]]:
    """A transaction that has rewritten some carriers (as a load does) and stays open for
    BULK_SECONDS, then rolls back; yields the ids it holds."""
    conn = engine.connect()
    trans = conn.begin()
    held = list(
        conn.execute(
            text(
                "UPDATE carriers SET description = coalesce(description, '') "
                "WHERE id IN (SELECT id FROM carriers ORDER BY id LIMIT 50) RETURNING id"
            )
        ).scalars()
    )
    ender = threading.Timer(BULK_SECONDS, trans.rollback)
    ender.start()
    try:
        yield conn, held
    finally:
        ender.cancel()
        ender.join()
        if trans.is_active:
            trans.rollback()
        conn.close()


def _patch(client, admin, item_id: int) -> tuple[float, object]:
    path = f"/api/v1/carriers/{item_id}"
    headers = if_match(client, path, admin)
    start = time.monotonic()
    r = client.patch(path, json={"description": f"edited at {start}"}, headers=headers)
    return time.monotonic() - start, r


def test_a_patch_does_not_wait_for_a_bulk_write_of_its_table(client, admin, db, bulk_write) -> None:
    _, held = bulk_write
    other = db.execute(text("SELECT max(id) FROM carriers")).scalar_one()
    assert other not in held
    elapsed, r = _patch(client, admin, other)
    assert r.status_code == 200, r.text
    assert elapsed < 3, f"the PATCH waited {elapsed:.1f} s for the bulk write"


def test_a_patch_of_a_locked_record_answers_503_after_the_lock_timeout(client, admin, bulk_write) -> None:
    _, held = bulk_write
    elapsed, r = _patch(client, admin, held[0])
    limit = settings().database.lock_timeout_ms / 1000
    assert r.status_code == 503, r.text
    assert limit <= elapsed < BULK_SECONDS - 2, f"answered after {elapsed:.1f} s"
    assert r.json()["error"]["code"] == "busy" and r.json()["error"]["message_zh"]
    assert int(r.headers["retry-after"]) > 0


def test_api_connections_carry_the_timeouts(database_url) -> None:
    with get_engine().connect() as conn:
        assert conn.execute(text("SHOW lock_timeout")).scalar_one() == "5s"
        assert conn.execute(text("SHOW statement_timeout")).scalar_one() == "30s"


def test_versions_change_with_every_commit_even_out_of_order(engine: Engine) -> None:
    """A transaction that wrote a table first but commits last still changes the table's version
    (a largest-number-wins version would keep the other commit's number and miss this one)."""

    def version(conn: Connection) -> int:
        return conn.execute(text("SELECT version FROM data_versions WHERE table_name = 'clusters'")).scalar_one()

    first, second, reader = engine.connect(), engine.connect(), engine.connect()
    try:
        seen = [version(reader)]
        reader.commit()
        first.begin()
        first.execute(text("UPDATE clusters SET description = description WHERE id = (SELECT min(id) FROM clusters)"))
        second.execute(text("SET lock_timeout = '3s'"))
        second.commit()
        with second.begin():  # not blocked by `first`, although both write clusters
            second.execute(text("UPDATE clusters SET description = description WHERE id = (SELECT max(id) FROM clusters)"))
        seen.append(version(reader))
        reader.commit()
        first.commit()
        seen.append(version(reader))
        assert seen[0] < seen[1] < seen[2]
        # The log is folded as it goes: a handful of rows per table, not one per write.
        assert reader.execute(text("SELECT count(*) FROM data_version_log WHERE table_name = 'clusters'")).scalar_one() <= 2
    finally:
        for conn in (first, second, reader):
            conn.close()
