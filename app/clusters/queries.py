"""Reads of clusters, built in SQL. A cluster's map geometry is the union of its cities."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select, text, true
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from app.clusters.models import Cluster, ClusterCity, ClusterPark, ClusterRevenue, cluster_visible
from app.clusters.schemas import ClusterQuery
from app.core.auth import Principal, expand_to_counties
from app.core.columns import ColumnExpr
from app.core.links import Linked
from app.core.listing import EMPTY_JSON_ARRAY, OutputSpec, bbox_filter, json_object
from app.core.provenance import provenance_fields
from app.parks.models import Park, park_visible
from app.regions.models import Region

WHAT = ("cluster", "产业集群")
# GeoAlchemy2's ST_AsGeoJSON treats a bare subquery argument as a table to turn into features;
# wrapping the union in ST_Multi outside the subquery keeps it an ordinary geometry value.
_area = func.ST_Multi(
    select(func.ST_Union(Region.geom))
    .join(ClusterCity, ClusterCity.adcode == Region.adcode)
    .where(ClusterCity.cluster_id == Cluster.id)
    .scalar_subquery()
)
_city_adcodes = (
    select(func.coalesce(func.array_agg(aggregate_order_by(ClusterCity.adcode, ClusterCity.adcode)), text("'{}'::varchar[]")))
    .where(ClusterCity.cluster_id == Cluster.id)
    .scalar_subquery()
)


def _park_ids(user: Principal | None = None) -> ColumnElement[Any]:
    """The cluster's parks' ids: all of them, or those `user` may see."""
    return (
        select(func.coalesce(func.array_agg(aggregate_order_by(Park.id, Park.id)), text("'{}'::int[]")))
        .select_from(ClusterPark)
        .join(Park, Park.id == ClusterPark.park_id)
        .where(ClusterPark.cluster_id == Cluster.id, true() if user is None else park_visible(user))
        .scalar_subquery()
    )


_CLUSTER_IDS = func.coalesce(func.array_agg(aggregate_order_by(Cluster.id, Cluster.id)), text("'{}'::int[]"))
_CLUSTER_REFS = func.coalesce(
    func.json_agg(aggregate_order_by(json_object({"id": Cluster.id, "name": Cluster.name}), Cluster.id)), EMPTY_JSON_ARRAY
)
Related = dict[str, Callable[[Principal], ColumnElement[Any]]]


def clusters_of(link_cluster_id: ColumnExpr[int], owner: ColumnElement[bool]) -> tuple[dict[str, Any], Related]:
    """The `cluster_ids` and `clusters` ({id, name}) fields of a record linked to clusters through
    a table (`link_cluster_id` its cluster column, `owner` picking the record's rows): as staff
    read them, and per caller for OutputSpec.related (only the clusters the caller may see)."""

    def over(aggregate: Any, user: Principal | None = None) -> ColumnElement[Any]:
        return (
            select(aggregate)
            .select_from(link_cluster_id.table)
            .join(Cluster, Cluster.id == link_cluster_id)
            .where(owner, true() if user is None else cluster_visible(user))
            .scalar_subquery()
        )

    fields = {"cluster_ids": over(_CLUSTER_IDS), "clusters": over(_CLUSTER_REFS)}
    return fields, {"cluster_ids": lambda user: over(_CLUSTER_IDS, user), "clusters": lambda user: over(_CLUSTER_REFS, user)}


_revenues = (
    select(
        func.coalesce(
            func.json_agg(
                aggregate_order_by(
                    json_object(
                        {"year": ClusterRevenue.year, "revenue_yi": ClusterRevenue.revenue_yi, "source": ClusterRevenue.source}
                    ),
                    ClusterRevenue.year,
                )
            ),
            EMPTY_JSON_ARRAY,
        )
    )
    .where(ClusterRevenue.cluster_id == Cluster.id)
    .scalar_subquery()
)

FIELDS: dict[str, Any] = {
    "id": Cluster.id,
    "name": Cluster.name,
    "tier": Cluster.tier,
    "lead_city_adcode": Cluster.lead_city_adcode,
    "city_adcodes": _city_adcodes,
    "park_ids": _park_ids(),
    "revenues": _revenues,
    "target_revenue_yi": Cluster.target_revenue_yi,
    "target_year": Cluster.target_year,
    "description": Cluster.description,
    **provenance_fields(Cluster),
}
OUTPUT = OutputSpec(
    id=Cluster.id,
    fields=FIELDS,
    geometry=_area,
    sortable={"id": Cluster.id, "name": Cluster.name, "tier": Cluster.tier, "updated_at": Cluster.updated_at},
    version=Cluster.row_version,
    related={"park_ids": _park_ids},
)


def visible(user: Principal) -> Select[Any]:
    return select(Cluster).where(cluster_visible(user))


def filtered(q: ClusterQuery, user: Principal) -> Select[Any]:
    stmt = visible(user)
    if q.tier:
        stmt = stmt.where(Cluster.tier == q.tier)
    if q.city:
        stmt = stmt.where(exists().where(ClusterCity.cluster_id == Cluster.id, ClusterCity.adcode == q.city))
    if q.park is not None:
        # A park the caller may not see is in no cluster for them.
        stmt = stmt.where(
            exists().where(
                ClusterPark.cluster_id == Cluster.id,
                ClusterPark.park_id == q.park,
                Park.id == ClusterPark.park_id,
                park_visible(user),
            )
        )
    if q.q:
        stmt = stmt.where(Cluster.name.icontains(q.q, autoescape=True))
    if q.published is not None:
        stmt = stmt.where(Cluster.published == q.published)
    if (bbox := q.bbox_tuple) is not None:
        stmt = stmt.where(bbox_filter(_area, bbox))
    return stmt


def linked_clusters(session: Session, ids: list[int], field: str) -> list[Linked]:
    """The clusters `ids` (unknown ones left to the write's own checks) with the counties of their
    cities: writing a cluster, or a link to it, needs all of them in scope (see service.scope_of)."""
    if not ids:
        return []
    rows = session.execute(
        select(
            Cluster.id,
            func.array_remove(func.array_cat(func.array_agg(ClusterCity.adcode), func.array_agg(Cluster.lead_city_adcode)), None),
        )
        .outerjoin(ClusterCity, ClusterCity.cluster_id == Cluster.id)
        .where(Cluster.id.in_(ids))
        .group_by(Cluster.id)
    ).all()
    cities = {cluster_id: sorted(set(found)) for cluster_id, found in rows}
    names = dict(
        session.execute(
            select(Region.adcode, Region.name).where(Region.adcode.in_({a for found in cities.values() for a in found}))
        )
        .tuples()
        .all()
    )
    return [
        Linked(
            field,
            WHAT,
            cluster_id,
            expand_to_counties(session, found),
            None,
            "、".join(f"{names[a]} {a}" for a in found) or "no city / 无设区市",
        )
        for cluster_id, found in sorted(cities.items())
    ]
