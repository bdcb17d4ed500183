from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from app.core.crud import collection_guard
from app.core.database import SessionDep
from app.core.errors import NotFound
from app.core.listing import FormatParam, bbox_filter, documented, page_of, render_list, render_one
from app.regions import queries
from app.regions.models import Region
from app.regions.schemas import RegionLookup, RegionOut, RegionQuery, RegionRef

router = APIRouter(prefix="/regions", tags=["regions 行政区"], dependencies=[collection_guard("regions")])


@router.get("", summary="List regions / 行政区列表", responses=documented(page_of(RegionOut)))
def list_regions(request: Request, session: SessionDep, q: Annotated[RegionQuery, Query()]) -> Response:
    stmt = select(Region)
    if q.level:
        stmt = stmt.where(Region.level == q.level)
    if q.parent:
        stmt = stmt.where(Region.parent_adcode == q.parent)
    if (bbox := q.bbox_tuple) is not None:
        stmt = stmt.where(bbox_filter(Region.geom, bbox))
    return render_list(session, request, queries.OUTPUT, stmt, q)


@router.get("/lookup", response_model=RegionLookup, summary="Regions containing a point / 坐标所在行政区")
def lookup(
    session: SessionDep,
    lon: Annotated[float, Query(ge=-180, le=180, description="longitude, WGS-84 / 经度")],
    lat: Annotated[float, Query(ge=-90, le=90, description="latitude, WGS-84 / 纬度")],
) -> RegionLookup:
    found = {r.level: r for r in session.execute(queries.containing(lon, lat)).scalars()}
    if "county" not in found:
        raise NotFound("region containing point", "坐标所在的行政区", f"[{lon}, {lat}] (outside Jiangxi / 不在江西省内)")
    refs = {lvl: RegionRef(adcode=r.adcode, name=r.name, level=r.level) for lvl, r in found.items()}
    return RegionLookup(lon=lon, lat=lat, province=refs["province"], city=refs["city"], county=refs["county"])


@router.get("/{adcode}", summary="One region with its outline / 单个行政区", responses=documented(RegionOut))
def get_region(adcode: str, request: Request, session: SessionDep, f: FormatParam = None) -> Response:
    stmt = select(Region).where(Region.adcode == adcode)
    return render_one(session, request, queries.OUTPUT_WITH_GEOMETRY, stmt, f, ("region", "行政区"), adcode)
