"""Overview tiles from the precomputed grid counts (carrier_cells, migration 0015; issue 17).

The counts must be exactly what counting the carriers gives, after every kind of write, and a
tile drawn from them must be the very bytes the raw count draws, for every filter they answer.
"""

import dataclasses
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.core.auth import ANONYMOUS, Principal
from app.layers.catalogue import Layer
from app.layers.criteria import MapCriteria
from app.layers.overview import LEVELS
from app.tiles.sql import layer_tile
from tests.support.apps import public_layers
from tests.support.explain import explain, paths
from tests.support.tiles import tile_of

LAYERS = public_layers()
DIMENSIONS = "park_id, kind, published, status, land_use, is_standard_land"
# The cells counted straight from the carriers, as carrier_cells keeps them: the detail rows, and
# the totals over status, land use and standard land.
RAW_CELLS = f"""
    SELECT l.level, investmap_cell(ST_X(m.p), l.level) AS gx, investmap_cell(-ST_Y(m.p), l.level) AS gy,
           GROUPING(status, land_use, is_standard_land) = 7 AS total, {DIMENSIONS},
           count(*) AS n, sum(round(ST_X(m.p) * 100)::bigint) AS sx, sum(round(ST_Y(m.p) * 100)::bigint) AS sy
    FROM carriers c CROSS JOIN LATERAL (SELECT ST_Transform(c.location, 3857) AS p) m
    CROSS JOIN generate_series({LEVELS.start}, {LEVELS.stop - 1}) l(level)
    GROUP BY GROUPING SETS ((1, 2, 3, {DIMENSIONS}), (1, 2, 3, park_id, kind, published))
"""
STORED_CELLS = f"SELECT level, gx, gy, total, {DIMENSIONS}, n, sx, sy FROM carrier_cells"


def _difference(db: Session) -> list[tuple[object, ...]]:
    """Rows in one set and not the other (both ways), beside the tile key of each stored cell."""
    wrong_tile = db.execute(text("SELECT count(*) FROM carrier_cells WHERE tx <> gx >> 6 OR ty <> gy >> 6")).scalar_one()
    assert wrong_tile == 0
    return list(
        db.execute(text(f"({RAW_CELLS} EXCEPT ALL {STORED_CELLS}) UNION ALL ({STORED_CELLS} EXCEPT ALL {RAW_CELLS})")).all()
    )


@pytest.fixture
def rolled_back(engine) -> Iterator[Session]:
    """A session whose writes are undone at the end: the shared test data stays as loaded."""
    with engine.connect() as conn:
        outer = conn.begin()
        with Session(bind=conn) as session:
            yield session
        outer.rollback()


def test_cells_equal_the_raw_counts_after_inserts_updates_and_deletes(rolled_back: Session) -> None:
    db = rolled_back
    assert db.execute(text("SELECT count(*) FROM carrier_cells")).scalar_one() > 0
    assert _difference(db) == []
    ids = db.execute(text("SELECT id FROM carriers WHERE kind = 'land' ORDER BY id LIMIT 6")).scalars().all()
    # Inserts: copies of two plots, moved ~1 km east, one into another park.
    db.execute(
        text(
            "INSERT INTO carriers (kind, name, park_id, status, geom, area_m2, land_use, source, published) "
            "SELECT kind, name || ' copy', CASE WHEN id = :b THEN (SELECT min(id) FROM parks) ELSE park_id END, status, "
            "ST_Translate(geom, 0.01, 0), area_m2, land_use, source, published FROM carriers WHERE id IN (:a, :b)"
        ),
        {"a": ids[0], "b": ids[1]},
    )
    assert _difference(db) == []
    # Updates: a move, a status change, a change that leaves the cells as they were, a bulk change.
    db.execute(text("UPDATE carriers SET geom = ST_Translate(geom, 0.05, -0.03) WHERE id = :id"), {"id": ids[2]})
    db.execute(text("UPDATE carriers SET status = 'taken', published = NOT published WHERE id = :id"), {"id": ids[3]})
    db.execute(text("UPDATE carriers SET name = name || ' renamed' WHERE id = :id"), {"id": ids[4]})
    db.execute(text("UPDATE carriers SET land_use = 'warehouse' WHERE kind = 'land' AND id % 7 = 0"))
    assert _difference(db) == []
    # Deletes: one carrier, then a whole park's in one statement.
    db.execute(text("DELETE FROM carriers WHERE id = :id"), {"id": ids[5]})
    park = db.execute(text("SELECT park_id FROM carriers GROUP BY park_id ORDER BY count(*) DESC LIMIT 1")).scalar_one()
    db.execute(text("DELETE FROM carriers WHERE park_id = :p"), {"p": park})
    assert _difference(db) == []
    assert db.execute(text("SELECT count(*) FROM carrier_cells WHERE n <= 0")).scalar_one() == 0
    # The rebuild gives the same rows.
    db.execute(text("SELECT carrier_cells_rebuild()"))
    assert _difference(db) == []


def _raw(layer: Layer) -> Layer:
    """The same layer counted from the carriers on every request."""
    return dataclasses.replace(layer, tile=dataclasses.replace(layer.tile, cells=None))


