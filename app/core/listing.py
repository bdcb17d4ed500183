"""Lists built entirely in PostgreSQL: paging, sorting, JSON and GeoJSON output.

A domain describes its output once as an ordered mapping of field name to SQL expression
(`OutputSpec`); this module turns a filtered SELECT into one JSON document with
`json_build_object`/`array_agg`, so Python never loops over rows and the response body is
the text PostgreSQL returns. One extra row is fetched to know whether a `next` link exists,
which avoids a COUNT on every page; the total is only computed when `count=true`.
"""

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response
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
from app.core.errors import FieldProblem, InvalidInput, NotFound
from app.core.settings import api_settings

GEOJSON = "application/geo+json"
# Seven decimals of a degree is ~1 cm: finer digits only make the payload bigger.
COORD_DECIMALS = 7


def geojson(geom: ColumnElement[Any]) -> ColumnElement[Any]:
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

    id: ColumnElement[Any]
    fields: Mapping[str, Any]  # ordered: id and name first, provenance last
    geometry: ColumnElement[Any]  # the geometry of its GeoJSON feature
    sortable: Mapping[str, ColumnElement[Any]]
    # Properties of the GeoJSON feature when they differ from `fields` (e.g. without the geometry).
    feature_fields: Mapping[str, Any] | None = None
    # Fields only staff may read (declared once here, applied by every output path).
    internal: frozenset[str] = frozenset()
    # The row version, sent as the ETag of a single record.
    version: ColumnElement[Any] | None = None
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

        return replace(self, fields=view(self.fields),
                       feature_fields=None if self.feature_fields is None else view(self.feature_fields))

    def feature(self) -> ColumnElement[Any]:
        props = {k: v for k, v in (self.feature_fields or self.fields).items() if k != "id"}
        return func.json_build_object(
            literal("type"), literal("Feature"),
            literal("id"), self.id,
            literal("geometry"), geojson(self.geometry),
            literal("properties"), json_object(props),
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
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= 90 and -90 <= n <= 90):
        raise FieldProblem("bbox is outside longitude ±180 / latitude ±90", "bbox 超出经度 ±180 / 纬度 ±90 范围", [w, s, e, n])
    if w > e or s > n:
        raise FieldProblem("bbox minimum is above its maximum", "bbox 最小值大于最大值", [w, s, e, n])
    return (w, s, e, n)


def bbox_filter(geom: ColumnElement[Any], bbox: tuple[float, float, float, float]) -> ColumnElement[bool]:
    # `&&` alone uses the GIST index; ST_Intersects then keeps only true intersections, so a
    # polygon whose envelope touches the box but whose shape does not is left out.
    envelope = func.ST_MakeEnvelope(*bbox, 4326)
    return and_(geom.op("&&")(envelope), func.ST_Intersects(geom, envelope))


