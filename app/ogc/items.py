"""Feature collections and single features of a layer, built as one JSON text in PostgreSQL.

Paging is by key, never by OFFSET: a page is `WHERE key > after ORDER BY key LIMIT n+1`
(or `key < before ... DESC` going back), so the primary-key index finds page 500 as fast as
page 1. The extra row says whether a next page exists without a COUNT; `numberMatched` is
only counted for small layers or when `count=true` asks for it.
"""

from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (JSON, ColumnElement, Select, Text, and_, case, cast, func, literal, literal_column, select,
                        type_coerce)
from sqlalchemy.dialects.postgresql import aggregate_order_by, array
from sqlalchemy.orm import Session

from app.core.auth import Principal
from app.core.listing import EMPTY_JSON_ARRAY, GEOJSON, bbox_filter, json_object
from app.ogc.crs import OutputCrs
from app.ogc.layers import Layer
from app.ogc.params import ItemsParams


def feature(layer: Layer, crs: OutputCrs, links: ColumnElement[Any] | None = None) -> ColumnElement[Any]:
    # Options 0: no "crs" member in the geometry (PostGIS adds one for non-4326 SRIDs by default).
    # type_coerce: GeoAlchemy2's ST_AsGeoJSON turns a bare scalar subquery (a cluster's union of
    # cities) into its whole-row "feature" form; typed as a geometry it stays a geometry.
    drawn = type_coerce(crs.geometry(layer.geometry), Geometry)
    geometry = cast(func.ST_AsGeoJSON(drawn, crs.decimals, 0), JSON)
    body: dict[str, Any] = {"type": literal("Feature"), "id": layer.key, "geometry": geometry,
                            "properties": json_object(layer.properties)}
    if links is not None:
        body["links"] = links
    return json_object(body)


def link(rel: str, href: ColumnElement[Any] | str, media: str = GEOJSON, title: str | None = None) -> ColumnElement[Any]:
    fields: dict[str, Any] = {"rel": literal(rel), "type": literal(media),
                              "href": literal(href) if isinstance(href, str) else href}
    if title:
        fields["title"] = literal(title)
    return func.jsonb_build_object(*[x for k, v in fields.items() for x in (literal(k), v)])


def filtered(layer: Layer, user: Principal, p: ItemsParams) -> Select[Any]:
    """The layer's visible rows narrowed by bbox, datetime and property filters (no paging)."""
    stmt = layer.rows(user)
    if p.bbox is not None:
        stmt = stmt.where(bbox_filter(layer.geometry, p.bbox))
    if p.dates is not None:
        as_of = layer.output.fields["as_of"]
        start, end = p.dates
        stmt = stmt.where(as_of.is_not(None))  # a record without a date matches no datetime filter
        if start is not None:
            stmt = stmt.where(as_of >= start)
        if end is not None:
            stmt = stmt.where(as_of <= end)
    for name, value in p.filters.items():
        stmt = stmt.where(layer.properties[name] == value)
    return stmt


def collection_text(session: Session, layer: Layer, user: Principal, p: ItemsParams,
                    self_url: str, page_url: tuple[str, str, str, str]) -> str:
    """One page as a GeoJSON FeatureCollection. page_url: (after-prefix, suffix, before-prefix, suffix)
    of the next/prev links, joined around the boundary key in SQL."""
    key = layer.key
    stmt = filtered(layer, user, p)
    backwards = p.before is not None
    if p.after is not None:
        stmt = stmt.where(key > p.after)
    if backwards:
        stmt = stmt.where(key < p.before)
    page = (
        stmt.with_only_columns(feature(layer, p.crs).label("f"), key.label("k"))
        .order_by(key.desc() if backwards else key.asc())
        .limit(p.limit + 1)
        .subquery("page")
    )
    # Numbering at most limit+1 rows is cheap; rn > limit is the look-ahead row, never shown.
    rn = func.row_number().over(order_by=page.c.k.desc() if backwards else page.c.k.asc())
    numbered = select(page.c.f, page.c.k, rn.label("rn")).subquery("numbered")
    shown = numbered.c.rn <= p.limit
    n_shown = func.count().filter(shown)
    further = func.count() > p.limit  # rows beyond this page, in the direction of travel
    after_prefix, after_suffix, before_prefix, before_suffix = page_url
    next_link = link("next", literal(after_prefix) + cast(func.max(numbered.c.k).filter(shown), Text) + after_suffix,
                     title="next page / 下一页")
    prev_link = link("prev", literal(before_prefix) + cast(func.min(numbered.c.k).filter(shown), Text) + before_suffix,
                     title="previous page / 上一页")
    has_next = further if not backwards else n_shown > 0
    has_prev = and_(n_shown > 0, literal(p.after is not None)) if not backwards else further
    links = func.to_jsonb(func.array_remove(
        array([link("self", self_url), case((has_next, next_link)), case((has_prev, prev_link))]),
        literal_column("NULL::jsonb"),
    ))
    body: dict[str, Any] = {
        "type": literal("FeatureCollection"),
        "features": func.coalesce(
            func.json_agg(aggregate_order_by(numbered.c.f, numbered.c.k.asc())).filter(shown), EMPTY_JSON_ARRAY),
        "numberReturned": n_shown,
        "timeStamp": func.to_char(func.now().op("AT TIME ZONE")("UTC"), 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        "links": links,
    }
    if layer.cheap_count or p.count:
        body["numberMatched"] = select(func.count()).select_from(
            filtered(layer, user, p).with_only_columns(key).subquery()).scalar_subquery()
    return session.execute(select(cast(json_object(body), Text)).select_from(numbered)).scalar_one()


def feature_text(session: Session, layer: Layer, user: Principal, feature_id: Any, crs: OutputCrs,
                 self_url: str, collection_url: str) -> str | None:
    links = func.jsonb_build_array(link("self", self_url), link("collection", collection_url, "application/json"))
    stmt = layer.rows(user).where(layer.key == feature_id).with_only_columns(cast(feature(layer, crs, links), Text))
    return session.execute(stmt).scalar_one_or_none()

