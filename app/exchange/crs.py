"""The coordinate systems a file may be in, turning its coordinates into WGS-84, and the proposal
of a system for a file that does not say which it uses.

A Chinese file comes in WGS-84, CGCS2000 (geographic, or 3-degree Gauss-Krüger with or without the
zone number in X; Jiangxi lies in zones 38 and 39), Web Mercator, or the offset datums of web
maps: GCJ-02 (Amap, Tencent) and BD-09 (Baidu), which no .prj can name and which are converted
with the project's own converter (app/geo/coords.py). CGCS2000 and WGS-84 differ by centimetres,
which is below what a plot boundary means, so 4490 is read as 4326.
"""

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
from pyproj import CRS
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.core.errors import InvalidInput, Problem
from app.core.settings import settings
from app.geo.coords import CoordConverter, bd09_to_wgs84, gcj02_to_wgs84, transform_geometry, wgs84_to_bd09, wgs84_to_gcj02


@dataclass(frozen=True)
class System:
    code: str  # what the API, the CLI and the page call it
    name: str
    name_zh: str
    epsg: int  # the EPSG system the coordinates are in (4326 for the offset datums)
    to_wgs84: CoordConverter | None = None  # the offset removed after the EPSG step
    from_wgs84: CoordConverter | None = None


SYSTEMS = {
    s.code: s
    for s in (
        System("wgs84", "WGS-84", "WGS-84 经纬度", 4326),
        System("cgcs2000", "CGCS2000 geographic", "CGCS2000 经纬度", 4490),
        System("gk38", "CGCS2000 3° Gauss-Krüger zone 38 (zone in X)", "CGCS2000 3度带 38带（X 带带号）", 4526),
        System("gk39", "CGCS2000 3° Gauss-Krüger zone 39 (zone in X)", "CGCS2000 3度带 39带（X 带带号）", 4527),
        System("gk114", "CGCS2000 3° Gauss-Krüger CM 114°E", "CGCS2000 3度带 中央经线 114°E（无带号）", 4547),
        System("gk117", "CGCS2000 3° Gauss-Krüger CM 117°E", "CGCS2000 3度带 中央经线 117°E（无带号）", 4548),
        System("webmercator", "Web Mercator", "Web 墨卡托", 3857),
        System("gcj02", "GCJ-02 (Amap, Tencent)", "GCJ-02（高德、腾讯）", 4326, gcj02_to_wgs84, wgs84_to_gcj02),
        System("bd09", "BD-09 (Baidu)", "BD-09（百度）", 4326, bd09_to_wgs84, wgs84_to_bd09),
    )
}
# Systems that read geographic degrees, tried in this order; the first that fits is proposed.
CANDIDATES = tuple(SYSTEMS)
GEOGRAPHIC = (4326, 4490)


def system(code: str) -> System:
    if code not in SYSTEMS:
        raise InvalidInput.one(
            "crs", f"unknown coordinate system {code!r}; one of {', '.join(SYSTEMS)}", f"未知的坐标系 {code!r}"
        )
    return SYSTEMS[code]


def declared(crs: CRS | None) -> System | None:
    """The system a file names (its .prj, a GeoPackage's SRS), when it is one of ours."""
    if crs is None:
        return None
    epsg = crs.to_epsg(min_confidence=70)
    return next((s for s in SYSTEMS.values() if s.epsg == epsg and s.to_wgs84 is None), None)


def to_wgs84(geoms: gpd.GeoSeries, source: System) -> gpd.GeoSeries:
    """`geoms` (coordinates in `source`) in WGS-84; vertices that do not convert become inf/NaN."""
    out = geoms.set_crs(source.epsg, allow_override=True)
    if source.epsg not in GEOGRAPHIC:
        out = out.to_crs(4326)
    out = out.set_crs(4326, allow_override=True)
    return out if source.to_wgs84 is None else _offset(out, source.to_wgs84)


def from_wgs84(geoms: gpd.GeoSeries, target: System) -> gpd.GeoSeries:
    """WGS-84 geometries in `target` (for exports)."""
    out = geoms.set_crs(4326, allow_override=True)
    return out.to_crs(target.epsg) if target.from_wgs84 is None else _offset(out, target.from_wgs84)


