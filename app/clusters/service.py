"""Writes of clusters with their cities, parks and yearly revenue, in one transaction."""

from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.clusters.models import Cluster, ClusterCity, ClusterFigure, ClusterListEntry, ClusterPark, ClusterRevenue
from app.clusters.schemas import ClusterIn, Figure, ListEntry
from app.core.auth import expand_to_counties
from app.core.crud import assign
from app.core.errors import InvalidInput
from app.core.links import Linked, Stored, changed
from app.parks.models import Park, linked_parks
from app.regions.models import Region

_SCALARS = (
    "name",
    "tier",
    "lead_city_adcode",
    "target_revenue_yi",
    "target_year",
    "description",
    "cross_provincial",
    "source",
    "as_of",
    "is_demo",
    "published",
)


def _check_references(session: Session, data: ClusterIn) -> None:
    cities = set(data.city_adcodes) | ({data.lead_city_adcode} if data.lead_city_adcode else set())
    known = set(session.execute(select(Region.adcode).where(Region.adcode.in_(cities), Region.level == "city")).scalars())
    if missing := sorted(cities - known):
        field = "lead_city_adcode" if missing == [data.lead_city_adcode] else "city_adcodes"
        raise InvalidInput.one(field, f"not city adcodes: {missing}", f"不是设区市行政区划代码：{missing}")
    parks = set(session.execute(select(Park.id).where(Park.id.in_(data.park_ids))).scalars())
    if missing_parks := sorted(set(data.park_ids) - parks):
        raise InvalidInput.one("park_ids", f"unknown park ids {missing_parks}", f"未知的园区 id {missing_parks}")
    years = [r.year for r in data.revenues]
    if len(years) != len(set(years)):
        raise InvalidInput.one("revenues", "a year appears twice", "同一年份出现了两次")


def save(session: Session, data: ClusterIn, cluster: Cluster | None = None) -> int:
    _check_references(session, data)
    cluster = assign(session, cluster or Cluster(), data, _SCALARS)
    session.flush()
    for table in (ClusterCity, ClusterPark, ClusterRevenue):
        session.execute(delete(table).where(table.cluster_id == cluster.id))
    if data.city_adcodes:
        session.execute(insert(ClusterCity), [{"cluster_id": cluster.id, "adcode": a} for a in set(data.city_adcodes)])
    if data.park_ids:
        session.execute(insert(ClusterPark), [{"cluster_id": cluster.id, "park_id": p} for p in set(data.park_ids)])
    if data.revenues:
        session.execute(insert(ClusterRevenue), [{"cluster_id": cluster.id, **r.model_dump()} for r in data.revenues])
    session.flush()
    return cluster.id


def save_lists(session: Session, cluster_id: int, entries: list[ListEntry], figures: list[Figure]) -> None:
    """Replace the cluster's official list entries and its sourced figures (the reference load's)."""
    for table in (ClusterListEntry, ClusterFigure):
        session.execute(delete(table).where(table.cluster_id == cluster_id))
    if entries:
        session.execute(insert(ClusterListEntry), [{"cluster_id": cluster_id, **e.model_dump()} for e in entries])
    if figures:
        session.execute(insert(ClusterFigure), [{"cluster_id": cluster_id, **f.model_dump()} for f in figures])


def links(session: Session, before: Stored | None, after: Stored) -> list[Linked]:
    """A park added to or removed from a cluster changes the park's clusters."""
    return linked_parks(session, changed(before, after, "park_ids"), "park_ids")


def scope_of(session: Session, fields: dict[str, Any]) -> tuple[set[str], int | None]:
    """A cluster is as wide as its cities: writing it needs all their counties in scope."""
    cities = list(fields.get("city_adcodes") or []) + ([fields["lead_city_adcode"]] if fields.get("lead_city_adcode") else [])
    return set(expand_to_counties(session, cities)), None
