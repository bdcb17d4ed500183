"""A feature's geometry as a carrier takes it: 2-D, one Polygon (a plot) or one Point (a building).

Files carry what their tools write: a MultiPolygon of one part (Shapefile, GeoPackage), a closed
LineString (a DXF polyline, a KML outline), Z and M values (CAD and survey data). Each is
turned into the carrier's shape or refused with the reason, never guessed at.
"""

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
