"""Lists built entirely in PostgreSQL: paging, sorting, JSON and GeoJSON output.

A domain describes its output once as an ordered mapping of field name to SQL expression
(`OutputSpec`); this module turns a filtered SELECT into one JSON document with
`json_build_object`/`array_agg`, so Python never loops over rows and the response body is
the text PostgreSQL returns. One extra row is fetched to know whether a `next` link exists,
which avoids a COUNT on every page; the total is only computed when `count=true`. The `next`
link pages by key (`after=`, app/core/keyset.py); `offset` is kept for short jumps, up to
INVESTMAP_MAX_OFFSET. Reads carry Cache-Control (app/core/caching.py): the public's for
INVESTMAP_CACHE_MAX_AGE seconds, a caller's with credentials for nobody else.
"""

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal

from fastapi import Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator
from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from app.core.auth import Principal
from app.core.boxes import custom_plans
from app.core.caching import API_VARY, cache_control, cached, has_credentials
from app.core.columns import ColumnExpr
from app.core.errors import FieldProblem, NotFound
from app.core.keyset import after, cursor_sql, decode_cursor, sort_keys
from app.core.settings import settings
from app.core.urls import absolute

GEOJSON = "application/geo+json"
# Seven decimals of a degree is ~1 cm: finer digits only make the payload bigger.
COORD_DECIMALS = 7


def geojson(geom: ColumnExpr[Any]) -> ColumnElement[Any]:
    return cast(func.ST_AsGeoJSON(geom, COORD_DECIMALS), JSON)


def json_object(fields: Mapping[str, Any]) -> ColumnElement[Any]:
    """json_build_object over an ordered mapping; nested mappings become nested objects."""
    args: list[Any] = []
    for key, expr in fields.items():
        args.append(literal(key))
        args.append(json_object(expr) if isinstance(expr, Mapping) else expr)
    return func.json_build_object(*args)


def range_object(low: ColumnElement[Any], high: ColumnElement[Any]) -> dict[str, ColumnElement[Any]]:
    """A published indicator bound ("容积率 ≥ 1.0") as {"min": .., "max": ..}."""
    return {"min": low, "max": high}


@dataclass(frozen=True)
class OutputSpec:
    """How one kind of record is written out."""

    id: ColumnExpr[Any]
    fields: Mapping[str, Any]  # ordered: id and name first, provenance last
    geometry: ColumnExpr[Any]  # the geometry of its GeoJSON feature
    sortable: Mapping[str, ColumnExpr[Any]]
    # Properties of the GeoJSON feature when they differ from `fields` (e.g. without the geometry).
    feature_fields: Mapping[str, Any] | None = None
    # Fields only staff may read (declared once here, applied by every output path).
    internal: frozenset[str] = frozenset()
    # The row version, sent as the ETag of a single record.
    version: ColumnExpr[Any] | None = None
    # Fields naming other records (a park's clusters), built for a caller who may not see
    # drafts: a related record is named only to those who may read it. `fields` holds them
    # as staff read them (every related record), which is also what a write merges a patch into.
    related: Mapping[str, Callable[[Principal], ColumnElement[Any]]] = field(default_factory=dict)

    def for_user(self, user: Principal) -> "OutputSpec":
        """This spec as `user` reads it: without the internal fields unless they are staff, and
        with related records narrowed to those they may see."""
        hidden = frozenset() if user.is_staff else self.internal
        narrowed = {} if user.sees_unpublished else {k: build(user) for k, build in self.related.items()}
        if not hidden and not narrowed:
            return self

        def view(fields: Mapping[str, Any]) -> dict[str, Any]:
            return {k: narrowed.get(k, v) for k, v in fields.items() if k not in hidden}

        return replace(
            self, fields=view(self.fields), feature_fields=None if self.feature_fields is None else view(self.feature_fields)
        )

    def properties(self) -> dict[str, ColumnElement[Any]]:
        """The GeoJSON properties flattened for GIS clients (OGC pages, vector tiles, stored
        Features), which type scalar columns, not nested objects: a published bound
        {"min", "max"} becomes two properties `<name>_min`, `<name>_max`."""
        flat: dict[str, ColumnElement[Any]] = {}
        for name, expr in (self.feature_fields or self.fields).items():
            if name == "id":
                continue
            if isinstance(expr, Mapping):
                flat.update({f"{name}_{part}": sub for part, sub in expr.items()})
            else:
                flat[name] = expr
        return flat

    def feature(self) -> ColumnElement[Any]:
        props = {k: v for k, v in (self.feature_fields or self.fields).items() if k != "id"}
        return func.json_build_object(
            literal("type"),
            literal("Feature"),
            literal("id"),
            self.id,
            literal("geometry"),
            geojson(self.geometry),
            literal("properties"),
            json_object(props),
        )


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    parts = value.split(",")
    if len(parts) != 4:
        raise FieldProblem(
            f"bbox needs 4 numbers minLon,minLat,maxLon,maxLat; got {len(parts)}",
            f"bbox 需要 4 个数：最小经度,最小纬度,最大经度,最大纬度；实际为 {len(parts)} 个",
        )
    try:
        w, s, e, n = (float(p) for p in parts)
    except ValueError:
        raise FieldProblem(f"bbox {value!r} contains a non-number", f"bbox {value!r} 含有非数字") from None
    if not all(math.isfinite(v) for v in (w, s, e, n)):  # nan and inf parse as floats
        raise FieldProblem(f"bbox {value!r} contains a non-number", f"bbox {value!r} 含有非数字")
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= 90 and -90 <= n <= 90):
        raise FieldProblem("bbox is outside longitude ±180 / latitude ±90", "bbox 超出经度 ±180 / 纬度 ±90 范围", [w, s, e, n])
    if w > e or s > n:
        raise FieldProblem("bbox minimum is above its maximum", "bbox 最小值大于最大值", [w, s, e, n])
    return (w, s, e, n)


