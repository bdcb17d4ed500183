"""Reads of chains and their link trees, built in SQL."""

from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import Select, cast, exists, func, null, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app.chains.models import Chain, ChainCluster, ChainLink
from app.chains.schemas import ChainQuery
from app.clusters.models import Cluster
from app.core.auth import Principal
from app.core.listing import EMPTY_JSON_ARRAY, OutputSpec, json_object
from app.core.provenance import provenance_fields

LINK_FIELDS: dict[str, Any] = {
    "id": ChainLink.id,
    "chain_id": ChainLink.chain_id,
    "parent_id": ChainLink.parent_id,
    "name": ChainLink.name,
    "position": ChainLink.position,
    "order": ChainLink.ord,
    "depth": ChainLink.depth,
    "industry_codes": ChainLink.industry_codes,
    "keywords": ChainLink.keywords,
    "description": ChainLink.description,
    "source": ChainLink.source,
}
LINK_OUTPUT = OutputSpec(id=ChainLink.id, fields=LINK_FIELDS, geometry=cast(null(), Geometry),
                         sortable={"id": ChainLink.id}, version=ChainLink.row_version)

# The tree as a flat list in tree order (upstream first, each parent before its children):
# the client nests it by parent_id without sorting anything.
_links = (
    select(func.coalesce(func.json_agg(aggregate_order_by(json_object(LINK_FIELDS), ChainLink.sort_key)), EMPTY_JSON_ARRAY))
    .where(ChainLink.chain_id == Chain.id)
    .scalar_subquery()
)
_cluster_ids = (
    select(func.coalesce(func.array_agg(aggregate_order_by(ChainCluster.cluster_id, ChainCluster.cluster_id)),
                         text("'{}'::int[]")))
    .where(ChainCluster.chain_id == Chain.id)
    .scalar_subquery()
)
_clusters = (
    select(func.coalesce(func.json_agg(aggregate_order_by(json_object({"id": Cluster.id, "name": Cluster.name}), Cluster.id)),
                         EMPTY_JSON_ARRAY))
    .join(ChainCluster, ChainCluster.cluster_id == Cluster.id)
    .where(ChainCluster.chain_id == Chain.id)
    .scalar_subquery()
)

FIELDS: dict[str, Any] = {
    "id": Chain.id,
    "name": Chain.name,
    "description": Chain.description,
    "cluster_ids": _cluster_ids,
    "clusters": _clusters,
    "links": _links,
    **provenance_fields(Chain),
}
# A chain has no place of its own: its features carry a null geometry (RFC 7946 §3.2 allows it).
OUTPUT = OutputSpec(id=Chain.id, fields=FIELDS, geometry=cast(null(), Geometry),
                    sortable={"id": Chain.id, "name": Chain.name, "updated_at": Chain.updated_at}, version=Chain.row_version)


def visible(user: Principal) -> Select[Any]:
    stmt = select(Chain)
    return stmt if user.sees_unpublished else stmt.where(Chain.published)


def filtered(q: ChainQuery, user: Principal) -> Select[Any]:
    stmt = visible(user)
    if q.cluster is not None:
        stmt = stmt.where(exists().where(ChainCluster.chain_id == Chain.id, ChainCluster.cluster_id == q.cluster))
    if q.q:
        stmt = stmt.where(Chain.name.icontains(q.q, autoescape=True))
    if q.published is not None:
        stmt = stmt.where(Chain.published == q.published)
    return stmt
