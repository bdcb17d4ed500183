"""Feature collections and single features of a layer, built as one JSON text in PostgreSQL.

Paging is by key, never by OFFSET: a page is `WHERE key > after ORDER BY key LIMIT n+1`
(or `key < before ... DESC` going back), so the primary-key index finds page 500 as fast as
page 1. The extra row says whether a next page exists without a COUNT; `numberMatched` is
only counted for small layers or when `count=true` asks for it.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.abc import Buffer
from psycopg.adapt import Loader
from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Integer,
    Select,
    Table,
    Text,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by, array
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

from app.core.auth import Principal
from app.core.boxes import custom_plans
from app.core.geojson import FEATURE, KEY, RN, feature, feature_rows
from app.core.listing import EMPTY_JSON_ARRAY, GEOJSON, bbox_filter, json_object
from app.layers.caching import Audience
from app.layers.catalogue import Layer
from app.ogc.crs import DEFAULT, OutputCrs
from app.ogc.params import ItemsParams


def _rows(layer: Layer, user: Principal, stmt: Select[Any], crs: OutputCrs) -> Select[Any]:
    """One row per feature: key, geometry as GeoJSON text in `crs`, then each property `user` may see."""
    return feature_rows(stmt, layer.key, crs.geometry(layer.geometry), layer.properties(user), crs.decimals)


def link(rel: str, href: ColumnElement[Any] | str, media: str = GEOJSON, title: str | None = None) -> ColumnElement[Any]:
    fields: dict[str, Any] = {
        "rel": literal(rel),
        "type": literal(media),
        "href": literal(href) if isinstance(href, str) else href,
    }
    if title:
        fields["title"] = literal(title)
    return func.jsonb_build_object(*[x for k, v in fields.items() for x in (literal(k), v)])


@dataclass(frozen=True)
class Shape:
    """What decides the SQL text of a page; every value (bbox, cursor, limit, URLs) is a parameter,
    so each shape is built once, SQLAlchemy compiles it once, and psycopg prepares it on each
    connection after a few uses (building the statement anew cost ~4 ms of Python a request).
    The caller counts by audience only: every staff sign-in shares the staff's statements."""

    layer: Layer
    audience: Audience
    crs: OutputCrs
    bbox: bool = False
    since: bool = False
    until: bool = False
    dated: bool = False
    after: bool = False
    before: bool = False
    count: bool = False
    filters: tuple[str, ...] = ()

    @classmethod
    def of(cls, layer: Layer, user: Principal, p: ItemsParams) -> "Shape":
        since, until = p.dates or (None, None)
        return cls(
            layer,
            Audience.of(user),
            p.crs,
            bbox=p.bbox is not None,
            since=since is not None,
            until=until is not None,
            dated=p.dates is not None,
            after=p.after is not None,
            before=p.before is not None,
            count=p.count or layer.cheap_count,
            filters=tuple(sorted(p.filters)),
        )


def stored_features(shape: Shape) -> Table | None:
    """The layer's table of stored Feature texts when they are exactly this page's features:
    the default CRS and the public property set (staff may see more; visibility and every
    filter are still applied to the rows, so write keys and filtered pages are served too)."""
    layer = shape.layer
    return layer.stored if shape.crs == DEFAULT and not shape.audience.reader.is_staff else None


