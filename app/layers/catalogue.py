"""The layers served as OGC API collections and as vector tiles: one declaration each.

A layer reuses its domain's `visible(user)` select and `OutputSpec` (so the published filter and
the field list live in one place) and adds what partners need on top: one geometry type per
layer (GDAL gives an OGR layer a single type, so carriers are split into polygons and points),
the tables whose writes change it (its data version), and how tiles draw it.

Officers' layers (chain gaps) are read by staff and by API keys that were given their
collection by name; to everyone else they do not exist: not listed, and 404 like an unknown id.

The catalogue is built by `build_catalogue` in the app's lifespan (the gap layer follows the
deployment's gap thresholds) and kept on `app.state.layers`; /ogc and /tiles both read it.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, Table, func, literal_column, select

from app.carriers import queries as carriers
from app.carriers.models import Carrier, CarrierFeature, carrier_cells
from app.chains import gaps
from app.chains.schemas import GapQuery
from app.clusters import queries as clusters
from app.core.auth import Principal
from app.core.boxes import BoxIndex
from app.core.columns import ColumnExpr
from app.core.errors import Forbidden, NotFound
from app.core.listing import OutputSpec
from app.core.settings import GapSettings
from app.infrastructure import queries as infrastructure
from app.layers.criteria import CRITERIA_TABLES, matching_carriers
from app.layers.overview import Cells
from app.layers.tiling import Overview, TileRule
from app.parks import queries as parks
from app.parks.models import CooperationPark, Park
from app.projects import queries as projects
from app.regions import queries as regions
from app.regions.models import Region


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per layer
class Layer:
    id: str
    title: str  # "English / 中文"
    description: str  # Chinese, with the English gist
    output: OutputSpec
    visible: Callable[[Principal], Select[Any]]
    geometry_type: str  # the GeoJSON type of every feature ("Geometry": of several types)
    scope: str  # the collection an API key must be given to read it (parks, carriers, clusters, regions, gaps)
    tables: tuple[str, ...]  # whose writes change what this layer shows
    tile: TileRule
    where: tuple[ColumnElement[bool], ...] = ()
    extra: Mapping[str, ColumnElement[Any]] = field(default_factory=dict)  # properties beyond the output's
    cheap_count: bool = False  # small enough to count on every page (numberMatched)
    officers_only: bool = False  # staff, and API keys naming `scope` (a key's "*" means the public layers)
    # The map page's filters (app/layers/criteria.py), for layers whose tiles the page draws.
    matching: Callable[[BaseModel, Principal], Select[Any]] | None = None
    # A table (id, feature) holding each record's public Feature as text in the default CRS,
    # kept current by the writes (app/carriers/features.py): pages join it instead of building JSON.
    stored: Table | None = None
    # Rows that store their bounding box in an index on the key (app/core/boxes.py): bbox pages walk it.
    box: BoxIndex | None = None
    # Per audience: staff, the public, or a write key's counties (whose drafts it sees named).
    _properties: dict[tuple[bool, frozenset[str]], dict[str, ColumnElement[Any]]] = field(
        default_factory=dict, init=False, repr=False
    )

    def rows(self, user: Principal, criteria: BaseModel | None = None) -> Select[Any]:
        """The records `user` may see in this layer, narrowed by the map's criteria when given
        (only FROM and WHERE are used)."""
        if criteria is not None and self.matching is not None:
            return self.matching(criteria, user).where(*self.where)
        return self.visible(user).where(*self.where)

    def readable_by(self, user: Principal) -> bool:
        if self.officers_only:
            return user.is_staff or self.scope in user.collections
        return user.may_read(self.scope)

    def hidden_from(self, user: Principal) -> bool:
        """An officers' layer `user` may not read: for them it does not exist."""
        return self.officers_only and not self.readable_by(user)

    @property
    def key(self) -> ColumnExpr[Any]:
        return self.output.id

    @cached_property
    def key_type(self) -> type:
        return int if self.output.id.type.python_type is int else str

    @property
    def geometry(self) -> ColumnExpr[Any]:
        return self.output.geometry

    def properties(self, user: Principal) -> dict[str, ColumnElement[Any]]:
        """Flat feature properties `user` may see (OutputSpec.properties): internal fields (a
        park's contacts) only for staff, and related records (a park's clusters) only those they
        may see, as in the REST API."""
        audience = (user.is_staff, frozenset() if user.sees_unpublished else user.write_counties)
        if audience not in self._properties:
            self._properties[audience] = {**self.output.for_user(user).properties(), **self.extra}
        return self._properties[audience]


