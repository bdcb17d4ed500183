"""Mapbox Vector Tiles per layer and for all layers at once, with TileJSON 3.0 descriptions."""

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.auth import ANONYMOUS, CurrentUser, Principal
from app.core.database import get_engine
from app.core.errors import Forbidden, NotFound
from app.core.lru import ByteLRU
from app.core.versions import VERSIONS
from app.ogc.caching import audience, cache_headers, etag, not_modified
from app.ogc.collections import extent
from app.ogc.layers import Layer
from app.ogc.router import base_url, layer_of, readable
from app.ogc.schema import property_schemas
from app.tiles.rules import Overview
from app.tiles.sql import statement

MVT = "application/vnd.mapbox-vector-tile"
ALL = "all"
MAX_ZOOM = 22
JIANGXI_CENTER = [115.9, 27.6, 7]  # a sensible first view when a layer is still empty


class TileSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INVESTMAP_TILE_", extra="ignore")

    cache_mb: int = Field(default=256, ge=0, description="in-process tile cache per worker; 0 turns it off")


CACHE = ByteLRU(TileSettings().cache_mb)
router = APIRouter(prefix="/tiles", tags=["vector tiles 矢量切片"])


def _layers(layer_id: str, user: Principal) -> list[Layer]:
    return readable(user) if layer_id == ALL else [layer_of(layer_id, user)]


def _layer_tile(layer: Layer, z: int, x: int, y: int, user: Principal) -> bytes:
    # The version is read before the query: a write landing in between is cached under the
    # older key, which the next request no longer asks for.
    key = (layer.id, z, x, y, VERSIONS.version(layer.tables), audience(user))
    tile = CACHE.get(key)
    if tile is None:
        with get_engine().connect() as conn:
            tile = bytes(conn.execute(statement(layer, user), {"z": z, "x": x, "y": y}).scalar_one() or b"")
        CACHE.put(key, tile)
    return tile


@router.get("/{layer_id}/{z}/{x}/{y}.mvt", summary="Vector tile / 矢量切片",
            response_class=Response, responses={200: {"content": {MVT: {}}}})
def tile(layer_id: str, z: int, x: int, y: int, request: Request, user: CurrentUser) -> Response:
    layers = _layers(layer_id, user)
    if not layers:
        raise Forbidden("this API key has no access to any layer", "该 API 密钥无权访问任何图层")
    lo, hi = min(la.tile.minzoom for la in layers), max(la.tile.maxzoom for la in layers)
    if not lo <= z <= hi or not (0 <= x < 1 << z and 0 <= y < 1 << z):
        raise NotFound(f"tile (zoom {lo}-{hi}, x and y from 0 to 2^z-1) of {layer_id}",
                       f"{layer_id} 的切片（级别 {lo}-{hi}，x、y 取 0 到 2^z-1）", f"{z}/{x}/{y}")
    drawn = [la for la in layers if la.tile.minzoom <= z <= la.tile.maxzoom]
    tag = etag(request.url.path, VERSIONS.version({t for la in drawn for t in la.tables}), audience(user))
    if (unchanged := not_modified(request, tag, user)) is not None:
        return unchanged
    # Concatenated tiles are one tile: an MVT is a protobuf whose layers are a repeated field.
    body = b"".join(_layer_tile(la, z, x, y, user) for la in drawn)
    return Response(body, media_type=MVT, headers=cache_headers(tag, user))


def _fields(layer: Layer) -> dict[str, str]:
    types = property_schemas(layer, ANONYMOUS)  # tile fields are public ones
    kinds = {"integer": "Number", "number": "Number", "boolean": "Boolean"}
    fields = {n: kinds.get(types[n].get("type", ""), "String") for n in layer.tile.fields}
    if layer.tile.overview is Overview.GRID and layer.tile.point is not None:
        fields["count"] = f"Number: features in a grid cell below zoom {layer.tile.detail_zoom}"
    return fields


@router.get("/{layer_id}.json", summary="TileJSON 3.0 / 切片说明")
def tilejson(layer_id: str, request: Request, user: CurrentUser) -> dict[str, Any]:
    layers = _layers(layer_id, user)
    if not layers:
        raise Forbidden("this API key has no access to any layer", "该 API 密钥无权访问任何图层")
    base = base_url(request)
    boxes = [b for la in layers if (b := extent(la, user).spatial) is not None]
    bounds = ([min(b.bbox[0][0] for b in boxes), min(b.bbox[0][1] for b in boxes),
               max(b.bbox[0][2] for b in boxes), max(b.bbox[0][3] for b in boxes)] if boxes else [-180, -85, 180, 85])
    center = [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 7] if boxes else JIANGXI_CENTER
    return {
        "tilejson": "3.0.0",
        "name": layer_id,
        "description": " | ".join(la.description for la in layers),
        "version": "1.0.0",
        "attribution": "InvestMap 招商一张图",
        "scheme": "xyz",
        "tiles": [f"{base}/tiles/{layer_id}/{{z}}/{{x}}/{{y}}.mvt"],
        "minzoom": min(la.tile.minzoom for la in layers),
        "maxzoom": max(la.tile.maxzoom for la in layers),
        "bounds": bounds,
        "center": center,
        "vector_layers": [{"id": la.id, "description": la.title, "minzoom": la.tile.minzoom,
                           "maxzoom": la.tile.maxzoom, "fields": _fields(la)} for la in layers],
    }
