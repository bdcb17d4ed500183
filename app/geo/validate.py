"""Checks of incoming GeoJSON geometries, each naming the field, the problem and the place.

Shapely alone is not enough: it silently closes unclosed rings and accepts any number as
a coordinate, so structure, ranges and ring closure are checked on the raw GeoJSON first
and only then is validity (self-intersection etc.) asked of GEOS, whose answer carries the
offending coordinate.

Before any of that the vertices are counted (one step per ring, not per position) against the
limits of one geometry and of one request (INVESTMAP_MAX_VERTICES, INVESTMAP_MAX_REQUEST_VERTICES):
the checks, the stored row, its audit entry and its history copy all grow with them.
"""

import math
import re
from dataclasses import dataclass
from typing import Annotated, Any

import shapely
from pydantic import AfterValidator, ValidationInfo, WithJsonSchema
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import LargeBinary, func, literal

from app.core.errors import FieldProblem
from app.core.patching import VertexBudget, vertex_budget
from app.core.settings import settings

# Depth of the coordinate arrays per GeoJSON type (RFC 7946 §3.1).
_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "Polygon": 2, "MultiPolygon": 3}


@dataclass(frozen=True)
class Bounds:
    west: float
    south: float
    east: float
    north: float
    name: str
    name_zh: str

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


# Jiangxi spans about 113.57–118.48 E, 24.49–30.08 N; half a degree of slack accepts border
# parks and GCJ-02 mistakes of a few hundred metres while still catching swapped lon/lat
# and points pasted from another province.
JIANGXI = Bounds(113.0, 24.0, 119.0, 30.6, "Jiangxi", "江西省")
# Partner locations (cooperation parks, external enterprises) may be anywhere in China.
CHINA = Bounds(73.0, 3.0, 136.0, 54.0, "China", "中国")


def _fail(problem: str, problem_zh: str, location: Any = None) -> FieldProblem:
    return FieldProblem(problem, problem_zh, location)


def _vertex_count(coords: Any, depth: int) -> int:
    """Positions in nested coordinates, counted by list lengths (malformed parts count 0;
    `_positions` reports them)."""
    if depth == 0:
        return 1
    if not isinstance(coords, list):
        return 0
    if depth == 1:
        return len(coords)
    return sum(_vertex_count(c, depth - 1) for c in coords)


def _positions(coords: Any, depth: int, path: str) -> list[tuple[str, list[float]]]:
    """Flatten nested coordinates to (path, position), checking structure on the way."""
    if depth == 0:
        if (
            not isinstance(coords, list)
            or len(coords) not in (2, 3)
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in coords)
        ):
            raise _fail(f"{path} is not a position [lon, lat]", f"{path} 不是有效坐标 [经度, 纬度]")
        return [(path, coords)]
    if not isinstance(coords, list):
        raise _fail(f"{path} must be an array", f"{path} 应为数组")
    out: list[tuple[str, list[float]]] = []
    for i, item in enumerate(coords):
        out.extend(_positions(item, depth - 1, f"{path}[{i}]"))
    return out


def _rings(geom_type: str, coords: list[Any]) -> list[tuple[str, list[Any]]]:
    if geom_type == "Polygon":
        return [(f"coordinates[{i}]", ring) for i, ring in enumerate(coords)]
    if geom_type == "MultiPolygon":
        return [(f"coordinates[{p}][{i}]", ring) for p, poly in enumerate(coords) for i, ring in enumerate(poly)]
    return []


_REASON_AT = re.compile(r"^(?P<reason>[^\[]+)\[(?P<x>[-\d.eE+]+) (?P<y>[-\d.eE+]+)\]")
_REASON_ZH = {
    "Self-intersection": "自相交",
    "Ring Self-intersection": "环自相交",
    "Too few points in geometry component": "组成部分点数过少",
    "Hole lies outside shell": "内环位于外环之外",
    "Interior is disconnected": "内部不连通",
    "Nested shells": "外环嵌套",
    "Duplicate Rings": "重复的环",
    "Nested holes": "内环嵌套",
}


