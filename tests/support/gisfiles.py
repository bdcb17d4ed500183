"""Real GIS files for the import tests, written with GDAL (pyogrio), and the parks they belong to."""

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Polygon
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.exchange.crs import SYSTEMS, from_wgs84

METRES_PER_DEGREE = 111_000.0


@dataclass(frozen=True)
class Place:
    park_id: int
    adcode: str
    lon: float
    lat: float


def park_place(db: Session, where: str) -> Place:
    """A park whose county satisfies `where` (SQL on r, the county), and a point deep inside that county."""
    row = db.execute(
        text(
            "SELECT p.id, r.adcode, ST_X(c.pt), ST_Y(c.pt) FROM parks p JOIN regions r ON r.adcode = p.region_adcode, "
            "LATERAL (SELECT ST_PointOnSurface(ST_Buffer(r.geom::geography, -1500)::geometry) AS pt) c "
            f"WHERE r.level = 'county' AND NOT ST_IsEmpty(c.pt) AND {where} ORDER BY p.id LIMIT 1"
        )
    ).one()
    return Place(row[0], row[1], row[2], row[3])


def squares(place: Place, n: int, side_m: float = 60.0) -> list[Polygon]:
    """n plots of side_m metres in a row east of the place (WGS-84)."""
    dx = side_m / (METRES_PER_DEGREE * np.cos(np.radians(place.lat)))
    dy = side_m / METRES_PER_DEGREE
    return [
        Polygon([(x, place.lat), (x + dx, place.lat), (x + dx, place.lat + dy), (x, place.lat + dy)])
        for x in (place.lon + i * 1.5 * dx for i in range(n))
    ]


def frame(plots: list[Polygon], crs: str, **columns: list[object]) -> gpd.GeoDataFrame:
    """Plots (WGS-84) with attribute columns, their coordinates in the system `crs` (a code of crs.SYSTEMS)."""
    geoms = from_wgs84(gpd.GeoSeries(plots, crs=4326), SYSTEMS[crs])
    return gpd.GeoDataFrame(columns, geometry=geoms.values, crs=geoms.crs)


def zipped_shapefile(folder: Path, gdf: gpd.GeoDataFrame, encoding: str, prj: bool = True, cpg: bool = True) -> Path:
    """A Shapefile written by GDAL with its attributes in `encoding`, zipped; without .prj or .cpg when asked."""
    gdf.to_file(folder / "plots.shp", encoding=encoding, engine="pyogrio")
    parts = [p for p in folder.glob("plots.*") if (prj or p.suffix != ".prj") and (cpg or p.suffix != ".cpg")]
    out = folder / "plots.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in parts:
            zf.write(part, f"地块/{part.name}")
    return out


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def max_distance_m(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """The Hausdorff distance of two WGS-84 geometries, in metres (a local equirectangular scale)."""
    lat = a.centroid.y
    scale = np.array([METRES_PER_DEGREE * np.cos(np.radians(lat)), METRES_PER_DEGREE])
    to_m = lambda g: shapely.transform(g, lambda xy: xy * scale)  # noqa: E731
    return float(shapely.hausdorff_distance(to_m(a), to_m(b)))
