"""Writes of enterprises: the county is derived from the point, never typed in."""

from typing import Any

from fastapi import Request
from geoalchemy2.shape import from_shape
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.chains.areas import province_scope
from app.chains.models import ChainLink
from app.core.crud import assign, other_holder
from app.core.errors import Conflict, InvalidInput
from app.core.links import Linked, Stored, changed
from app.enterprises.models import Enterprise, EnterpriseLink
from app.enterprises.schemas import EnterpriseIn
from app.geo.validate import sql_geometry
from app.parks.models import Park, linked_parks
from app.regions.models import Region
from app.targets.models import Target

_SCALARS = ("name", "uscc", "is_local", "park_id", "revenue_yi", "employees", "year", "source", "as_of", "is_demo", "published")


def county_at(session: Session, location: BaseGeometry) -> str | None:
    """The Jiangxi county containing the point (ST_Covers: a point on a border still belongs), or None."""
    point = sql_geometry(location)
    return session.execute(
        select(Region.adcode)
        .where(Region.level == "county", Region.geom.op("&&")(point), func.ST_Covers(Region.geom, point))
        .order_by(Region.adcode)
        .limit(1)
    ).scalar_one_or_none()


def _check(session: Session, data: EnterpriseIn, county: str | None) -> None:
    lon, lat = data.location.x, data.location.y
    if data.is_local and county is None:
        raise InvalidInput.one(
            "location",
            f"[{lon}, {lat}] is not in Jiangxi: a local enterprise lies in Jiangxi (an external one has is_local false)",
            f"[{lon}, {lat}] 不在江西省内：本地企业应位于江西省内（外地企业请将 is_local 设为 false）",
            [lon, lat],
        )
    if data.park_id is not None:
        park_city = session.execute(
            select(Region.parent_adcode).join(Park, Park.region_adcode == Region.adcode).where(Park.id == data.park_id)
        ).scalar_one_or_none()
        if park_city is None:
            raise InvalidInput.one("park_id", f"unknown park {data.park_id}", f"未知的园区 {data.park_id}")
        # Parks straddle county borders, not city ones: the city is what can be checked.
        own_city = session.execute(select(Region.parent_adcode).where(Region.adcode == county)).scalar_one()
        if own_city != park_city:
            raise InvalidInput.one(
                "park_id",
                f"park {data.park_id} is in city {park_city}, the location in {own_city}",
                f"园区 {data.park_id} 位于设区市 {park_city}，企业位置却在 {own_city}",
                [lon, lat],
            )
    known = set(session.execute(select(ChainLink.id).where(ChainLink.id.in_(data.link_ids))).scalars())
    if missing := [i for i in data.link_ids if i not in known]:
        raise InvalidInput.one("link_ids", f"unknown chain link ids {missing}", f"未知的产业链环节 id {missing}")


def save(session: Session, data: EnterpriseIn, enterprise: Enterprise | None = None) -> int:
    county = county_at(session, data.location)
    _check(session, data, county)
    if (taken := other_holder(session, select(Enterprise.id).where(Enterprise.uscc == data.uscc), enterprise)) is not None:
        raise Conflict(
            f"uscc: enterprise {taken} already has the code {data.uscc}", f"uscc：企业 {taken} 已使用统一社会信用代码 {data.uscc}"
        )
    enterprise = assign(session, enterprise or Enterprise(), data, _SCALARS)
    enterprise.tags = [t.value for t in data.tags]
    enterprise.location = from_shape(data.location, srid=4326)
    enterprise.region_adcode = county
    session.flush()
    session.execute(delete(EnterpriseLink).where(EnterpriseLink.enterprise_id == enterprise.id))
    if data.link_ids:
        session.execute(insert(EnterpriseLink), [{"enterprise_id": enterprise.id, "link_id": i} for i in data.link_ids])
    session.flush()
    return enterprise.id


WHAT = ("enterprise", "企业")


def scope_of(session: Session, fields: dict[str, Any]) -> tuple[set[str], int | None]:
    """A local enterprise is its county's (and park's); an external one, in no county, is the
    province's: writing it needs the whole province in scope."""
    location = fields["location"]
    point = location if isinstance(location, BaseGeometry) else shape(location)
    county = county_at(session, point)
    if not fields["is_local"] or county is None:
        return province_scope(session)
    return {county}, fields.get("park_id")


def links(session: Session, before: Stored | None, after: Stored) -> list[Linked]:
    """An enterprise put into or taken out of a park changes the park's enterprises (its coverage)."""
    return linked_parks(session, changed(before, after, "park_id"), "park_id")


def before_delete(session: Session, enterprise: Enterprise, request: Request) -> None:
    targets = session.execute(select(func.count()).where(Target.enterprise_id == enterprise.id)).scalar_one()
    if targets:
        raise Conflict(
            f"enterprise {enterprise.id} is on {targets} target lists: remove it from them first",
            f"企业 {enterprise.id} 在 {targets} 个招商目标中：请先移除",
        )
