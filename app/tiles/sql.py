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

import math
from functools import lru_cache
from typing import Any

from geoalchemy2 import Geometry
from pydantic import BaseModel
from sqlalchemy import (
    BigInteger,
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
    literal,
    null,
    select,
    true,
    type_coerce,
    union_all,
)

from app.core.auth import Principal
from app.layers.caching import Audience
from app.layers.catalogue import Layer
from app.layers.overview import LEVEL_OFFSET
from app.layers.tiling import Overview

EXTENT = 4096  # tile coordinate units per side (the MVT default)
BUFFER = 64  # units drawn beyond the edge so that strokes do not stop at tile borders
GRID_BITS = LEVEL_OFFSET
GRID = 1 << GRID_BITS  # cells per tile side when features are counted instead of drawn (64 units each)
WEB_MERCATOR = 3857

Z, X, Y = (bindparam(n, type_=Integer) for n in ("z", "x", "y"))
LEVEL = Z + LEVEL_OFFSET  # the level of carrier_cells whose cells are this tile's grid cells
EDGE_DEGREES = 1e-9  # points on a tile's edge may round to either side of its box in EPSG:4326
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
        stored = rule.cells.rows(user, criteria) if rule.cells is not None else None
        members = (
            _raw_members(layer.rows(user, criteria), rule.point, bounds)
            if stored is None
            else _stored_members(stored.subquery("stored"))
        )
        branches.append(_grid(members, bounds, with_id, props, Z < rule.detail_zoom))
    rows = union_all(*branches).subquery("t")
    return select(func.ST_AsMVT(rows.table_valued(), layer.id, EXTENT, "geom", *(["id"] if with_id else [])))


def _raw_members(rows: Select[Any], point: ColumnElement[Any], bounds: Any) -> Select[Any]:
    """Each carrier whose point lies in the tile, in its cell of the tile's grid (level z + 6), as
    one count and its point in whole Web Mercator centimetres: what carrier_cells holds summed."""
    merc = func.ST_Transform(point, WEB_MERCATOR)
    gx, gy = func.investmap_cell(func.ST_X(merc), LEVEL), func.investmap_cell(-func.ST_Y(merc), LEVEL)
    # The index finds the points in the tile's (slightly widened) box; the cells' own tile decides,
    # so a point on a tile's edge is counted in exactly one tile, the one carrier_cells puts it in.
    near = func.ST_Expand(bounds.c.g, EDGE_DEGREES)
    return (
        rows.join(bounds, point.op("&&")(near))
        .with_only_columns(
            gx.label("gx"),
            gy.label("gy"),
            literal(1, Integer).label("n"),
            _centimetres(func.ST_X(merc)).label("sx"),
            _centimetres(func.ST_Y(merc)).label("sy"),
        )
        .where(gx.op(">>")(GRID_BITS) == X, gy.op(">>")(GRID_BITS) == Y)
    )


def _stored_members(cells: Any) -> Select[Any]:
    """The tile's rows of carrier_cells (one per cell and dimension combination, already filtered)."""
    return select(cells.c.gx, cells.c.gy, cells.c.n, cells.c.sx, cells.c.sy).where(
        cells.c.level == Z + LEVEL_OFFSET, cells.c.tx == X, cells.c.ty == Y
    )


def _centimetres(coordinate: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(func.round(coordinate * 100), BigInteger)


def _grid(
    members: Select[Any], bounds: Any, with_id: bool, props: dict[str, ColumnElement[Any]], zooms: ColumnElement[bool]
) -> Select[Any]:
    """Features counted per cell of a GRID x GRID lattice over the tile, drawn at their mean point:
    a z8 tile of 50,000 plots becomes at most 4,096 points, and the counts add up to the plots
    whose point lies in the tile. The mean is exact integer arithmetic in centimetres, the cells
    in a fixed order: counted from the carriers or from carrier_cells, a tile is the same bytes."""
    m = members.where(zooms).subquery("members")
    n = func.sum(m.c.n)
    cells = (
        select(
            n.label("n"),
            cast(func.sum(m.c.sx) / n / 100, Float).label("x"),
            cast(func.sum(m.c.sy) / n / 100, Float).label("y"),
        )
        .group_by(m.c.gx, m.c.gy)
        .order_by(m.c.gx, m.c.gy)
        .subquery("cells")
    )
    point = func.ST_SetSRID(func.ST_MakePoint(cells.c.x, cells.c.y), WEB_MERCATOR)
    return select(
        *([cast(null(), Integer).label("id")] if with_id else []),
        *[_typed_null(e).label(n) for n, e in props.items()],
        cast(cells.c.n, Integer).label("count"),
        func.ST_AsMVTGeom(point, bounds.c.m, EXTENT, BUFFER, True).label("geom"),
    ).select_from(cells.join(bounds, true()))  # bounds is one row


def tile_box(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The lon/lat box of what tile z/x/y draws: the tile and its buffer (a write there changes
    it: app/core/versions.py). Unclipped features reaching in from further are met by their own
    box, which reaches the tile."""
    n = 1 << z
    margin = BUFFER / EXTENT

    def lon(col: float) -> float:
        return col / n * 360 - 180

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return lon(x - margin), lat(y + 1 + margin), lon(x + 1 + margin), lat(y - margin)


@lru_cache(maxsize=512)
def statement(layer: Layer, audience: Audience, criteria: BaseModel | None = None) -> Select[Any]:
    """Built once per layer, audience and criteria (not per caller: every staff sign-in shares the
    staff's), so SQLAlchemy's compiled cache and psycopg's prepared statements are reused for
    every tile. Invalid criteria (min above max area) raise here, naming the parameter."""
    return layer_tile(layer, audience.reader, criteria)