class ListQuery(BaseModel):
    """Query parameters every list shares. Unknown parameters are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=api_settings().default_limit, ge=1, le=api_settings().max_limit,
                       description="page size / 每页条数")
    offset: int = Field(default=0, ge=0, description="rows to skip / 跳过条数")
    count: bool = Field(default=False, description="also return the total / 是否返回总数")
    sort: str | None = Field(default=None, description="field to sort by, `-` prefix for descending / 排序字段")
    f: Literal["json", "geojson"] | None = Field(default=None, description="output format / 输出格式")
    bbox: str | None = Field(default=None, description="minLon,minLat,maxLon,maxLat in WGS-84 / 范围")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, values: Any) -> Any:
        # PostgreSQL text cannot hold NUL: refuse it here, naming the parameter.
        if isinstance(values, dict):
            for name, value in values.items():
                if isinstance(value, str) and "\x00" in value:
                    raise FieldProblem("contains a NUL character", "包含 NUL 字符", field=name)
        return values

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


def _order(spec: OutputSpec, sort: str | None) -> list[tuple[ColumnElement[Any], bool]]:
    """(expression, descending) pairs; the id always breaks ties so pages never overlap."""
    if not sort:
        return [(spec.id, False)]
    name = sort.removeprefix("-")
    column = spec.sortable.get(name)
    if column is None:
        raise InvalidInput.one(
            "sort",
            f"cannot sort by {name!r}; sortable fields: {', '.join(spec.sortable)}",
            f"不能按 {name!r} 排序；可排序字段：{', '.join(spec.sortable)}",
        )
    return [(column, sort.startswith("-")), (spec.id, False)]


def _sorted(keys: Sequence[tuple[ColumnElement[Any], bool]]) -> list[ColumnElement[Any]]:
    return [(k.desc() if desc else k.asc()).nulls_last() for k, desc in keys]


def ordering(spec: OutputSpec, sort: str | None) -> list[ColumnElement[Any]]:
    """ORDER BY of a list sorted by `sort` as render_list sorts it, for readers beside it (exports)."""
    return _sorted(_order(spec, sort))


def public_url(request: Request, **params: Any) -> str:
    """The request URL with `params` replaced, as the client reached us (or INVESTMAP_PUBLIC_URL)."""
    url = request.url.include_query_params(**params)
    base = request.app.state.public_url
    if base:
        return base.rstrip("/") + url.path + ("?" + url.query if url.query else "")
    return str(url)


def render_list(session: Session, request: Request, spec: OutputSpec, stmt: Select[Any], query: ListQuery) -> Response:
    """Answer one page of a filtered SELECT (only its FROM and WHERE are used)."""
    order = _order(spec, query.sort)
    as_geojson = wants_geojson(request, query.f)
    item = spec.feature() if as_geojson else json_object(spec.fields)
    # Inner query: the page plus one row, sorted and limited by PostgreSQL with the indexes.
    page = (
        stmt.with_only_columns(item.label("j"), *[k.label(f"s{i}") for i, (k, _) in enumerate(order)])
        .order_by(*_sorted(order))
        .limit(query.limit + 1)
        .offset(query.offset)
        .subquery("page")
    )
    # Numbering the at most limit+1 rows again is cheap and makes the output order explicit.
    rn = func.row_number().over(order_by=_sorted([(page.c[f"s{i}"], d) for i, (_, d) in enumerate(order)]))
    numbered = select(page.c.j, rn.label("rn")).subquery("numbered")
    items = func.coalesce(
        func.json_agg(aggregate_order_by(numbered.c.j, numbered.c.rn)).filter(numbered.c.rn <= query.limit),
        EMPTY_JSON_ARRAY,
    )
    has_next = func.count() > query.limit
    media = GEOJSON if as_geojson else "application/json"
    next_url = public_url(request, offset=query.offset + query.limit)
    links = case(
        (has_next, func.json_build_array(json_object({"rel": literal("next"), "type": literal(media), "href": literal(next_url)}))),
        else_=EMPTY_JSON_ARRAY,
    )
    body: dict[str, Any]
    if as_geojson:
        body = {"type": literal("FeatureCollection"), "features": items,
                "numberReturned": func.least(func.count(), query.limit), "links": links}
    else:
        body = {"items": items, "limit": literal(query.limit), "offset": literal(query.offset),
                "next": case((has_next, literal(next_url)))}
    if query.count:
        total = select(func.count()).select_from(stmt.with_only_columns(spec.id).subquery()).scalar_subquery()
        body["numberMatched" if as_geojson else "count"] = total
    text_body = session.execute(select(cast(json_object(body), Text)).select_from(numbered)).scalar_one()
    return Response(content=text_body, media_type=media)


def render_one(session: Session, request: Request, spec: OutputSpec, stmt: Select[Any], f: str | None,
               what: tuple[str, str], key: object) -> Response:
    """Answer a single record as JSON or a GeoJSON Feature, or 404."""
    as_geojson = wants_geojson(request, f)
    item = spec.feature() if as_geojson else json_object(spec.fields)
    version = spec.version if spec.version is not None else literal(None)
    row = session.execute(stmt.with_only_columns(cast(item, Text), version)).one_or_none()
    if row is None:
        raise NotFound(what[0], what[1], key)
    headers = {"ETag": f'"{row[1]}"'} if row[1] is not None else None
    return Response(content=row[0], media_type=GEOJSON if as_geojson else "application/json", headers=headers)


def record_json(session: Session, spec: OutputSpec, stmt: Select[Any]) -> dict[str, Any] | None:
    """The single record `stmt` finds (only its FROM and WHERE are used) as the JSON render_one
    writes, parsed; None when there is none."""
    body = session.execute(stmt.with_only_columns(json_object(spec.fields))).scalar_one_or_none()
    return json.loads(body) if isinstance(body, str) else body


FormatParam = Annotated[
    Literal["json", "geojson"] | None,
    Query(description="json (default) or geojson; or send Accept: application/geo+json / 输出格式"),
]

EMPTY_JSON_ARRAY = literal_column("'[]'::json")


def page_of(item: type[Any]) -> type[Any]:
    """The documented shape of a JSON list page of `item` (the body itself is built in SQL)."""
    return create_model(
        f"{item.__name__}Page",
        items=(list[item], ...),  # type: ignore[valid-type]
        limit=(int, ...),
        offset=(int, ...),
        next=(str | None, Field(description="URL of the next page, null on the last")),
        count=(int | None, Field(default=None, description="total, only with count=true")),
    )


GeoJSONGeometry = Annotated[dict[str, Any], Field(description="GeoJSON geometry, WGS-84 [lon, lat]")]


def documented(model: type[Any]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for a body built in SQL: the JSON schema, and that GeoJSON is offered too."""
    return {200: {"model": model, "content": {GEOJSON: {"schema": {"type": "object",
                                                                 "description": "RFC 7946 GeoJSON with ?f=geojson"}}}}}
