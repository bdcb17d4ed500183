"""The OpenAPI 3.0 definition of /ogc (the landing page's `service-desc`).

FastAPI's own document is OpenAPI 3.1 and cannot list the per-collection property filters,
which are known only from each layer's queryables; the OGC API asks for 3.0 and clients read
limits from it (GDAL, QGIS), so this document is written from the layer registry.
"""

from typing import Any

from app.core.auth import ANONYMOUS
from app.layers.catalogue import Layer
from app.ogc.crs import CRS84, SUPPORTED
from app.ogc.params import DEFAULT_LIMIT, max_limit
from app.ogc.schema import queryables

Doc = dict[str, Any]
_EXCEPTION = {"$ref": "#/components/schemas/exception"}


def _query(name: str, schema: Doc, description: str) -> Doc:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "style": "form",
        "explode": False,
        "schema": schema,
        "description": description,
    }


def _components() -> Doc:
    return {
        "parameters": {
            "limit": _query(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": max_limit(), "default": DEFAULT_LIMIT},
                "page size / 每页要素数",
            ),
            "bbox": _query(
                "bbox",
                {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
                "minLon,minLat,maxLon,maxLat in CRS84 / 经纬度范围",
            ),
            "datetime": _query("datetime", {"type": "string"}, "as_of date or interval (RFC 3339, `..` open) / 数据时点或区间"),
            "crs": _query(
                "crs",
                {"type": "string", "format": "uri", "enum": list(SUPPORTED), "default": CRS84},
                "output CRS; EPSG:4490 is latitude first; the urn:x-investmap GCJ-02 URI is non-standard "
                "(Amap/Tencent basemaps) / 输出坐标系",
            ),
            "after": _query("after", {"type": "string"}, "keyset cursor from a next link / 翻页游标（下一页）"),
            "before": _query("before", {"type": "string"}, "keyset cursor from a prev link / 翻页游标（上一页）"),
            "count": _query(
                "count",
                {"type": "boolean", "default": False},
                "also return numberMatched (always on small collections) / 返回匹配总数",
            ),
            "f": _query("f", {"type": "string", "enum": ["json", "geojson"]}, "output format / 输出格式"),
            "featureId": {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}},
        },
        "schemas": {
            "exception": {
                "type": "object",
                "required": ["code"],
                "properties": {
                    "code": {"type": "string"},
                    "description": {"type": "string"},
                    "description_zh": {"type": "string"},
                    "error": {"type": "object", "description": "the service's own error object, with details"},
                },
            }
        },
    }


def _ok(media: str) -> Doc:
    return {"description": "OK", "content": {media: {"schema": {"type": "object"}}}}


_ERRORS = {
    str(code): {"description": text, "content": {"application/json": {"schema": _EXCEPTION}}}
    for code, text in ((400, "invalid parameter / 参数错误"), (404, "not found / 未找到"))
}


def _layer_paths(layer: Layer) -> dict[str, Doc]:
    own = [
        _query(name, schema, f"features whose {name} equals this / 按 {name} 过滤")
        for name, schema in queryables(layer, ANONYMOUS).items()
    ]
    common = [
        {"$ref": f"#/components/parameters/{p}"} for p in ("bbox", "limit", "datetime", "crs", "after", "before", "count", "f")
    ]
    root = f"/collections/{layer.id}"
    return {
        root: {
            "get": {
                "summary": layer.title,
                "operationId": f"describeCollection_{layer.id}",
                "responses": {"200": _ok("application/json"), **_ERRORS},
            }
        },
        f"{root}/queryables": {
            "get": {
                "summary": f"queryables of {layer.id}",
                "operationId": f"queryables_{layer.id}",
                "responses": {"200": _ok("application/schema+json"), **_ERRORS},
            }
        },
        f"{root}/items": {
            "get": {
                "summary": f"features of {layer.id} / {layer.title}",
                "operationId": f"getFeatures_{layer.id}",
                "parameters": common + own,
                "responses": {"200": _ok("application/geo+json"), **_ERRORS},
            }
        },
        f"{root}/items/{{featureId}}": {
            "get": {
                "summary": f"one feature of {layer.id}",
                "operationId": f"getFeature_{layer.id}",
                "parameters": [{"$ref": "#/components/parameters/featureId"}, {"$ref": "#/components/parameters/crs"}],
                "responses": {"200": _ok("application/geo+json"), **_ERRORS},
            }
        },
    }


def openapi_document(base: str, layers: list[Layer]) -> Doc:
    paths: Doc = {
        "/": {
            "get": {
                "summary": "landing page / 首页",
                "operationId": "getLandingPage",
                "responses": {"200": _ok("application/json")},
            }
        },
        "/conformance": {
            "get": {
                "summary": "conformance / 符合性",
                "operationId": "getConformance",
                "responses": {"200": _ok("application/json")},
            }
        },
        "/collections": {
            "get": {
                "summary": "collections / 图层",
                "operationId": "getCollections",
                "responses": {"200": _ok("application/json")},
            }
        },
    }
    for layer in layers:
        paths.update(_layer_paths(layer))
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "InvestMap 招商一张图 OGC API - Features",
            "version": "1.0",
            "description": "Parks, land, factories, clusters and regions of Jiangxi. / 江西省招商图层。",
        },
        "servers": [{"url": f"{base}/ogc"}],
        "paths": paths,
        "components": _components(),
    }
