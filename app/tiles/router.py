"""Mapbox Vector Tiles per layer, for several layers at once (`land,factories`) and for all of
them (`all`), with TileJSON 3.0 descriptions.

Tiles of the carrier layers take the map page's filters as query parameters (the names of
/api/v1/map/carriers: status, kind, min_area, area_unit, level, region …), so that the page's
map draws the very set its list shows; `clip=false` asks for whole features (see sql.py).

A front door over the layer catalogue (app/layers), beside /ogc and importing nothing of it; the
layers, the data versions and the tile cache are the running app's (`app.state`, app/main.py).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from app.core.auth import ANONYMOUS, CurrentUser, Principal
from app.core.database import read_connection
from app.core.errors import BadRequest, Forbidden, NotFound, Problem
from app.core.lru import ByteLRU
from app.core.urls import base_url
from app.core.versions import data_versions
from app.layers.caching import Audience, cache_headers, etag, not_modified
from app.layers.catalogue import Catalogue, Layer, catalogue
from app.layers.criteria import MapCriteria
from app.layers.errors import OGC_ERROR_RESPONSES
from app.layers.extent import extent
from app.layers.properties import property_schemas
from app.layers.tiling import Overview
from app.tiles.sql import statement, tile_box

MVT = "application/vnd.mapbox-vector-tile"
ALL = "all"
MAX_ZOOM = 22
JIANGXI_CENTER = [115.9, 27.6, 7]  # a sensible first view when a layer is still empty


router = APIRouter(prefix="/tiles", tags=["vector tiles 矢量切片"], responses=OGC_ERROR_RESPONSES)


class TileQuery(MapCriteria):
    """The map page's filters (carrier layers only) and whether to clip features at the tile's edge."""

    clip: bool = Field(default=True, description="false: whole features, not cut at the tile's buffer / 不裁切要素")


def _layers(layers: Catalogue, layer_id: str, user: Principal) -> list[Layer]:
    """`all`, one layer, or several separated by commas (`land,factories`), in the order named."""
    if layer_id == ALL:
        return layers.readable(user)
    return [layers.layer_of(one, user) for one in dict.fromkeys(layer_id.split(","))]


def _tiles(request: Request) -> ByteLRU:
    """Tiles by layer, z/x/y, data version, audience, criteria and clipping."""
    tiles: ByteLRU = request.app.state.tile_cache
    return tiles


def _criteria(q: BaseModel, layers: list[Layer], catalogued: Catalogue) -> BaseModel | None:
    """The map's filters given in `q`, None when there are none; refused for a layer that has none."""
    given = q.model_dump(exclude_unset=True, exclude={"clip"})
    if not given:
        return None
    if (other := next((la for la in layers if la.matching is None), None)) is not None:
        name = next(iter(given))
        filtered = ", ".join(la.id for la in catalogued.values() if la.matching is not None)
        raise BadRequest(
            f"{name}: layer {other.id} takes no filters (only {filtered} do)",
            f"{name}：图层 {other.id} 不支持筛选（仅 {filtered} 支持）",
            [Problem(name, f"no filters on {other.id}", f"{other.id} 不支持筛选", given[name])],
        )
    return MapCriteria.model_validate(given)


def _layer_tile(
    request: Request, layer: Layer, z: int, x: int, y: int, seen: Audience, criteria: BaseModel | None, clip: bool
) -> bytes:
    # The version is read before the query: a write landing in between is cached under the
    # older key, which the next request no longer asks for.
    key = (layer.id, z, x, y, data_versions(request).version(layer.tables, tile_box(z, x, y)), seen.key, criteria, clip)
    cache = _tiles(request)
    tile = cache.get(key)
    if tile is None:
        with read_connection() as conn:
            tile = bytes(
                conn.execute(statement(layer, seen, criteria), {"z": z, "x": x, "y": y, "clip": clip}).scalar_one() or b""
            )
        cache.put(key, tile)
    return tile


