"""Output coordinate reference systems of the OGC API (Part 2: `crs=`).

Geometries are stored in EPSG:4326 with longitude first, which is what CRS84 means, so the
default output is the stored coordinates untouched. EPSG:4490 (CGCS2000) is, by its EPSG
definition, latitude first: OGC API Part 2 requires that axis order, so those coordinates are
flipped. GCJ-02 is no EPSG system and PostGIS cannot transform to it; it is offered as a
documented non-standard URI, converted after the query by app/geo/coords.py.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func

from app.core.errors import BadRequest, Problem

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GCJ02 = "urn:x-investmap:crs:gcj-02"


@dataclass(frozen=True)
class OutputCrs:
    uri: str
    srid: int
    decimals: int  # seven decimals of a degree is ~1 cm; two of a metre is 1 cm
    lat_first: bool = False
    gcj02: bool = False  # non-standard: CRS84 coordinates shifted to GCJ-02 after the query

    def geometry(self, geom: ColumnElement[Any]) -> ColumnElement[Any]:
        """The stored geometry in this CRS and axis order (GCJ-02: still CRS84 here)."""
        out = geom if self.srid == 4326 else func.ST_Transform(geom, self.srid)
        return func.ST_FlipCoordinates(out) if self.lat_first else out


SUPPORTED: dict[str, OutputCrs] = {
    c.uri: c
    for c in (
        OutputCrs(CRS84, 4326, 7),
        OutputCrs("http://www.opengis.net/def/crs/EPSG/0/4490", 4490, 7, lat_first=True),
        OutputCrs("http://www.opengis.net/def/crs/EPSG/0/3857", 3857, 2),
        OutputCrs(GCJ02, 4326, 7, gcj02=True),
    )
}
DEFAULT = SUPPORTED[CRS84]


def parse_crs(value: str | None) -> OutputCrs:
    if value is None:
        return DEFAULT
    found = SUPPORTED.get(value.strip("<>"))
    if found is None:
        raise BadRequest(
            f"crs {value!r} is not offered; use one of: {', '.join(SUPPORTED)}",
            f"不支持坐标系 {value!r}；可选：{', '.join(SUPPORTED)}",
            [Problem("crs", "unsupported CRS", "不支持的坐标系", value)],
        )
    return found