def _busy_tiles(db: Session, zooms: range) -> list[tuple[int, int, int]]:
    lon, lat = db.execute(
        text(
            "SELECT ST_X(p.location), ST_Y(p.location) FROM parks p JOIN carriers c ON c.park_id = p.id "
            "GROUP BY p.id ORDER BY count(*) DESC LIMIT 1"
        )
    ).one()
    return [(z, *tile_of(lon, lat, z)) for z in zooms]


def _callers(db: Session) -> dict[str, Principal]:
    """The public, staff, and a write key of the county with most unpublished carriers."""
    county = db.execute(
        text(
            "SELECT p.region_adcode FROM parks p JOIN carriers c ON c.park_id = p.id "
            "GROUP BY p.region_adcode ORDER BY count(*) FILTER (WHERE NOT c.published OR NOT p.published) DESC, "
            "count(*) DESC LIMIT 1"
        )
    ).scalar_one()
    writer = Principal("key:writer", role="partner", write_counties=frozenset({county}))
    return {"public": ANONYMOUS, "staff": Principal("user:officer", role="officer"), "writer": writer}


# (criteria, audience): every criterion the cells answer, and each audience's visibility rule.
CASES = [
    (None, "public"),
    (None, "staff"),
    (None, "writer"),
    ({"status": "available"}, "public"),
    ({"land_use": "industrial_2", "standard_land": False}, "writer"),
    ({"level": "national"}, "staff"),
    ({"region": "360100"}, "public"),
    ({"kind": "factory", "status": "reserved"}, "staff"),
]


@pytest.mark.parametrize(("criteria", "who"), CASES, ids=lambda c: json.dumps(c))
def test_a_tile_from_the_cells_is_the_raw_tiles_bytes(rolled_back: Session, criteria: dict[str, object] | None, who: str) -> None:
    db = rolled_back
    # Drafts among them: what the public, staff and a write key see differs.
    db.execute(text("UPDATE carriers SET published = false WHERE id % 5 = 0"))
    user = _callers(db)[who]
    given = None if criteria is None else MapCriteria.model_validate(criteria)
    tiles = _busy_tiles(db, range(4, 12))
    drawn = 0
    for layer_id in ("land", "factories"):
        layer = LAYERS[layer_id]
        assert layer.tile.cells is not None and layer.tile.cells.rows(user, given) is not None
        stored, raw = layer_tile(layer, user, given), layer_tile(_raw(layer), user, given)
        for z, x, y in tiles:
            values = {"z": z, "x": x, "y": y, "clip": True}
            tile = db.execute(stored, values).scalar_one()
            assert tile == db.execute(raw, values).scalar_one(), (layer_id, z, x, y)
            drawn += len(tile or b"") > 0
    assert drawn > 0  # the comparison is not of empty tiles only


def _scans(db: Session, layer: Layer, criteria: dict[str, object] | None, z: int, x: int, y: int) -> tuple[set[str], set[str]]:
    """The tables the tile's plan reads, and the indexes."""
    stmt = layer_tile(layer, ANONYMOUS, None if criteria is None else MapCriteria.model_validate(criteria))
    nodes = [path[-1] for path in paths(explain(db, stmt, {"z": z, "x": x, "y": y, "clip": True}))]
    return {n["Relation Name"] for n in nodes if "Relation Name" in n}, {n["Index Name"] for n in nodes if "Index Name" in n}


def test_an_overview_tile_reads_one_tiles_cells_not_the_carriers(db: Session) -> None:
    z, x, y = _busy_tiles(db, range(8, 9))[0]
    for criteria in (None, {"status": "available", "level": "national"}):
        tables, indexes = _scans(db, LAYERS["land"], criteria, z, x, y)
        assert "carrier_cells" in tables and "ux_carrier_cells" in indexes
        assert "carriers" not in tables  # no raw count (the detail branch is planned but gated by the zoom)
    # The detail zooms draw the carriers themselves, on their spatial index.
    _, detail = _scans(db, LAYERS["land"], None, 13, *_busy_tiles(db, range(13, 14))[0][1:])
    assert "ix_carriers_land_geom" in detail


def test_criteria_the_cells_cannot_answer_count_the_carriers(db: Session) -> None:
    cells = LAYERS["land"].tile.cells
    assert cells is not None
    assert cells.rows(ANONYMOUS, MapCriteria.model_validate({"min_area": 10_000})) is None
    assert cells.rows(ANONYMOUS, MapCriteria.model_validate({"max_price": 30, "status": "available"})) is None
    assert cells.rows(ANONYMOUS, MapCriteria.model_validate({"area_unit": "mu"})) is not None  # a unit alone filters nothing
    z, x, y = _busy_tiles(db, range(8, 9))[0]
    tables, _ = _scans(db, LAYERS["land"], {"min_area": 10_000}, z, x, y)
    assert "carrier_cells" not in tables and "carriers" in tables


def test_the_levels_cover_every_overview_zoom() -> None:
    for layer in LAYERS.values():
        if layer.tile.cells is not None:
            assert range(layer.tile.minzoom + 6, layer.tile.detail_zoom + 6) == LEVELS
