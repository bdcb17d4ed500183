"""GeoJSON Features built as text in PostgreSQL from rows of a SELECT: the OGC pages
(app/ogc/items.py) and the carriers' stored Features (app/carriers/features.py) use these same
builders, so a stored Feature is byte for byte the one a page would build."""

from collections.abc import Mapping
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import JSON, ColumnElement, Select, Subquery, cast, func, literal, select, type_coerce

from app.core.columns import ColumnExpr
from app.core.listing import COORD_DECIMALS, json_object

# Column names of the feature rows that are not properties (no property starts with "__").
KEY, GEOMETRY, RN, FEATURE = "__key", "__geometry", "__rn", "__feature"


def feature_rows(
    stmt: Select[Any],
    key: ColumnExpr[Any],
    geometry: ColumnExpr[Any],
    properties: Mapping[str, ColumnElement[Any]],
    decimals: int = COORD_DECIMALS,
) -> Select[Any]:
    """One row per record of `stmt`: key, geometry as GeoJSON text, then each property."""
    # type_coerce: GeoAlchemy2's ST_AsGeoJSON turns a bare scalar subquery (a cluster's union of
    # cities) into its whole-row "feature" form; typed as a geometry it stays a geometry.
    # Options 0: no "crs" member in the geometry (PostGIS adds one for non-4326 SRIDs by default).
    drawn = type_coerce(geometry, Geometry)
    return stmt.with_only_columns(
        key.label(KEY),
        func.ST_AsGeoJSON(drawn, decimals, 0).label(GEOMETRY),
        *[expr.label(name) for name, expr in properties.items()],
    )


def feature(rows: Subquery, links: ColumnElement[Any] | None = None) -> ColumnElement[Any]:
    """A GeoJSON Feature from a row of `feature_rows`.

    The properties are `to_json` of a row of just the property columns, not a json_build_object
    of name/value pairs: PostgreSQL converts a row with one cached plan per column type, while
    json_build_object looks the type of every argument up again on every call, which made a
    page of 1,000 plots three times slower to build.
    """
    props = select(*[c for c in rows.c if c.name not in (KEY, GEOMETRY, RN)]).correlate_except(None).subquery("p")
    body: dict[str, Any] = {
        "type": literal("Feature"),
        "id": rows.c[KEY],
        "geometry": cast(rows.c[GEOMETRY], JSON),
        "properties": select(func.to_json(props.table_valued())).scalar_subquery(),
    }
    if links is not None:
        body["links"] = links
    return json_object(body)
