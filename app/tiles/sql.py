"""One SQL statement per layer that answers a Mapbox Vector Tile, with z/x/y as its parameters.

The tile envelope is computed once (`ST_TileEnvelope`, Web Mercator) and once more in EPSG:4326,
the SRID of the stored geometries, so that `&&` compares stored geometry with a constant box and
the GIST index does the selection; `ST_Intersects` then keeps only features that truly meet the
tile (not just its bounding box). Both drawing modes of a layer are branches of one UNION ALL
gated by the zoom, so the statement text stays the same for every z/x/y: SQLAlchemy compiles it
once and psycopg prepares it on each connection after a few uses.

The map page's criteria (app/layers/criteria.py) are part of the statement: one per layer, audience
and set of criteria, whose values SQLAlchemy sends as parameters, so statements of the same
criteria names share one compiled form and one prepared statement.
"""

from functools import lru_cache
from typing import Any

from geoalchemy2 import Geometry
from pydantic import BaseModel
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Float,
    Integer,
    Numeric,
    Select,
    Text,
    bindparam,
    cast,
    func,
    null,
    select,
    true,
    type_coerce,
    union_all,
)

from app.core.auth import Principal
from app.layers.caching import Audience
from app.layers.catalogue import Layer
from app.layers.tiling import Overview

EXTENT = 4096  # tile coordinate units per side (the MVT default)
BUFFER = 64  # units drawn beyond the edge so that strokes do not stop at tile borders
GRID = 64  # cells per tile side when features are counted instead of drawn (64 units each)
WEB_MERCATOR = 3857

Z, X, Y = (bindparam(n, type_=Integer) for n in ("z", "x", "y"))
# False: each feature whole in every tile it meets (no cut edges), so that a client drawing
# features rather than tiles, as the map page does, draws each once, without seams.
CLIP = bindparam("clip", type_=Boolean)


def _value(expr: ColumnElement[Any]) -> ColumnElement[Any]:
    # MVT values are strings, numbers and booleans; numeric would be written as a string.
    return cast(expr, Float) if isinstance(expr.type, Numeric) else expr


def _typed_null(expr: ColumnElement[Any]) -> ColumnElement[Any]:
    kind = expr.type
    return cast(
        null(),
        Float
        if isinstance(kind, Numeric)
        else Boolean
        if isinstance(kind, Boolean)
        else kind
        if isinstance(kind, Integer)
        else Text,
    )


def _geom(expr: ColumnElement[Any]) -> ColumnElement[Any]:
    return type_coerce(expr, Geometry)  # a scalar subquery (a cluster's area) typed as a geometry


def layer_tile(layer: Layer, user: Principal, criteria: BaseModel | None = None) -> Select[Any]:
    rule = layer.tile
    env = func.ST_TileEnvelope(Z, X, Y)
    bounds = select(env.label("m"), func.ST_Transform(env, 4326).label("g")).cte("bounds")
    with_id = layer.key_type is int  # MVT feature ids are integers; region adcodes stay a property
    props = {name: layer.properties(user)[name] for name in rule.fields}

    def drawn(geometry: ColumnElement[Any], zooms: ColumnElement[bool]) -> Select[Any]:
        geom = _geom(geometry)
        return (
            layer.rows(user, criteria)
            .join(bounds, geom.op("&&")(bounds.c.g))
            .with_only_columns(
                *([layer.key.label("id")] if with_id else []),
                *[_value(e).label(n) for n, e in props.items()],
                cast(null(), Integer).label("count"),
                func.ST_AsMVTGeom(func.ST_Transform(geom, WEB_MERCATOR), bounds.c.m, EXTENT, BUFFER, CLIP).label("geom"),
            )
            .where(zooms, func.ST_Intersects(geom, bounds.c.g))
        )

    detail_geometry = rule.detail if rule.detail is not None else layer.geometry
    branches = [drawn(detail_geometry, Z >= rule.detail_zoom)]
    if rule.point is not None and rule.overview is Overview.POINTS:
        branches.append(drawn(rule.point, Z < rule.detail_zoom))
    elif rule.point is not None:
        branches.append(_grid(layer.rows(user, criteria), layer.tile.detail_zoom, rule.point, bounds, with_id, props))
    rows = union_all(*branches).subquery("t")
    return select(func.ST_AsMVT(rows.table_valued(), layer.id, EXTENT, "geom", *(["id"] if with_id else [])))


def _grid(
    rows: Select[Any],
    detail_zoom: int,
    point: ColumnElement[Any],
    bounds: Any,
    with_id: bool,
    props: dict[str, ColumnElement[Any]],
) -> Select[Any]:
    """Features counted per cell of a GRID x GRID lattice over the tile, drawn at their mean point:
    a z8 tile of 50,000 plots becomes at most 4,096 points, and the counts add up to the plots
    whose point lies in the tile."""
    merc = func.ST_Transform(point, WEB_MERCATOR)
    cell = (func.ST_XMax(bounds.c.m) - func.ST_XMin(bounds.c.m)) / GRID
    members = (
        rows.join(bounds, point.op("&&")(bounds.c.g))
        .with_only_columns(
            merc.label("p"),
            func.floor((func.ST_X(merc) - func.ST_XMin(bounds.c.m)) / cell).label("ix"),
            func.floor((func.ST_Y(merc) - func.ST_YMin(bounds.c.m)) / cell).label("iy"),
        )
        .where(Z < detail_zoom, func.ST_Intersects(point, bounds.c.g))
        .subquery()
    )
    cells = (
        select(func.count().label("n"), func.ST_Centroid(func.ST_Collect(members.c.p)).label("c"))
        .group_by(members.c.ix, members.c.iy)
        .subquery()
    )
    return select(
        *([cast(null(), Integer).label("id")] if with_id else []),
        *[_typed_null(e).label(n) for n, e in props.items()],
        cast(cells.c.n, Integer).label("count"),
        func.ST_AsMVTGeom(cells.c.c, bounds.c.m, EXTENT, BUFFER, True).label("geom"),
    ).select_from(cells.join(bounds, true()))  # bounds is one row


@lru_cache(maxsize=512)
def statement(layer: Layer, audience: Audience, criteria: BaseModel | None = None) -> Select[Any]:
    """Built once per layer, audience and criteria (not per caller: every staff sign-in shares the
    staff's), so SQLAlchemy's compiled cache and psycopg's prepared statements are reused for
    every tile. Invalid criteria (min above max area) raise here, naming the parameter."""
    return layer_tile(layer, audience.reader, criteria)