@router.get(
    "/{layer_id}/{z}/{x}/{y}.mvt",
    summary="Vector tile / 矢量切片",
    response_class=Response,
    responses={200: {"content": {MVT: {}}}},
)
def tile(
    layer_id: str, z: int, x: int, y: int, request: Request, user: CurrentUser, q: Annotated[TileQuery, Query()]
) -> Response:
    catalogued = catalogue(request)
    layers = _layers(catalogued, layer_id, user)
    if not layers:
        raise Forbidden("this API key has no access to any layer", "该 API 密钥无权访问任何图层")
    criteria = _criteria(q, layers, catalogued)
    seen = Audience.of(user)
    lo, hi = min(la.tile.minzoom for la in layers), max(la.tile.maxzoom for la in layers)
    if not lo <= z <= hi or not (0 <= x < 1 << z and 0 <= y < 1 << z):
        raise NotFound(
            f"tile (zoom {lo}-{hi}, x and y from 0 to 2^z-1) of {layer_id}",
            f"{layer_id} 的切片（级别 {lo}-{hi}，x、y 取 0 到 2^z-1）",
            f"{z}/{x}/{y}",
        )
    drawn = [la for la in layers if la.tile.minzoom <= z <= la.tile.maxzoom]
    for la in drawn:
        statement(la, seen, criteria)  # checks the criteria (min ≤ max area) before any 304
    version = data_versions(request).version({t for la in drawn for t in la.tables}, tile_box(z, x, y))
    tag = etag(request.url.path, version, seen.key, criteria, q.clip)
    if (unchanged := not_modified(request, tag, user)) is not None:
        return unchanged
    # Concatenated tiles are one tile: an MVT is a protobuf whose layers are a repeated field.
    body = b"".join(_layer_tile(request, la, z, x, y, seen, criteria, q.clip) for la in drawn)
    return Response(body, media_type=MVT, headers=cache_headers(tag, user))


def _fields(layer: Layer) -> dict[str, str]:
    types = property_schemas(layer, ANONYMOUS)  # tile fields are public ones
    kinds = {"integer": "Number", "number": "Number", "boolean": "Boolean"}
    fields = {n: kinds.get(types[n].get("type", ""), "String") for n in layer.tile.fields}
    if layer.tile.overview is Overview.GRID and layer.tile.point is not None:
        fields["count"] = f"Number: features in a grid cell below zoom {layer.tile.detail_zoom}"
    return fields


@router.get("/{layer_id}.json", summary="TileJSON 3.0 / 切片说明")
def tilejson(layer_id: str, request: Request, user: CurrentUser, q: Annotated[TileQuery, Query()]) -> dict[str, Any]:
    catalogued = catalogue(request)
    layers = _layers(catalogued, layer_id, user)
    if not layers:
        raise Forbidden("this API key has no access to any layer", "该 API 密钥无权访问任何图层")
    _criteria(q, layers, catalogued)
    base = base_url(request)
    query = f"?{request.url.query}" if request.url.query else ""  # the tiles keep the filters asked for
    seen, versions = Audience.of(user), data_versions(request)
    boxes = [b for la in layers if (b := extent(la, seen, versions).bbox) is not None]
    bounds = (
        [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]
        if boxes
        else [-180, -85, 180, 85]
    )
    center = [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 7] if boxes else JIANGXI_CENTER
    return {
        "tilejson": "3.0.0",
        "name": layer_id,
        "description": " | ".join(la.description for la in layers),
        "version": "1.0.0",
        "attribution": "InvestMap 招商一张图",
        "scheme": "xyz",
        "tiles": [f"{base}/tiles/{layer_id}/{{z}}/{{x}}/{{y}}.mvt{query}"],
        "minzoom": min(la.tile.minzoom for la in layers),
        "maxzoom": max(la.tile.maxzoom for la in layers),
        "bounds": bounds,
        "center": center,
        "vector_layers": [
            {"id": la.id, "description": la.title, "minzoom": la.tile.minzoom, "maxzoom": la.tile.maxzoom, "fields": _fields(la)}
            for la in layers
        ],
    }