def _offset(geoms: gpd.GeoSeries, convert: CoordConverter) -> gpd.GeoSeries:
    """WGS-84 geometries through a datum offset (GCJ-02, BD-09), all vertices in one vectorised call."""
    return gpd.GeoSeries(transform_geometry(np.asarray(geoms.values, dtype=object), convert), index=geoms.index, crs=4326)


@dataclass(frozen=True)
class Fit:
    system: System
    inside: float  # share of the sampled features within the tolerance of the park's county
    lon: float | None  # where the middle of the features lands under this system
    lat: float | None
    county: str | None  # the county that holds that point, if any

    def as_dict(self) -> dict[str, object]:
        return {
            "crs": self.system.code,
            "name": self.system.name,
            "name_zh": self.system.name_zh,
            "inside_share": round(self.inside, 3),
            "lands_at": None if self.lon is None else [round(self.lon, 6), round(self.lat or 0, 6)],
            "lands_in": self.county,
        }


_FIT = text("""
WITH county AS (SELECT r.geom FROM parks p JOIN regions r ON r.adcode = p.region_adcode WHERE p.id = :park),
     pts AS (SELECT ST_SetSRID(ST_MakePoint(x, y), 4326) AS pt
             FROM unnest(CAST(:xs AS float8[]), CAST(:ys AS float8[])) AS t(x, y))
SELECT (SELECT count(*) FROM pts, county WHERE ST_DWithin(county.geom::geography, pts.pt::geography, :tolerance)),
       (SELECT name || '（' || adcode || '）' FROM regions WHERE level = 'county'
          AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(:mx, :my), 4326)) LIMIT 1)
""")
SAMPLE = 200


def _fit(session: Session, park_id: int, geoms: gpd.GeoSeries, candidate: System) -> Fit:
    with np.errstate(invalid="ignore"):  # vertices a system cannot convert are inf: they fit nowhere
        points = to_wgs84(geoms, candidate).representative_point()
    xs, ys = points.x.to_numpy(), points.y.to_numpy()
    ok = np.isfinite(xs) & np.isfinite(ys) & (np.abs(xs) <= 180) & (np.abs(ys) <= 90)
    if not ok.any():
        return Fit(candidate, 0.0, None, None, None)
    xs, ys = xs[ok], ys[ok]
    mx, my = float(np.median(xs)), float(np.median(ys))
    inside, county = session.execute(
        _FIT,
        {
            "park": park_id,
            "xs": xs.tolist(),
            "ys": ys.tolist(),
            "mx": mx,
            "my": my,
            "tolerance": settings().carriers.region_tolerance_m,
        },
    ).one()
    return Fit(candidate, inside / len(points), mx, my, county)


def propose(session: Session, park_id: int, geoms: gpd.GeoSeries) -> tuple[System, list[Fit]]:
    """The first candidate under which most features lie in (or near) the park's county, with how
    every candidate fits; 422 saying where the features landed under each when none does."""
    present = gpd.GeoSeries(geoms[~geoms.is_empty & geoms.notna()])
    sample = gpd.GeoSeries(present.sample(SAMPLE, random_state=0)) if len(present) > SAMPLE else present
    fits = [_fit(session, park_id, sample, candidate) for candidate in SYSTEMS.values()]
    best = max(fits, key=lambda f: f.inside)  # max keeps the first of equals: the candidates' order
    if best.inside >= 0.5:
        return best.system, fits
    raise InvalidInput([_nowhere(f) for f in fits])


def _nowhere(fit: Fit) -> Problem:
    lead = "the features lie outside the park's county under every coordinate system tried; choose the file's system. "
    lead_zh = "在所尝试的各坐标系下要素均不在园区所在县内，请指定文件的坐标系。"
    at = fit.as_dict()["lands_at"]
    if at is None:
        return Problem(
            "crs",
            f"{lead}Under {fit.system.name} the coordinates do not convert",
            f"{lead_zh}按{fit.system.name_zh}，坐标无法转换",
        )
    return Problem(
        "crs",
        f"{lead}Under {fit.system.name} they land at {at} ({fit.county or 'no county of Jiangxi'})",
        f"{lead_zh}按{fit.system.name_zh}，要素位于 {at}（{fit.county or '不在江西省任何县内'}）",
        at,
    )