def bbox_filter(geom: ColumnExpr[Any], bbox: tuple[float | ColumnElement[float], ...]) -> ColumnElement[bool]:
    """Rows whose `geom` meets the box (minLon, minLat, maxLon, maxLat): numbers, or bound parameters of a compiled statement."""
    # `&&` alone uses the GIST index; ST_Intersects then keeps only true intersections, so a
    # polygon whose envelope touches the box but whose shape does not is left out.
    envelope = func.ST_MakeEnvelope(*bbox, 4326)
    return and_(geom.op("&&")(envelope), func.ST_Intersects(geom, envelope))


# Four decimal numbers; their ranges and order are checked by parse_bbox, which names the fault.
BBOX_PATTERN = r"^\s*-?\d+(\.\d+)?(\s*,\s*-?\d+(\.\d+)?){3}\s*$"


class ListQuery(BaseModel):
    """Query parameters every list shares. Unknown parameters are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(
        default=settings().api.default_limit, ge=1, le=settings().api.max_limit, description="page size / 每页条数"
    )
    offset: int = Field(
        default=0,
        ge=0,
        description="rows to skip, at most INVESTMAP_MAX_OFFSET; page further "
        "with the `next` link / 跳过条数（有上限，更深的页请使用 next 链接）",
    )
    after: str | None = Field(
        default=None, max_length=4_000, description="cursor from the `next` link of the previous page / 上一页 next 链接中的游标"
    )
    count: bool = Field(default=False, description="also return the total / 是否返回总数")
    sort: str | None = Field(default=None, description="field to sort by, `-` prefix for descending / 排序字段")
    f: Literal["json", "geojson"] | None = Field(default=None, description="output format / 输出格式")
    bbox: str | None = Field(
        default=None,
        pattern=BBOX_PATTERN,
        examples=["115.7,28.5,116.1,28.8"],
        description="minLon,minLat,maxLon,maxLat in WGS-84 / 范围",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, values: Any) -> Any:
        # PostgreSQL text cannot hold NUL: refuse it here, naming the parameter.
        if isinstance(values, dict):
            for name, value in values.items():
                if isinstance(value, str) and "\x00" in value:
                    raise FieldProblem("contains a NUL character", "包含 NUL 字符", field=name)
        return values

    @field_validator("offset")
    @classmethod
    def _offset_cap(cls, v: int) -> int:
        # OFFSET reads every skipped row: deep pages are reached by key, which costs what page 1 does.
        most = settings().api.max_offset
        if v > most:
            raise FieldProblem(
                f"offset above {most:,}: page further by following the `next` link (after=)",
                f"offset 不能超过 {most:,}：更深的页请使用 `next` 链接（after=）",
            )
        return v

    @model_validator(mode="after")
    def _after_or_offset(self) -> "ListQuery":
        if self.after is not None and self.offset:
            raise FieldProblem("give after or offset, not both", "after 与 offset 只能给出一个", field="offset")
        return self

    @field_validator("bbox")
    @classmethod
    def _check_bbox(cls, v: str | None) -> str | None:
        parse_bbox(v)
        return v

    @property
    def bbox_tuple(self) -> tuple[float, float, float, float] | None:
        return parse_bbox(self.bbox)


def wants_geojson(request: Request, f: str | None) -> bool:
    if f is not None:
        return f == "geojson"
    return GEOJSON in request.headers.get("accept", "")


def ordering(spec: OutputSpec, sort: str | None) -> list[ColumnElement[Any]]:
    """ORDER BY of a list sorted by `sort` as render_list sorts it, for readers beside it (exports)."""
    return [k.ordered() for k in sort_keys(spec.id, dict(spec.sortable), sort)]


_AFTER_MARK = "__after__"


def _next_url(request: Request) -> tuple[str, str]:
    """The request's URL with `after=` (put in by SQL between the two parts) instead of any offset."""
    url = request.url.remove_query_params(["offset", "after"]).include_query_params(after=_AFTER_MARK)
    prefix, _, suffix = absolute(request, url.path, url.query).partition(_AFTER_MARK)
    return prefix, suffix


