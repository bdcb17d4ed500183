"""Endpoints the map page needs beyond the plain REST lists.

The page's filters mix park criteria (level, type, industry, region) with carrier criteria
(kind, area, price, status), and its promise is that the map and the list show the same
set. So both questions are answered by composing the parks' and the carriers' own filter
queries in SQL (app/layers/criteria.py, which the carrier tiles use too): a park is shown when
it matches the park criteria and, if any carrier criterion is set, has a carrier that
matches them; a carrier is shown when it matches the carrier criteria and belongs to a park
that matches the park criteria.
"""

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import Select, func, text

from app.carriers import queries as carrier_queries
from app.carriers.models import Carrier
from app.carriers.schemas import CarrierOut
from app.core.auth import CurrentUser, Principal
from app.core.caching import cached
from app.core.crud import collection_guard
from app.core.database import SessionDep
from app.core.listing import GEOJSON, GEOJSON_ONLY, OutputSpec, documented, page_of, render_list
from app.core.settings import settings
from app.layers.criteria import MapQuery, matching_carriers, split
from app.parks import queries as park_queries
from app.parks.models import Park
from app.parks.schemas import ParkOut
from app.regions.models import RegionLevel
from app.web.basemaps import WebConfig, web_config

router = APIRouter(tags=["map page 地图页面"])


def _parks_output(carriers: Select[Any], user: Principal) -> OutputSpec:
    """The parks' list output plus how many of the matching carriers each park offers."""
    inner = carriers.where(Carrier.park_id == Park.id).with_only_columns(func.count()).scalar_subquery()
    base = park_queries.OUTPUT
    return replace(
        base,
        fields={**base.fields, "matching_carriers": inner},
        sortable={**base.sortable, "matching_carriers": inner},
        feature_fields={**(base.feature_fields or {}), "matching_carriers": inner},
    ).for_user(user)


@router.get(
    "/map/parks",
    summary="Parks matching the map's park and carrier filters / 地图筛选的园区",
    dependencies=[collection_guard("parks"), collection_guard("carriers")],
    responses=documented(page_of(ParkOut)),
)
def map_parks(request: Request, session: SessionDep, user: CurrentUser, q: Annotated[MapQuery, Query()]) -> Response:
    pq, cq, by_carrier = split(q, "parks")
    carriers = carrier_queries.filtered(cq, user)
    stmt = park_queries.filtered(pq, user)
    if by_carrier:
        stmt = stmt.where(Park.id.in_(carriers.with_only_columns(Carrier.park_id)))
    return render_list(session, request, _parks_output(carriers, user), stmt, q)


@router.get(
    "/map/carriers",
    summary="Carriers matching the map's park and carrier filters / 地图筛选的载体",
    dependencies=[collection_guard("parks"), collection_guard("carriers")],
    responses=documented(page_of(CarrierOut)),
)
def map_carriers(request: Request, session: SessionDep, user: CurrentUser, q: Annotated[MapQuery, Query()]) -> Response:
    return render_list(session, request, carrier_queries.OUTPUT.for_user(user), matching_carriers(q, user), q)


# Boundaries are drawn at most at county scale on the page: ~100 m of generalisation and
# 4 decimals (~10 m) cut the county layer from 1.2 MB to a few hundred kB. The label goes at
# the centre of the largest inscribed circle: unlike the centroid it is always inside the
# region and away from its border, where a name reads best.
_REGIONS_SQL = text("""
    SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
        'type', 'Feature', 'id', adcode,
        'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, :tolerance), :decimals)::json,
        'properties', json_build_object(
            'name', name, 'name_en', name_en, 'level', level, 'parent_adcode', parent_adcode,
            'label', ST_AsGeoJSON((ST_MaximumInscribedCircle(geom)).center, :decimals)::json)
    ) ORDER BY adcode), '[]'::json))::text
    FROM regions WHERE level = :level
""")
SIMPLIFY_DEG = 0.001
REGION_DECIMALS = 4


@router.get(
    "/map/regions",
    summary="Generalised boundaries with label points / 行政区简化边界与注记点",
    dependencies=[collection_guard("regions")],
    response_class=Response,
    responses=GEOJSON_ONLY,
)
def map_regions(
    request: Request, session: SessionDep, level: Annotated[RegionLevel, Query(description="province | city | county / 级别")]
) -> Response:
    body = session.execute(
        _REGIONS_SQL, {"level": level.value, "tolerance": SIMPLIFY_DEG, "decimals": REGION_DECIMALS}
    ).scalar_one()
    return cached(request, body, GEOJSON, max_age=3600)


@router.get("/config", response_model=WebConfig, summary="Basemaps and settings of the map page / 地图页面配置")
def config() -> WebConfig:
    return web_config(settings().web)
