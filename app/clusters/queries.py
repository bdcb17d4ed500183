"""Reads of clusters, built in SQL. A cluster's map geometry is the union of its cities."""

from typing import Any

from sqlalchemy import Select, exists, func, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app.clusters.models import Cluster, ClusterCity, ClusterPark, ClusterRevenue
from app.clusters.schemas import ClusterQuery
from app.core.auth import Principal
from app.core.listing import EMPTY_JSON_ARRAY, OutputSpec, bbox_filter, json_object
from app.core.provenance import provenance_fields
from app.parks.queries import published_or_own
from app.regions.models import Region

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
_park_ids = (
    select(func.coalesce(func.array_agg(aggregate_order_by(ClusterPark.park_id, ClusterPark.park_id)), text("'{}'::int[]")))
    .where(ClusterPark.cluster_id == Cluster.id)
    .scalar_subquery()
)
_revenues = (
    select(func.coalesce(
        func.json_agg(aggregate_order_by(
            json_object({"year": ClusterRevenue.year, "revenue_yi": ClusterRevenue.revenue_yi,
                         "source": ClusterRevenue.source}),
            ClusterRevenue.year,
        )),
        EMPTY_JSON_ARRAY,
    ))
    .where(ClusterRevenue.cluster_id == Cluster.id)
    .scalar_subquery()
)

FIELDS: dict[str, Any] = {
    "id": Cluster.id,
    "name": Cluster.name,
    "tier": Cluster.tier,
    "lead_city_adcode": Cluster.lead_city_adcode,
    "city_adcodes": _city_adcodes,
    "park_ids": _park_ids,
    "revenues": _revenues,
    "target_revenue_yi": Cluster.target_revenue_yi,
    "target_year": Cluster.target_year,
    "description": Cluster.description,
    **provenance_fields(Cluster),
}
OUTPUT = OutputSpec(
    id=Cluster.id, fields=FIELDS, geometry=_area,
    sortable={"id": Cluster.id, "name": Cluster.name, "tier": Cluster.tier, "updated_at": Cluster.updated_at},
    version=Cluster.row_version,
)


def visible(user: Principal) -> Select[Any]:
    # A cluster spans cities: a write key sees an unpublished one when one of its cities is in scope.
    scope_cities = select(Region.parent_adcode).where(Region.adcode.in_(user.write_counties))
    own = exists().where(ClusterCity.cluster_id == Cluster.id, ClusterCity.adcode.in_(scope_cities))
    return select(Cluster).where(published_or_own(user, Cluster.published, own))


def filtered(q: ClusterQuery, user: Principal) -> Select[Any]:
    stmt = visible(user)
    if q.tier:
        stmt = stmt.where(Cluster.tier == q.tier)
    if q.city:
        stmt = stmt.where(exists().where(ClusterCity.cluster_id == Cluster.id, ClusterCity.adcode == q.city))
    if q.park is not None:
        stmt = stmt.where(exists().where(ClusterPark.cluster_id == Cluster.id, ClusterPark.park_id == q.park))
    if q.q:
        stmt = stmt.where(Cluster.name.icontains(q.q, autoescape=True))
    if q.published is not None:
        stmt = stmt.where(Cluster.published == q.published)
    if (bbox := q.bbox_tuple) is not None:
        stmt = stmt.where(bbox_filter(_area, bbox))
    return stmt
