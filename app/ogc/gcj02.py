"""The non-standard GCJ-02 output (`crs=urn:x-investmap:crs:gcj-02`) for Amap/Tencent basemaps.

PostgreSQL builds the document in CRS84 as usual; the geometries are then shifted here in one
vectorised call (shapely + app/geo/coords.py). This is the only feature path that parses JSON
in Python, and only callers who ask for GCJ-02 take it: the default path stays pure SQL.
"""

import json
from typing import Any

import shapely

from app.geo.coords import transform_geometry, wgs84_to_gcj02


def shift_to_gcj02(body: str) -> str:
    doc: dict[str, Any] = json.loads(body)
    features = doc["features"] if doc.get("type") == "FeatureCollection" else [doc]
    drawn = [f for f in features if f.get("geometry")]
    if drawn:
        geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in drawn])
        shifted = shapely.to_geojson(transform_geometry(geoms, wgs84_to_gcj02))
        for f, g in zip(drawn, shifted, strict=True):
            f["geometry"] = json.loads(g)
    return json.dumps(doc, ensure_ascii=False)
