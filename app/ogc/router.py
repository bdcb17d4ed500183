"""OGC API - Features (Part 1 Core, GeoJSON, OpenAPI 3.0; Part 2 CRS; Part 3 queryables) under /ogc.

A front door over the layer catalogue (app/layers): the layers, the data versions and the page
cache are the running app's (`app.state`, built in its lifespan, app/main.py).
"""

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from app.core.auth import CurrentUser, Principal
from app.core.database import SessionDep
from app.core.errors import NotFound
from app.core.listing import GEOJSON
from app.core.lru import ByteLRU
from app.core.urls import absolute, base_url
from app.core.versions import data_versions
from app.layers.caching import Audience, audience, cache_headers, etag, not_modified
from app.layers.catalogue import Layer, catalogue
from app.layers.errors import OGC_ERROR_RESPONSES
from app.layers.extent import extent
from app.ogc import items as features
from app.ogc.collections import CONFORMANCE, JSON, OPENAPI_JSON, SCHEMA_JSON, Collections, Link, collection, dump, landing
from app.ogc.crs import parse_crs
from app.ogc.gcj02 import shift_to_gcj02
from app.ogc.openapi import openapi_document
from app.ogc.params import feature_key, parse_items
from app.ogc.schema import feature_schema, queryables, schema_document

router = APIRouter(prefix="/ogc", tags=["OGC API - Features 标准图层服务"], responses=OGC_ERROR_RESPONSES)


def _body_of(media: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` of a route answering `media` only (with response_class=Response)."""
    return {200: {"description": media, "content": {media: {"schema": {"type": "object"}}}}}


_MARK = "__KEY__"


def _pages(request: Request) -> ByteLRU:
    """Pages keyed by their ETag, which hashes the data version, the URL and the audience."""
    pages: ByteLRU = request.app.state.ogc_pages
    return pages


def _layer_of(request: Request, collection_id: str, user: Principal) -> Layer:
    return catalogue(request).layer_of(collection_id, user)


def _url(request: Request, **replace: str) -> str:
    url = request.url.remove_query_params(["after", "before"]).include_query_params(**replace) if replace else request.url
    return absolute(request, url.path, url.query)


def _page_urls(request: Request) -> tuple[str, str, str, str]:
    after = _url(request, after=_MARK).split(_MARK)
    before = _url(request, before=_MARK).split(_MARK)
    return after[0], after[1], before[0], before[1]


def _versioned(
    request: Request, layer: Layer, user: Principal, box: tuple[float, float, float, float] | None = None
) -> tuple[str, Response | None]:
    """The ETag of the layer's data (in `box`, for a page of a bounding box: a write elsewhere keeps it)."""
    tag = etag(data_versions(request).version(layer.tables, box), _url(request), audience(user))
    return tag, not_modified(request, tag, user)


@router.get("", summary="Landing page / 首页")
def landing_page(request: Request) -> dict[str, Any]:
    return dump(landing(base_url(request)))


@router.get("/conformance", summary="Conformance classes / 符合性声明")
def conformance() -> dict[str, list[str]]:
    return {"conformsTo": CONFORMANCE}


@router.get("/api", summary="OpenAPI 3.0 definition of /ogc", response_class=Response, responses=_body_of(OPENAPI_JSON))
def api(request: Request, user: CurrentUser) -> Response:
    layers = catalogue(request).listed(user)
    return Response(json.dumps(openapi_document(base_url(request), layers), ensure_ascii=False), media_type=OPENAPI_JSON)


@router.get("/collections", summary="Collections / 图层列表")
def collections(request: Request, user: CurrentUser) -> dict[str, Any]:
    base, seen = base_url(request), Audience.of(user)
    return dump(
        Collections(
            collections=[
                collection(layer, extent(layer, seen, data_versions(request)), base)
                for layer in catalogue(request).readable(user)
            ],
            links=[Link(href=f"{base}/ogc/collections", rel="self", type=JSON)],
        )
    )


@router.get("/collections/{collection_id}", summary="One collection / 图层说明")
def describe(collection_id: str, request: Request, user: CurrentUser) -> dict[str, Any]:
    layer = _layer_of(request, collection_id, user)
    return dump(collection(layer, extent(layer, Audience.of(user), data_versions(request)), base_url(request)))


@router.get(
    "/collections/{collection_id}/queryables",
    summary="Queryables (JSON Schema) / 可查询属性",
    response_class=Response,
    responses=_body_of(SCHEMA_JSON),
)
def get_queryables(collection_id: str, request: Request, user: CurrentUser) -> Response:
    layer = _layer_of(request, collection_id, user)
    doc = schema_document(layer, _url(request), queryables(layer, user))
    return JSONResponse(doc, media_type=SCHEMA_JSON)


@router.get(
    "/collections/{collection_id}/schema",
    summary="Feature schema (JSON Schema) / 要素结构",
    response_class=Response,
    responses=_body_of(SCHEMA_JSON),
)
def get_schema(collection_id: str, request: Request, user: CurrentUser) -> Response:
    return JSONResponse(feature_schema(_layer_of(request, collection_id, user), user, _url(request)), media_type=SCHEMA_JSON)


@router.get("/collections/{collection_id}/items", summary="Features / 要素", response_class=Response, responses=_body_of(GEOJSON))
def get_items(collection_id: str, request: Request, session: SessionDep, user: CurrentUser) -> Response:
    layer = _layer_of(request, collection_id, user)
    p = parse_items(layer, user, request.query_params)
    tag, unchanged = _versioned(request, layer, user, p.bbox)
    if unchanged is not None:
        return unchanged
    pages = _pages(request)
    body = pages.get(tag)
    if body is None:
        page = features.collection_bytes(session, layer, user, p, _url(request), _page_urls(request))
        body = shift_to_gcj02(page.decode()).encode() if p.crs.gcj02 else page
        pages.put(tag, body)
    return Response(body, media_type=GEOJSON, headers={**cache_headers(tag, user), "Content-Crs": f"<{p.crs.uri}>"})


@router.get(
    "/collections/{collection_id}/items/{feature_id}",
    summary="One feature / 单个要素",
    response_class=Response,
    responses=_body_of(GEOJSON),
)
def get_item(
    collection_id: str, feature_id: str, request: Request, session: SessionDep, user: CurrentUser, crs: str | None = None
) -> Response:
    layer = _layer_of(request, collection_id, user)
    out = parse_crs(crs)
    missing = NotFound(f"feature of {layer.id}", f"{layer.id} 中的要素", feature_id)
    if layer.key_type is int and not (feature_id.isascii() and feature_id.isdigit()):
        raise missing
    try:
        key = feature_key(layer, feature_id)
    except ValueError:  # beyond the key column's range, or NUL in a text key: no such feature
        raise missing from None
    tag, unchanged = _versioned(request, layer, user)
    if unchanged is not None:
        return unchanged
    here = _url(request)
    body = features.feature_text(session, layer, user, key, out, here, f"{base_url(request)}/ogc/collections/{layer.id}")
    if body is None:
        raise missing
    if out.gcj02:
        body = shift_to_gcj02(body)
    return Response(body, media_type=GEOJSON, headers={**cache_headers(tag, user), "Content-Crs": f"<{out.uri}>"})