class Catalogue(Mapping[str, Layer]):
    """The layers by id, in the order they are listed, and who may read which."""

    def __init__(self, layers: list[Layer]) -> None:
        self._layers = {layer.id: layer for layer in layers}

    def __getitem__(self, layer_id: str) -> Layer:
        return self._layers[layer_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._layers)

    def __len__(self) -> int:
        return len(self._layers)

    def readable(self, user: Principal) -> list[Layer]:
        """The layers an API key was given (the public ones for everyone else, and officers' layers for staff)."""
        return [layer for layer in self.values() if layer.readable_by(user)]

    def listed(self, user: Principal) -> list[Layer]:
        """The layers that exist for `user`: all but the officers' ones they may not read."""
        return [layer for layer in self.values() if not layer.hidden_from(user)]

    def layer_of(self, layer_id: str, user: Principal) -> Layer:
        """The layer `layer_id` for `user`: 404 when it does not exist for them, 403 when their key lacks it."""
        layer = self._layers.get(layer_id)
        if layer is None or layer.hidden_from(user):
            # An officers' layer is refused word for word like an unknown id: its name is not given away.
            known = ", ".join(la.id for la in self.listed(user))
            raise NotFound(f"collection (one of {known})", f"图层（可选：{known}）", layer_id)
        if not layer.readable_by(user):
            raise Forbidden(f"this API key has no access to {layer.scope}", f"该 API 密钥无权访问 {layer.scope}")
        return layer


def catalogue(request: Request) -> Catalogue:
    """The catalogue of the app serving `request` (built in its lifespan)."""
    layers: Catalogue = request.app.state.layers
    return layers


def _published(user: Principal) -> Select[Any]:
    stmt = select(Region)
    return stmt if user.sees_unpublished else stmt.where(Region.published)


def _cooperation(column: ColumnExpr[Any]) -> ColumnElement[Any]:
    return select(column).where(CooperationPark.park_id == Park.id).scalar_subquery()


_PARK_TABLES = ("parks", "park_counties", "regions", "clusters", "cluster_parks", "cooperation_parks")
_CARRIER_TABLES = CRITERIA_TABLES  # the map's criteria read parks, regions, clusters and cooperations
_PARK_TILE = TileRule(
    fields=("name", "short_name", "level", "type", "region_adcode"),
    detail_zoom=12,
    point=Park.location,
    detail=func.coalesce(Park.boundary, Park.location),
)
_CARRIER_TILE_FIELDS = ("name", "kind", "status", "park_id", "area_m2", "is_demo", "published")
_GAP_TABLES = (
    "chains",
    "chain_links",
    "chain_clusters",
    "chain_gaps",
    "enterprises",
    "enterprise_links",
    "targets",
    "parks",
    "regions",
    "clusters",
    "cluster_parks",
    "cluster_cities",
)


def _gap_layer(thresholds: GapSettings) -> Layer:
    """The whole gap layer as /api/v1/gaps draws it, with the deployment's thresholds (INVESTMAP_GAP_*)."""
    output, rows = gaps.layer(GapQuery(min_count=thresholds.min_count, min_revenue_yi=thresholds.min_revenue_yi))
    return Layer(
        id="gaps",
        title="Chain gaps / 产业链短板",
        description="产业链中本地缺失（缺）或薄弱（弱）的环节，按应补链的区域绘制，含人工记录的短板；仅限工作人员。"
        "Chain links missing or weak locally, drawn where they should be filled; for officers only.",
        output=output,
        visible=lambda user: gaps.visible_to(rows, user),
        geometry_type="Geometry",
        scope="gaps",
        tables=_GAP_TABLES,
        officers_only=True,
        cheap_count=True,
        tile=TileRule(
            fields=(
                "kind",
                "chain_id",
                "chain_name",
                "link_id",
                "link_name",
                "area_kind",
                "area_name",
                "gap_class",
                "enterprise_count",
                "priority",
            ),
            maxzoom=14,
        ),
    )


