"""Finding 2: a write is answered only after it is committed.

Against the real service in its own process (a TCP connection, as a partner system has): a write
whose commit fails gets a 409/503 with the usual body and nothing is stored, the connection
stays usable, and a tile or page read right after an acknowledged write always holds it.
"""

from collections.abc import Iterator

import httpx
import mapbox_vector_tile
import pytest
import shapely
from sqlalchemy import Engine, text

from tests.support.tiles import carriers, tile_of

TRAP = "commit-trap"


@pytest.fixture
def commit_trap(engine: Engine) -> Iterator[None]:
    """A deferred constraint trigger on clusters: a cluster named `commit-trap:<how>:...` fails at
    COMMIT, with the SQLSTATE <how>, or by killing its own connection when <how> is `terminate`."""
    with engine.begin() as conn:
        conn.execute(
            text(f"""
            CREATE FUNCTION test_commit_trap() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE how text := split_part(NEW.name, ':', 2);
            BEGIN
                IF split_part(NEW.name, ':', 1) = '{TRAP}' THEN
                    IF how = 'terminate' THEN
                        PERFORM pg_terminate_backend(pg_backend_pid());
                        PERFORM pg_sleep(5);
                    END IF;
                    RAISE EXCEPTION 'commit trap' USING ERRCODE = how;
                END IF;
                RETURN NULL;
            END $$
        """)
        )
        conn.execute(
            text(
                "CREATE CONSTRAINT TRIGGER test_commit_trap AFTER INSERT ON clusters "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_commit_trap()"
            )
        )
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP TRIGGER test_commit_trap ON clusters"))
            conn.execute(text("DROP FUNCTION test_commit_trap()"))


@pytest.mark.parametrize(
    ("how", "status", "code"),
    [
        ("23505", 409, "conflict"),  # a deferred unique constraint
        ("23514", 409, "conflict"),  # a deferred check
        ("40001", 409, "conflict"),  # serialization failure
        ("40P01", 409, "conflict"),  # deadlock
        ("terminate", 503, "database_unavailable"),  # the connection dies at commit
    ],
)
def test_a_write_whose_commit_fails_is_refused_and_not_stored(live_server, admin, engine, commit_trap, how, status, code) -> None:
    name = f"{TRAP}:{how}:x"
    with httpx.Client(base_url=live_server, timeout=30) as http:
        r = http.post("/api/v1/clusters", json={"name": name, "tier": "provincial", "source": "test"}, headers=admin)
        assert r.status_code == status, r.text
        error = r.json()["error"]
        assert error["code"] == code and error["message"] and error["message_zh"]
        if status == 503:
            assert int(r.headers["retry-after"]) > 0
        # The same keep-alive connection goes on working: the failure was answered, not thrown after a 201.
        assert http.get("/api/v1/clusters", params={"limit": 1}).status_code == 200
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM clusters WHERE name = :n"), {"n": name}).scalar_one() == 0


def test_the_first_tile_and_page_after_a_write_hold_it(live_server, admin, db) -> None:
    """20 times: edit a plot, then at once read its tile and an OGC page of its place (both cached
    before the edit): every read holds the edit."""
    ids, geoms, _ = carriers(db, "c.kind = 'land'")
    plot_id, centre = ids[2], shapely.centroid(geoms[2])
    tile = f"/tiles/land/14/{'/'.join(map(str, tile_of(centre.x, centre.y, 14)))}.mvt"
    bbox = f"{centre.x - 1e-4},{centre.y - 1e-4},{centre.x + 1e-4},{centre.y + 1e-4}"
    page = f"/ogc/collections/land/items?bbox={bbox}&limit=100"
    item = f"/api/v1/carriers/{plot_id}"

    def in_tile(http: httpx.Client) -> str:
        features = mapbox_vector_tile.decode(http.get(tile).content)["land"]["features"]
        return next(f for f in features if f["id"] == plot_id)["properties"]["status"]

    def in_page(http: httpx.Client) -> str:
        features = http.get(page).json()["features"]
        return next(f for f in features if f["id"] == plot_id)["properties"]["status"]

    stale = []
    with httpx.Client(base_url=live_server, timeout=30) as http:
        original = in_tile(http)
        try:
            for i in range(20):
                new = ("reserved", "available")[i % 2]
                in_tile(http), in_page(http)  # both cached under the current version
                tag = http.get(item).headers["etag"]
                r = http.patch(item, json={"status": new}, headers={**admin, "If-Match": tag})
                assert r.status_code == 200, r.text
                stale += [(i, "tile")] if in_tile(http) != new else []
                stale += [(i, "page")] if in_page(http) != new else []
        finally:
            tag = http.get(item).headers["etag"]
            http.patch(item, json={"status": original}, headers={**admin, "If-Match": tag})
    assert stale == []
