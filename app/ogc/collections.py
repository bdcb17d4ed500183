"""Landing page, conformance and collection metadata: small documents described by pydantic."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.listing import GEOJSON
from app.layers import extent as layers
from app.layers.catalogue import Layer
from app.ogc.crs import CRS84, SUPPORTED

JSON = "application/json"
SCHEMA_JSON = "application/schema+json"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
REL_QUERYABLES = "http://www.opengis.net/def/rel/ogc/1.0/queryables"

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
]


class Link(BaseModel):
    href: str
    rel: str
    type: str | None = None
    title: str | None = None


class SpatialExtent(BaseModel):
    bbox: list[list[float]]
    crs: str = CRS84


class TemporalExtent(BaseModel):
    interval: list[list[str | None]]
    trs: str = GREGORIAN


class Extent(BaseModel):
    spatial: SpatialExtent | None = None
    temporal: TemporalExtent | None = None


class Collection(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    title: str
    description: str
    item_type: str = Field(default="feature", serialization_alias="itemType")
    extent: Extent
    crs: list[str] = Field(default_factory=lambda: list(SUPPORTED))
    storage_crs: str = Field(default=CRS84, serialization_alias="storageCrs")
    links: list[Link]


class Collections(BaseModel):
    collections: list[Collection]
    links: list[Link]


class Landing(BaseModel):
    title: str
    description: str
    links: list[Link]


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(by_alias=True, exclude_none=True)


def collection(layer: Layer, seen: layers.Extent, base: str) -> Collection:
    """The metadata of `layer`, with the extent of what the caller sees of it."""
    here = f"{base}/ogc/collections/{layer.id}"
    return Collection(
        id=layer.id,
        title=layer.title,
        description=layer.description,
        extent=Extent(
            spatial=SpatialExtent(bbox=[list(seen.bbox)]) if seen.bbox is not None else None,
            temporal=TemporalExtent(interval=[list(seen.interval)]),
        ),
        links=[
            Link(href=here, rel="self", type=JSON, title="this collection / 本图层"),
            Link(href=f"{here}/items", rel="items", type=GEOJSON, title="features / 要素"),
            Link(href=f"{here}/queryables", rel=REL_QUERYABLES, type=SCHEMA_JSON, title="queryables / 可查询属性"),
            Link(href=f"{here}/schema", rel="describedby", type=SCHEMA_JSON, title="feature schema / 要素结构"),
            # Relation types compare case-insensitively (RFC 8288), but GDAL up to 3.6 matches only
            # the camel-case spelling; without it GDAL guesses types from the first 10 features.
            Link(href=f"{here}/schema", rel="describedBy", type=SCHEMA_JSON, title="feature schema / 要素结构"),
            Link(href=f"{base}/tiles/{layer.id}.json", rel="alternate", type=JSON, title="TileJSON / 矢量切片"),
        ],
    )


def landing(base: str) -> Landing:
    return Landing(
        title="InvestMap 招商一张图 OGC API - Features",
        description="江西省园区、载体、产业集群与行政区图层，供 GIS 客户端直接使用。"
        "Layers of Jiangxi's parks, land, factories, clusters and regions for GIS clients.",
        links=[
            Link(href=f"{base}/ogc", rel="self", type=JSON, title="this document / 本页"),
            Link(href=f"{base}/ogc/api", rel="service-desc", type=OPENAPI_JSON, title="OpenAPI 3.0 definition"),
            Link(href=f"{base}/ogc/conformance", rel="conformance", type=JSON, title="conformance classes / 符合性"),
            Link(href=f"{base}/ogc/collections", rel="data", type=JSON, title="collections / 图层"),
        ],
    )
