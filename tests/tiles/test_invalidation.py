"""A write to a carrier invalidates only the tiles and pages its old and new boxes meet (issue 17).

Versions by place: app/core/versions.py and carrier_changes (migration 0015).
"""

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.carriers.features import refresh_carrier_features
from app.carriers.models import Carrier
from app.core.versions import DataVersions
from app.tiles.sql import tile_box
from tests.support.tiles import tile_of

TABLES = ("carriers", "parks", "regions")
MOVE = 2.0  # degrees east: another tile at every zoom from 8 on (1.4° wide)
FAR = (117.9, 29.6)  # the north-east of Jiangxi: other tiles than the plot's (checked below)


@pytest.fixture
def plot(engine: Engine) -> Iterator[tuple[int, float, float]]:
    """A land plot (id, lon, lat of its point), put back as it was afterwards, with its stored Feature
    (the tests write it by plain SQL, which leaves that text to the service)."""
    with engine.begin() as conn:
        row = conn.execute(
            text("SELECT id, ST_X(location), ST_Y(location), geom, status FROM carriers WHERE kind = 'land' ORDER BY id LIMIT 1")
        ).one()
    yield row[0], row[1], row[2]
    with Session(engine) as session, session.begin():
        session.execute(
            text("UPDATE carriers SET geom = :g, status = :s WHERE id = :id"), {"g": row[3], "s": row[4], "id": row[0]}
        )
        refresh_carrier_features(session, Carrier.id == row[0])


def _tiles(lon: float, lat: float, zooms: range = range(6, 16)) -> list[tuple[int, int, int]]:
    return [(z, *tile_of(lon, lat, z)) for z in zooms]


def test_a_write_changes_the_versions_of_the_places_it_met_only(engine: Engine, plot: tuple[int, float, float]) -> None:
    carrier, lon, lat = plot
    versions = DataVersions(engine)
    versions.refresh()
    # From zoom 8 on the other places are other tiles (and, with their buffers, other boxes).
    here, there, far = _tiles(lon, lat), _tiles(lon + MOVE, lat, range(8, 16)), _tiles(*FAR, range(8, 16))
    assert not set(here) & set(there + far)

    def snapshot() -> dict[tuple[int, int, int], int]:
        return {t: versions.version(TABLES, tile_box(*t)) for t in here + there + far}

    whole = versions.version(TABLES)
    before = snapshot()
    with engine.begin() as conn:
        conn.execute(text("UPDATE carriers SET status = 'reserved' WHERE id = :id"), {"id": carrier})
    versions.refresh()
    after = snapshot()
    assert versions.version(TABLES) > whole  # the layer as a whole did change
    assert all(after[t] > before[t] for t in here)  # its tile at every zoom, overview parents included
    assert all(after[t] == before[t] for t in there + far)

    with engine.begin() as conn:  # moved: where it was and where it is now, nothing else
        conn.execute(text("UPDATE carriers SET geom = ST_Translate(geom, :d, 0) WHERE id = :id"), {"d": MOVE, "id": carrier})
    versions.refresh()
    moved = snapshot()
    assert all(moved[t] > after[t] for t in here + there)
    assert all(moved[t] == after[t] for t in far)


def test_a_large_statement_logs_its_extent_once(engine: Engine) -> None:
    with engine.connect() as conn:  # rolled back when closed
        logged = conn.execute(text("SELECT count(*) FROM carrier_changes")).scalar_one()
        conn.execute(text("UPDATE carriers SET name = name WHERE id IN (SELECT id FROM carriers ORDER BY id LIMIT 60)"))
        assert conn.execute(text("SELECT count(*) FROM carrier_changes")).scalar_one() == logged + 1
        conn.execute(text("UPDATE carriers SET name = name WHERE id IN (SELECT id FROM carriers ORDER BY id LIMIT 3)"))
        assert conn.execute(text("SELECT count(*) FROM carrier_changes")).scalar_one() == logged + 1 + 6  # 3 old, 3 new boxes


def test_a_tiles_etag_changes_with_a_write_there_not_elsewhere(
    client: TestClient, engine: Engine, plot: tuple[int, float, float]
) -> None:
    carrier, lon, lat = plot
    near = "/tiles/land/{}/{}/{}.mvt".format(*_tiles(lon, lat)[4])
    far = "/tiles/land/{}/{}/{}.mvt".format(*_tiles(*FAR)[4])
    tags = {url: client.get(url).headers["etag"] for url in (near, far)}
    with engine.begin() as conn:
        conn.execute(text("UPDATE carriers SET status = 'taken' WHERE id = :id"), {"id": carrier})
    deadline = time.monotonic() + 5  # the app learns of the write by its NOTIFY listener
    while client.get(near).headers["etag"] == tags[near] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.get(near).headers["etag"] != tags[near]
    assert client.get(far, headers={"If-None-Match": tags[far]}).status_code == 304
