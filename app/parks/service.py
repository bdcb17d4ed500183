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
from app.geo.validate import sql_geometry
from app.parks.models import CooperationPark, Park
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
    "leading_industries",
    "location_precision",
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


def _check_references(session: Session, data: ParkIn) -> None:
    require_region(session, data.region_adcode, "region_adcode", level="county")
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


def save(session: Session, data: ParkIn, park: Park | None = None) -> int:
    """Create (park=None) or overwrite a park with `data`; returns its id."""
    _check_references(session, data)
    park = assign(session, park or Park(), data, _SCALARS)
    park.location = from_shape(data.location, srid=4326)
    boundary = data.boundary
    if boundary is not None and boundary.geom_type == "Polygon":
        boundary = shapely.MultiPolygon([boundary])
    park.boundary = from_shape(boundary, srid=4326) if boundary is not None else None
    park.contacts = [c.model_dump(exclude_none=True) for c in data.contacts]
    session.flush()
    session.execute(delete(ClusterPark).where(ClusterPark.park_id == park.id))
    if data.cluster_ids:
        session.execute(insert(ClusterPark), [{"park_id": park.id, "cluster_id": c} for c in set(data.cluster_ids)])
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
    return {fields["region_adcode"]}, fields.get("id")


def links(session: Session, before: Stored | None, after: Stored) -> list[Linked]:
    """A park joining or leaving a cluster changes the cluster's parks."""
    return linked_clusters(session, changed(before, after, "cluster_ids"), "cluster_ids")


def before_delete(session: Session, park: Park, cascade: bool) -> None:
    """A park with carriers goes only with cascade (?cascade=true), which deletes them too."""
    carriers = session.execute(select(func.count()).where(Carrier.park_id == park.id)).scalar_one()
    if carriers and not cascade:
        raise Conflict(
            f"park {park.id} has {carriers} carriers: delete them first or pass cascade=true",
            f"园区 {park.id} 下还有 {carriers} 个载体：请先删除，或使用 cascade=true",
        )
