"""Writes of parks: one request, one transaction (the session's), nothing half-written."""

from typing import Any

import shapely
from geoalchemy2.shape import from_shape
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.carriers.features import refresh_carrier_features
from app.carriers.models import Carrier
from app.clusters.models import Cluster, ClusterPark
from app.clusters.queries import linked_clusters
from app.core.crud import assign
from app.core.errors import Conflict, InvalidInput
from app.core.links import Linked, Stored, changed
from app.core.romanise import acronym, place_specific, romanised, search_key
from app.geo.validate import sql_geometry
from app.parks.models import CooperationPark, Park, ParkCounty, ParkKind
from app.parks.schemas import ParkIn
from app.regions.models import Region
from app.regions.queries import require_region

# How far a representative point may lie outside its stated county: generous enough for
# boundaries simplified for display and parks on a border, tight enough to catch a wrong county.
REGION_TOLERANCE_M = 2000

_SCALARS = (
    "name",
    "short_name",
    "level",
    "type",
    "region_adcode",
    "approval_date",
    "approved_area_ha",
    "area_ha",
    "area_kind",
    "name_en",
    "address",
    "hotline",
    "website",
    "parent_id",
    "leading_industries",
    "location_precision",
    "point_basis",
    "source_url",
    "source_kind",
    "evidence",
    "profile",
    "hotline",
    "website",
    "service_address",
    "chemical_status",
    "chemical_status_date",
    "source",
    "as_of",
    "is_demo",
    "published",
)


def _check_parent(session: Session, data: ParkIn, park: Park | None) -> None:
    """A park is part of at most one other park, one level deep: a part has no parts of its own."""
    if data.parent_id is None:
        return
    parent = session.get(Park, data.parent_id)
    if parent is None:
        raise InvalidInput.one("parent_id", f"unknown park id {data.parent_id}", f"未知的园区 id {data.parent_id}")
    if park is not None and park.id == data.parent_id:
        raise InvalidInput.one("parent_id", "a park cannot be part of itself", "园区不能以自身为上级园区")
    if parent.parent_id is not None:
        raise InvalidInput.one(
            "parent_id",
            f"park {parent.id} is itself part of park {parent.parent_id}: parts go one level deep",
            f"园区 {parent.id} 本身是园区 {parent.parent_id} 的下属园区：只允许一级隶属",
        )
    if park is not None and session.execute(select(func.count()).where(Park.parent_id == park.id)).scalar_one():
        raise InvalidInput.one(
            "parent_id",
            f"park {park.id} has parts of its own and cannot be part of another park",
            f"园区 {park.id} 有下属园区，不能再隶属其他园区",
        )


def _check_references(session: Session, data: ParkIn) -> None:
    require_region(session, data.region_adcode, "region_adcode", level="county")
    for adcode in data.county_adcodes:
        require_region(session, adcode, "county_adcodes", level="county")
    point = sql_geometry(data.location)
    inside = session.execute(
        select(func.ST_DWithin(func.geography(Region.geom), func.geography(point), REGION_TOLERANCE_M)).where(
            Region.adcode == data.region_adcode
        )
    ).scalar_one()
    if not inside:
        lon, lat = data.location.x, data.location.y
        raise InvalidInput.one(
            "location",
            f"[{lon}, {lat}] is not in region {data.region_adcode}",
            f"[{lon}, {lat}] 不在行政区 {data.region_adcode} 内",
            [lon, lat],
        )
    if data.cluster_ids:
        known = set(session.execute(select(Cluster.id).where(Cluster.id.in_(data.cluster_ids))).scalars())
        missing = sorted(set(data.cluster_ids) - known)
        if missing:
            raise InvalidInput.one("cluster_ids", f"unknown cluster ids {missing}", f"未知的产业集群 id {missing}")


def _name_forms(session: Session, park: Park) -> None:
    """The pinyin of the name, kept whole at region names (南昌, 赣州), and the search key: the
    names, their pinyin, the official English name and the abbreviation of the park's kind (etdz)."""
    with session.no_autoflush:  # the park being saved may not be complete yet
        regions = session.execute(select(Region.name)).scalars().all()
    park.name_pinyin = romanised(park.name, [*regions, *map(place_specific, regions)])
    park.search_key = search_key(
        [park.name, park.short_name], [park.name_en], [acronym(e) for e in (park.name_en, ParkKind.of(park.kind).en) if e]
    )


def save(session: Session, data: ParkIn, park: Park | None = None) -> int:
    """Create (park=None) or overwrite a park with `data`; returns its id."""
    _check_references(session, data)
    _check_parent(session, data, park)
    park = assign(session, park or Park(), data, _SCALARS)
    park.kind = data.effective_kind
    _name_forms(session, park)
    park.location = from_shape(data.location, srid=4326)
    boundary = data.boundary
    if boundary is not None and boundary.geom_type == "Polygon":
        boundary = shapely.MultiPolygon([boundary])
    park.boundary = from_shape(boundary, srid=4326) if boundary is not None else None
    park.contacts = [c.model_dump(exclude_none=True) for c in data.contacts]
    park.policies = [p.model_dump(mode="json", exclude_none=True) for p in data.policies]
    session.flush()
    session.execute(delete(ClusterPark).where(ClusterPark.park_id == park.id))
    if data.cluster_ids:
        session.execute(insert(ClusterPark), [{"park_id": park.id, "cluster_id": c} for c in set(data.cluster_ids)])
    session.execute(delete(ParkCounty).where(ParkCounty.park_id == park.id))
    session.execute(insert(ParkCounty), [{"park_id": park.id, "adcode": a} for a in data.counties])
    session.execute(delete(CooperationPark).where(CooperationPark.park_id == park.id))
    if (coop := data.cooperation) is not None:
        session.add(
            CooperationPark(
                park_id=park.id,
                partner_region=coop.partner_region,
                partner_name=coop.partner_name,
                partner_location=from_shape(coop.partner_location, srid=4326),
                model=coop.model,
                signed_date=coop.signed_date,
                source=coop.source,
            )
        )
    session.flush()
    # The park's name is a property of its carriers' stored Features.
    refresh_carrier_features(session, Carrier.park_id == park.id)
    return park.id


def scope_of(session: Session, fields: dict[str, Any]) -> tuple[set[str], int | None]:
    # A park spanning counties is written only by those whose scope covers all of them.
    return {fields["region_adcode"], *(fields.get("county_adcodes") or [])}, fields.get("id")


def links(session: Session, before: Stored | None, after: Stored) -> list[Linked]:
    """A park joining or leaving a cluster changes the cluster's parks."""
    return linked_clusters(session, changed(before, after, "cluster_ids"), "cluster_ids")


def before_delete(session: Session, park: Park, cascade: bool) -> None:
    """A park with carriers goes only with cascade (?cascade=true), which deletes them too."""
    parts = session.execute(select(func.count()).where(Park.parent_id == park.id)).scalar_one()
    if parts:
        raise Conflict(
            f"park {park.id} has {parts} parts (sub-parks): delete them or move them to another park first",
            f"园区 {park.id} 下还有 {parts} 个下属园区：请先删除或改隶属",
        )
    carriers = session.execute(select(func.count()).where(Carrier.park_id == park.id)).scalar_one()
    if carriers and not cascade:
        raise Conflict(
            f"park {park.id} has {carriers} carriers: delete them first or pass cascade=true",
            f"园区 {park.id} 下还有 {carriers} 个载体：请先删除，或使用 cascade=true",
        )
