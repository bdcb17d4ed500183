"""A feature's geometry as a carrier takes it: 2-D, one Polygon (a plot) or one Point (a building).

Files carry what their tools write: a MultiPolygon of one part (Shapefile, GeoPackage), a closed
LineString (a DXF polyline, a KML outline), Z and M values (CAD and survey data). Each is
turned into the carrier's shape or refused with the reason, never guessed at.
"""

import numpy as np
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from app.exchange.values import CellProblem


def carrier_shape(geom: BaseGeometry | None) -> BaseGeometry:
    """`geom` as a Polygon or a Point (Z and M dropped), or CellProblem saying why it cannot be one."""
    if geom is None or geom.is_empty:
        raise CellProblem("the feature has no geometry", "该要素没有几何")
    geom = shapely.force_2d(geom)
    if isinstance(geom, (MultiPolygon, MultiPoint)):
        if len(geom.geoms) != 1:
            raise CellProblem(
                f"a {geom.geom_type} of {len(geom.geoms)} parts: a carrier is one plot or one point; split it into features",
                f"{geom.geom_type} 含 {len(geom.geoms)} 个部分：一个载体只能是一个地块或一个点，请拆分为多个要素",
            )
        geom = geom.geoms[0]
    if geom.geom_type == "LineString":
        coords = list(geom.coords)
        if len(coords) < 4 or coords[0] != coords[-1]:
            raise CellProblem(
                "an open line: only closed polylines are read as plots", "线未闭合：只有闭合的多段线才能作为地块导入"
            )
        geom = Polygon(coords)
    if not isinstance(geom, (Polygon, Point)):
        raise CellProblem(
            f"a {geom.geom_type} is neither a plot (Polygon) nor a building (Point)",
            f"{geom.geom_type} 既不是地块（面）也不是楼宇厂房（点）",
        )
    return geom


def has_z(geom: BaseGeometry | None) -> bool:
    return geom is not None and not geom.is_empty and bool(geom.has_z)


_POINT, _POLYGON, _MULTIPOINT, _MULTIPOLYGON = 0, 3, 4, 6  # shapely.get_type_id


def carrier_shapes(geoms: np.ndarray) -> tuple[np.ndarray, dict[int, CellProblem]]:
    """`carrier_shape` of every geometry of `geoms`, the common cases (2-D Polygons and Points, or
    multi-geometries of one part) in vectorised calls; the rest one by one. The shapes (None where
    there is a problem) and the problems by position."""
    types = shapely.get_type_id(geoms)
    flat = ~shapely.has_z(geoms) & ~shapely.is_empty(geoms)
    single = flat & np.isin(types, (_POINT, _POLYGON))
    one_part = flat & np.isin(types, (_MULTIPOINT, _MULTIPOLYGON)) & (shapely.get_num_geometries(geoms) == 1)
    shapes = np.full(len(geoms), None, dtype=object)
    shapes[single] = geoms[single]
    shapes[one_part] = shapely.get_geometry(geoms[one_part], 0)
    problems: dict[int, CellProblem] = {}
    for i in np.flatnonzero(~(single | one_part)):
        try:
            shapes[i] = carrier_shape(geoms[i])
        except CellProblem as exc:
            problems[int(i)] = exc
    return shapes, problems