def parse_geometry(
    value: Any, allowed: tuple[str, ...], bounds: Bounds = JIANGXI, budget: VertexBudget | None = None
) -> BaseGeometry:
    """Validate a GeoJSON geometry object and return it as a shapely geometry (EPSG:4326).

    Raises FieldProblem, which the error handler reports under the field being validated.
    """
    if not isinstance(value, dict) or "type" not in value or "coordinates" not in value:
        raise _fail(
            "must be a GeoJSON geometry object with type and coordinates", "应为包含 type 和 coordinates 的 GeoJSON 几何对象"
        )
    geom_type = value["type"]
    if geom_type not in allowed:
        raise _fail(
            f"geometry type {geom_type!r} is not allowed here; expected {' or '.join(allowed)}",
            f"不允许的几何类型 {geom_type!r}，应为 {' 或 '.join(allowed)}",
        )
    coords = value["coordinates"]
    count, most = _vertex_count(coords, _DEPTH[geom_type]), settings().api.max_vertices
    if count > most:
        raise _fail(
            f"has {count:,} vertices; one geometry may have at most {most:,}",
            f"有 {count:,} 个顶点，单个几何最多允许 {most:,} 个",
        )
    if budget is not None:
        budget.spend(count)
    positions = _positions(coords, _DEPTH[geom_type], "coordinates")
    if not positions:
        raise _fail("geometry is empty", "几何为空")
    for path, (lon, lat, *_) in positions:
        if (problem := position_problem(path, lon, lat, bounds)) is not None:
            raise problem
    for path, ring in _rings(geom_type, coords):
        if not ring:
            raise _fail(f"{path} is an empty ring", f"{path} 是空环")
        if len(ring) < 4:
            raise _fail(
                f"{path} has {len(ring)} positions; a ring needs at least 4",
                f"{path} 只有 {len(ring)} 个点，环至少需要 4 个点",
                ring[0],
            )
        if ring[0][:2] != ring[-1][:2]:
            raise _fail(f"{path} is not closed: its first and last positions differ", f"{path} 未闭合：首尾坐标不一致", ring[0])
    geom = shape(value)
    if geom.is_empty:
        raise _fail("geometry is empty", "几何为空")
    if (problem := validity_problem(geom)) is not None:
        raise problem
    return shapely.force_2d(geom)


def position_problem(path: str, lon: float, lat: float, bounds: Bounds = JIANGXI) -> FieldProblem | None:
    """What is wrong with the position [lon, lat] at `path`, if anything: not a WGS-84 position, or far outside `bounds`."""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return _fail(
            f"{path} = [{lon}, {lat}] is outside longitude ±180 / latitude ±90",
            f"{path} = [{lon}, {lat}] 超出经度 ±180 / 纬度 ±90 范围",
            [lon, lat],
        )
    if not bounds.contains(lon, lat):
        return _fail(
            f"{path} = [{lon}, {lat}] is far outside {bounds.name} (coordinates are [lon, lat] in WGS-84)",
            f"{path} = [{lon}, {lat}] 远在{bounds.name_zh}范围之外（坐标应为 WGS-84 [经度, 纬度]）",
            [lon, lat],
        )
    return None


def validity_problem(geom: BaseGeometry) -> FieldProblem | None:
    """Why GEOS finds `geom` invalid (self-intersection ...), with the offending coordinate; None when valid."""
    reason = shapely.is_valid_reason(geom)
    if reason == "Valid Geometry":
        return None
    match = _REASON_AT.match(reason)
    what = match.group("reason").strip() if match else reason
    where = [float(match.group("x")), float(match.group("y"))] if match else None
    return _fail(
        f"invalid geometry: {what}" + (f" at {where}" if where else ""),
        f"几何无效：{_REASON_ZH.get(what, what)}" + (f"，位置 {where}" if where else ""),
        where,
    )


def geometry_type(allowed: tuple[str, ...], bounds: Bounds = JIANGXI) -> Any:
    """A pydantic field type: GeoJSON in, validated shapely geometry out, documented in OpenAPI."""
    schema = {
        "type": "object",
        "description": f"GeoJSON {' | '.join(allowed)} in WGS-84 [lon, lat] (RFC 7946)",
        "required": ["type", "coordinates"],
        "properties": {"type": {"enum": list(allowed)}, "coordinates": {"type": "array"}},
    }

    def check(value: Any, info: ValidationInfo) -> BaseGeometry:
        return parse_geometry(value, allowed, bounds, vertex_budget(info.context))

    return Annotated[Any, AfterValidator(check), WithJsonSchema(schema)]


PointIn = geometry_type(("Point",))
MultiPolygonIn = geometry_type(("Polygon", "MultiPolygon"))
ChinaPointIn = geometry_type(("Point",), CHINA)


def sql_geometry(geom: BaseGeometry) -> Any:
    """A shapely geometry as a SQL expression (EPSG:4326), for use inside queries."""
    return func.ST_GeomFromWKB(literal(shapely.to_wkb(geom), LargeBinary), 4326)