def render_list(session: Session, request: Request, spec: OutputSpec, stmt: Select[Any], query: ListQuery) -> Response:
    """Answer one page of a filtered SELECT (only its FROM and WHERE are used)."""
    keys = sort_keys(spec.id, dict(spec.sortable), query.sort)
    as_geojson = wants_geojson(request, query.f)
    item = spec.feature() if as_geojson else json_object(spec.fields)
    paged = stmt if query.after is None else stmt.where(after(keys, decode_cursor(query.after, query.sort, keys)))
    # With an OFFSET the page's keys are found first and the JSON is built after joining its rows
    # back: a row the OFFSET skips then costs an index entry, not its JSON. Without one the page
    # (plus the look-ahead row) is all there is, and its JSON is built on the way, in one pass.
    join_back = query.offset > 0
    columns = [spec.id.label("k"), *[k.expr.label(f"s{i}") for i, k in enumerate(keys)]]
    page = (
        paged.with_only_columns(*columns, *([] if join_back else [item.label("j")]))
        .order_by(*[k.ordered() for k in keys])
        .limit(query.limit + 1)
        .offset(query.offset)
        .subquery("page")
    )
    sorted_keys = [page.c[f"s{i}"] for i in range(len(keys))]
    rn = func.row_number().over(order_by=[k.ordered(c) for k, c in zip(keys, sorted_keys, strict=True)])
    numbered = select(page, rn.label("rn")).subquery("numbered")
    if not join_back:
        item = numbered.c.j
    shown = numbered.c.rn <= query.limit
    items = func.coalesce(func.json_agg(aggregate_order_by(item, numbered.c.rn)).filter(shown), EMPTY_JSON_ARRAY)
    has_next = func.count() > query.limit
    media = GEOJSON if as_geojson else "application/json"
    # The cursor of the last row shown; its JSON is that of the key columns as PostgreSQL writes them.
    last = func.max(cursor_sql(query.sort, [numbered.c[f"s{i}"] for i in range(len(keys))])).filter(numbered.c.rn == query.limit)
    prefix, suffix = _next_url(request)
    next_url = case((has_next, literal(prefix, Text) + last + literal(suffix, Text)))
    body: dict[str, Any]
    if as_geojson:
        links = case(
            (has_next, func.json_build_array(json_object({"rel": literal("next"), "type": literal(media), "href": next_url}))),
            else_=EMPTY_JSON_ARRAY,
        )
        body = {
            "type": literal("FeatureCollection"),
            "features": items,
            "numberReturned": func.least(func.count(), query.limit),
            "links": links,
        }
    else:
        body = {"items": items, "limit": literal(query.limit), "offset": literal(query.offset), "next": next_url}
    if query.count:
        total = select(func.count()).select_from(stmt.with_only_columns(spec.id).subquery()).scalar_subquery()
        body["numberMatched" if as_geojson else "count"] = total
    document = cast(json_object(body), Text)
    rows = (
        stmt.with_only_columns(document).join(numbered, numbered.c.k == spec.id)
        if join_back
        else select(document).select_from(numbered)
    )
    if query.bbox is not None:
        custom_plans(session)
    text_body = session.execute(rows).scalar_one()
    return cached(request, text_body, media, vary=API_VARY, **_caching(request))


