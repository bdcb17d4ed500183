"""Tile arithmetic of the Web Mercator scheme, and the carriers tiles should hold, read straight
from the database: what the tile tests compare the decoded tiles with."""

import math

import shapely
from sqlalchemy import text

VISIBLE_CARRIERS = (
    "SELECT c.id, ST_AsBinary(c.geom), ST_AsBinary(c.location) FROM carriers c "
    "JOIN parks p ON p.id = c.park_id WHERE c.published AND p.published AND {kind}"
)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def tile_box(z: int, x: int, y: int) -> shapely.Geometry:
    """The tile's bounds in lon/lat, from the Web Mercator tiling scheme (not from PostGIS)."""
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return shapely.box(x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y))


def carriers(db, kind_sql: str) -> tuple[list[int], list[shapely.Geometry], list[shapely.Geometry]]:
    rows = db.execute(text(VISIBLE_CARRIERS.format(kind=kind_sql))).all()
    return (
        [r[0] for r in rows],
        list(shapely.from_wkb([bytes(r[1]) for r in rows])),
        list(shapely.from_wkb([bytes(r[2]) for r in rows])),
    )