def parameters(p: ItemsParams, self_url: str, page_url: tuple[str, str, str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "limit": p.limit,
        "look_ahead": p.limit + 1,
        "after": p.after,
        "before": p.before,
        "self_url": self_url,
        **dict(zip(_URL_PARTS, page_url, strict=True)),
    }
    values.update(zip(_BBOX, p.bbox or (), strict=False))
    values["since"], values["until"] = p.dates or (None, None)
    values.update({f"filter_{name}": value for name, value in p.filters.items()})
    return values


_BBOX = ("west", "south", "east", "north")
_URL_PARTS = ("after_prefix", "after_suffix", "before_prefix", "before_suffix")


def filtered(shape: Shape) -> Select[Any]:
    """The layer's visible rows narrowed by bbox, datetime and property filters (no paging)."""
    layer = shape.layer
    user = shape.audience.reader
    stmt = layer.rows(user)
    if shape.bbox:
        bbox = tuple(bindparam(n, type_=Float) for n in _BBOX)
        stmt = layer.box.within(stmt, bbox) if layer.box is not None else stmt.where(bbox_filter(layer.geometry, bbox))
    if shape.dated:
        as_of = layer.output.fields["as_of"]
        stmt = stmt.where(as_of.is_not(None))  # a record without a date matches no datetime filter
        if shape.since:
            stmt = stmt.where(as_of >= bindparam("since", type_=Date))
        if shape.until:
            stmt = stmt.where(as_of <= bindparam("until", type_=Date))
    for name in shape.filters:
        stmt = stmt.where(layer.properties(user)[name] == bindparam(f"filter_{name}"))
    return stmt


@lru_cache(maxsize=512)
def page_select(shape: Shape) -> Select[Any]:
    """One page as a GeoJSON FeatureCollection: a single text value."""
    layer = shape.layer
    key = layer.key
    stmt = filtered(shape)
    if shape.after:
        stmt = stmt.where(key > bindparam("after"))
    if shape.before:
        stmt = stmt.where(key < bindparam("before"))
    backwards = shape.before
    # The page's keys are chosen first, ids only, in the page's order: the rows and their JSON
    # (or stored texts) are then fetched for those keys alone, never for everything in the box.
    chosen = (
        stmt.with_only_columns(key.label(KEY))
        .order_by(key.desc() if backwards else key.asc())
        .limit(bindparam("look_ahead", type_=Integer))
        .subquery("chosen")
    )
    stored = stored_features(shape)
    rows = (
        _rows(layer, shape.audience.reader, layer.rows(shape.audience.reader).join(chosen, chosen.c[KEY] == key), shape.crs)
        if stored is None
        else select(chosen.c[KEY], stored.c.feature.label(FEATURE)).join(stored, stored.c.id == chosen.c[KEY])
    )
    page = rows.subquery("page")
    k = page.c[KEY]
    # Numbering at most limit+1 rows is cheap; rn > limit is the look-ahead row, never shown.
    rn = func.row_number().over(order_by=k.desc() if backwards else k.asc())
    numbered = select(page, rn.label(RN)).subquery("numbered")
    k = numbered.c[KEY]
    limit = bindparam("limit", type_=Integer)
    shown = numbered.c[RN] <= limit
    n_shown = func.count().filter(shown)
    further = func.count() > limit  # rows beyond this page, in the direction of travel
    # The next/prev hrefs are the request URL with the boundary key put in by SQL.
    next_link = link(
        "next",
        bindparam("after_prefix", type_=Text) + cast(func.max(k).filter(shown), Text) + bindparam("after_suffix", type_=Text),
        title="next page / 下一页",
    )
    prev_link = link(
        "prev",
        bindparam("before_prefix", type_=Text) + cast(func.min(k).filter(shown), Text) + bindparam("before_suffix", type_=Text),
        title="previous page / 上一页",
    )
    has_next = further if not backwards else n_shown > 0
    has_prev = (n_shown > 0 if shape.after else false()) if not backwards else further
    links = func.to_jsonb(
        func.array_remove(
            array([link("self", bindparam("self_url", type_=Text)), case((has_next, next_link)), case((has_prev, prev_link))]),
            literal_column("NULL::jsonb"),
        )
    )
    body: dict[str, Any] = {
        "type": literal("FeatureCollection"),
        # Stored texts go into this empty array afterwards (below).
        "features": EMPTY_JSON_ARRAY
        if stored is not None
        else func.coalesce(func.json_agg(aggregate_order_by(feature(numbered), k.asc())).filter(shown), EMPTY_JSON_ARRAY),
        "numberReturned": n_shown,
        "timeStamp": func.date_trunc("second", func.now()),
        "links": links,
    }
    if shape.count:
        body["numberMatched"] = (
            select(func.count()).select_from(filtered(shape).with_only_columns(key).subquery()).scalar_subquery()
        )
    envelope = cast(json_object(body), Text)
    if stored is None:
        return select(envelope).select_from(numbered)
    # The stored features are joined as text with json_agg's separator and put into the
    # envelope's "features": [] (its first "[]"): concatenated, never parsed again as json.
    texts = func.string_agg(numbered.c[FEATURE], aggregate_order_by(literal_column("', '"), k.asc()), type_=Text)
    parts = (
        select(envelope.label("envelope"), func.coalesce(texts.filter(shown), literal("", Text)).label("features"))
        .select_from(numbered)
        .subquery("parts")
    )
    at = func.strpos(parts.c.envelope, "[]")
    return select(
        func.left(parts.c.envelope, at, type_=Text) + parts.c.features + func.substr(parts.c.envelope, at + 1, type_=Text)
    )


class _Utf8(Loader):
    """A text value as the UTF-8 bytes PostgreSQL sent: a page (~1 MB for 1,000 plots) goes out
    as it came in, instead of being decoded to str and encoded back (~2 ms of CPU a page)."""

    def load(self, data: Buffer) -> bytes:
        return bytes(data)


@lru_cache(maxsize=512)
def _compiled(shape: Shape, dialect: Dialect) -> SQLCompiler | None:
    """The page's SQL compiled once (a fresh compile costs milliseconds), for a raw cursor; None
    when IN lists are expanded at execution (a write key's counties): SQLAlchemy runs those."""
    compiled = page_select(shape).compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    return None if compiled.post_compile_params or compiled.literal_execute_params else compiled


def collection_bytes(
    session: Session, layer: Layer, user: Principal, p: ItemsParams, self_url: str, page_url: tuple[str, str, str, str]
) -> bytes:
    """The page as UTF-8 JSON. page_url: (after-prefix, suffix, before-prefix, suffix) of the next/prev links."""
    shape = Shape.of(layer, user, p)
    values = parameters(p, self_url, page_url)
    compiled = _compiled(shape, session.get_bind().dialect)
    if shape.bbox:
        custom_plans(session)
    if compiled is None:
        text: str = session.execute(page_select(shape), values).scalar_one()
        return text.encode()
    # A cursor of the session's own connection (its transaction), with the bytes loader for text
    # on this cursor only; psycopg still prepares the statement after a few uses.
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, psycopg.Connection)  # the engine's driver (normalise_url): typed as any DB-API one
    with driver.cursor() as cursor:
        cursor.adapters.register_loader("text", _Utf8)
        cursor.execute(compiled.string, compiled.construct_params(values))
        row = cursor.fetchone()
    assert row is not None  # an aggregate without GROUP BY: always one row
    page: bytes = row[0]
    return page


def feature_text(
    session: Session, layer: Layer, user: Principal, feature_id: Any, crs: OutputCrs, self_url: str, collection_url: str
) -> str | None:
    links = func.jsonb_build_array(link("self", self_url), link("collection", collection_url, "application/json"))
    rows = _rows(layer, user, layer.rows(user).where(layer.key == feature_id), crs).subquery("one")
    return session.execute(select(cast(feature(rows, links), Text))).scalar_one_or_none()
