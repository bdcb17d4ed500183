"""Where and when a layer's records lie, as a caller sees them: for OGC collection metadata and
TileJSON bounds. Computed in PostgreSQL, once per layer, audience and data version."""

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, select

from app.core.database import get_engine
from app.core.versions import DataVersions
from app.layers.caching import Audience
from app.layers.catalogue import Layer


@dataclass(frozen=True)
class Extent:
    bbox: tuple[float, float, float, float] | None  # CRS84 (west, south, east, north); None: nothing to see
    interval: tuple[str | None, str | None]  # the first and last `as_of` (ISO dates), None where there is none


@lru_cache(maxsize=128)
def _extent(layer: Layer, version: int, audience: Audience) -> Extent:
    """Recomputed only when the data changes (`version` is part of the key)."""
    as_of = layer.output.fields["as_of"]
    rows = (
        layer.rows(audience.reader)
        .with_only_columns(func.ST_Extent(layer.geometry).label("e"), func.min(as_of).label("lo"), func.max(as_of).label("hi"))
        .subquery()
    )
    with get_engine().connect() as conn:
        row = conn.execute(
            select(
                func.ST_XMin(rows.c.e),
                func.ST_YMin(rows.c.e),
                func.ST_XMax(rows.c.e),
                func.ST_YMax(rows.c.e),
                rows.c.lo,
                rows.c.hi,
            )
        ).one()
    bbox = (row[0], row[1], row[2], row[3]) if row[0] is not None else None
    low, high = (d.isoformat() if d else None for d in row[4:])
    return Extent(bbox, (low, high))


def extent(layer: Layer, audience: Audience, versions: DataVersions) -> Extent:
    return _extent(layer, versions.version(layer.tables), audience)