def build_catalogue(thresholds: GapSettings) -> Catalogue:
    return Catalogue(
        [
            Layer(
                id="parks",
                title="Parks / 园区（开发区）",
                description=(
                    "江西省各级开发区、高新区、综保区与产业园区的代表点。Development zones and industrial parks of Jiangxi."
                ),
                output=parks.OUTPUT,
                visible=parks.visible,
                geometry_type="Point",
                scope="parks",
                tables=_PARK_TABLES,
                tile=_PARK_TILE,
                cheap_count=True,
            ),
            Layer(
                id="cooperation_parks",
                title="Cooperation parks / 合作园区",
                description="与长三角、粤港澳大湾区、海西等地共建、托管或飞地合作的园区。Parks built with a partner region.",
                output=parks.OUTPUT,
                visible=parks.visible,
                geometry_type="Point",
                scope="parks",
                tables=_PARK_TABLES,
                where=(Park.id.in_(select(CooperationPark.park_id)),),
                extra={
                    "partner_region": _cooperation(CooperationPark.partner_region),
                    "partner_name": _cooperation(CooperationPark.partner_name),
                    "cooperation_model": _cooperation(CooperationPark.model),
                    "signed_date": _cooperation(CooperationPark.signed_date),
                },
                tile=_PARK_TILE,
                cheap_count=True,
            ),
            Layer(
                id="land",
                title="Land plots / 地块",
                description="可供出让的工业用地地块（含标准地）的宗地范围。Industrial land plots on offer, as parcels.",
                output=carriers.OUTPUT,
                visible=carriers.visible,
                geometry_type="Polygon",
                scope="carriers",
                tables=_CARRIER_TABLES,
                matching=matching_carriers,
                # A literal, not a parameter: a prepared statement's generic plan can then still use the
                # partial spatial index of land plots (migration 0006).
                where=(Carrier.kind == literal_column("'land'"),),
                stored=CarrierFeature.__table__,
                box=carriers.BOXES,
                tile=TileRule(
                    fields=(*_CARRIER_TILE_FIELDS, "land_use", "price_wan_per_mu", "is_standard_land"),
                    detail_zoom=12,
                    overview=Overview.GRID,
                    point=Carrier.location,
                    cells=Cells((carrier_cells.c.kind == literal_column("'land'"),)),
                ),
            ),
            Layer(
                id="factories",
                title="Factories and offices / 标准厂房与楼宇",
                description="可租售的标准厂房与楼宇的位置。Standard factories and office space for rent or sale, as points.",
                output=carriers.OUTPUT,
                visible=carriers.visible,
                geometry_type="Point",
                scope="carriers",
                tables=_CARRIER_TABLES,
                matching=matching_carriers,
                where=(Carrier.kind != literal_column("'land'"),),
                stored=CarrierFeature.__table__,
                box=carriers.BOXES,
                tile=TileRule(
                    fields=(*_CARRIER_TILE_FIELDS, "rent_yuan_m2_month", "floors"),
                    detail_zoom=12,
                    overview=Overview.GRID,
                    point=Carrier.location,
                    cells=Cells((carrier_cells.c.kind != literal_column("'land'"),)),
                ),
            ),
            Layer(
                id="facilities",
                title="Infrastructure / 基础设施",
                description="机场、高铁站、港口、高速出入口、物流枢纽与高校的位置（含来源与位置精度）。"
                "Airports, rail stations, ports, expressway exits, logistics hubs and universities, with sources.",
                output=infrastructure.OUTPUT,
                visible=infrastructure.visible,
                geometry_type="Point",
                scope="facilities",
                tables=("facilities",),
                tile=TileRule(fields=("name", "kind", "code", "location_precision")),
                cheap_count=True,
            ),
            Layer(
                id="clusters",
                title="Industrial clusters / 产业集群",
                description="产业集群，范围为其所在设区市的合并范围。Industrial clusters, drawn as the union of their cities.",
                output=clusters.OUTPUT,
                visible=clusters.visible,
                geometry_type="MultiPolygon",
                scope="clusters",
                # parks: a cluster lists the ids of its published parks only.
                tables=(
                    "clusters",
                    "cluster_cities",
                    "cluster_parks",
                    "cluster_revenues",
                    "cluster_list_entries",
                    "cluster_figures",
                    "regions",
                    "parks",
                ),
                tile=TileRule(fields=("name", "tier", "lead_city_adcode", "target_revenue_yi"), maxzoom=12),
                cheap_count=True,
            ),
            Layer(
                id="regions",
                title="Administrative regions / 行政区",
                description="江西省、11 个设区市与 100 个县（市、区）的行政区划范围。Province, cities and counties of Jiangxi.",
                output=regions.OUTPUT,
                visible=_published,
                geometry_type="MultiPolygon",
                scope="regions",
                tables=("regions",),
                tile=TileRule(fields=("name", "level", "parent_adcode"), maxzoom=12),
                cheap_count=True,
            ),
            _gap_layer(thresholds),
            Layer(
                id="projects",
                title="Key projects / 重点项目",
                description="重点项目的位置、阶段与调度状态（绿：正常；黄：滞后；红：严重滞后，提级调度）；仅限工作人员。"
                "Key projects with their stage and schedule status (as of today); for officers only.",
                output=projects.OUTPUT,
                visible=projects.layer_rows,
                geometry_type="Point",
                scope="projects",
                tables=("projects", "project_reports", "enterprises", "clusters", "chain_links", "parks", "regions"),
                officers_only=True,
                cheap_count=True,
                tile=TileRule(fields=("name", "stage", "status", "level", "cluster_id", "investment_wan", "days_late")),
            ),
        ]
    )