def render_one(
    session: Session, request: Request, spec: OutputSpec, stmt: Select[Any], f: str | None, what: tuple[str, str], key: object
) -> Response:
    """Answer a single record as JSON or a GeoJSON Feature, or 404."""
    as_geojson = wants_geojson(request, f)
    item = spec.feature() if as_geojson else json_object(spec.fields)
    version = spec.version if spec.version is not None else literal(None)
    row = session.execute(stmt.with_only_columns(cast(item, Text), version)).one_or_none()
    if row is None:
        raise NotFound(what[0], what[1], key)
    # The ETag is the row version that If-Match must send back; it is not used for 304s, as the
    # record's JSON also holds related records (a park's carriers, a carrier's park name).
    headers = {"Cache-Control": cache_control(**_caching(request)), "Vary": API_VARY}
    if row[1] is not None:
        headers["ETag"] = f'"{row[1]}"'
    return Response(content=row[0], media_type=GEOJSON if as_geojson else "application/json", headers=headers)


def record_json(session: Session, spec: OutputSpec, stmt: Select[Any]) -> dict[str, Any] | None:
    """The single record `stmt` finds (only its FROM and WHERE are used) as the JSON render_one
    writes, parsed; None when there is none."""
    body = session.execute(stmt.with_only_columns(json_object(spec.fields))).scalar_one_or_none()
    return json.loads(body) if isinstance(body, str) else body


def _caching(request: Request) -> dict[str, Any]:
    return {"max_age": settings().api.cache_max_age, "private": has_credentials(request)}


# Record ids are PostgreSQL integers. The `:int` convertor in a route's path keeps words such as
# /targets/export from reaching an id route, and the bounds tell clients (and the OpenAPI) which
# numbers can name a record at all.
MAX_ID = 2_147_483_647
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="record id / 记录编号")]

FormatParam = Annotated[
    Literal["json", "geojson"] | None,
    Query(description="json (default) or geojson; or send Accept: application/geo+json / 输出格式"),
]

EMPTY_JSON_ARRAY: ColumnElement[Any] = literal_column("'[]'::json")


def page_of(item: type[Any]) -> type[Any]:
    """The documented shape of a JSON list page of `item` (the body itself is built in SQL)."""
    return create_model(
        f"{item.__name__}Page",
        # A class known at run time, not a static type: pydantic builds the page's schema from it.
        items=(list[item], ...),  # type: ignore[valid-type]
        limit=(int, ...),
        offset=(int, ...),
        next=(str | None, Field(description="URL of the next page (by key: after=), null on the last")),
        count=(int | None, Field(default=None, description="total, only with count=true")),
    )


GeoJSONGeometry = Annotated[dict[str, Any], Field(description="GeoJSON geometry, WGS-84 [lon, lat]")]


# OpenAPI `responses` of a route that answers GeoJSON only (with response_class=Response, so
# that FastAPI does not also announce application/json).
GEOJSON_ONLY: dict[int | str, dict[str, Any]] = {
    200: {"description": "RFC 7946 GeoJSON", "content": {GEOJSON: {"schema": {"type": "object"}}}}
}


def documented(model: type[Any]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for a body built in SQL: the JSON schema, and that GeoJSON is offered too."""
    return {
        200: {
            "model": model,
            "content": {GEOJSON: {"schema": {"type": "object", "description": "RFC 7946 GeoJSON with ?f=geojson"}}},
        }
    }


def json_answer(session: Session, stmt: Select[Any], status_code: int = 200) -> Response:
    """The one JSON value `stmt` selects (built in PostgreSQL), sent as it is: staff reads that
    are not lists (a dashboard, a log), so no caching headers beyond the defaults."""
    expr = stmt.selected_columns[0]
    body = session.execute(stmt.with_only_columns(cast(expr, Text))).scalar_one()
    return Response(content=body, media_type="application/json", status_code=status_code)
