"""Reads of chains and their link trees, built in SQL."""

from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import Select, cast, exists, func, null, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app.chains.models import Chain, ChainCluster, ChainLink
from app.chains.schemas import ChainQuery
from app.clusters.models import Cluster, cluster_visible
from app.clusters.queries import clusters_of
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
    "industry_classes": ChainLink.industry_classes,
    "keywords": ChainLink.keywords,
    "description": ChainLink.description,
    "source": ChainLink.source,
}
LINK_OUTPUT = OutputSpec(
    id=ChainLink.id,
    fields=LINK_FIELDS,
    geometry=cast(null(), Geometry),
    sortable={"id": ChainLink.id},
    version=ChainLink.row_version,
)

# The tree as a flat list in tree order (upstream first, each parent before its children):
# the client nests it by parent_id without sorting anything.
_links = (
    select(func.coalesce(func.json_agg(aggregate_order_by(json_object(LINK_FIELDS), ChainLink.sort_key)), EMPTY_JSON_ARRAY))
    .where(ChainLink.chain_id == Chain.id)
    .scalar_subquery()
)
_CLUSTER_FIELDS, _CLUSTER_RELATED = clusters_of(ChainCluster.cluster_id, ChainCluster.chain_id == Chain.id)
FIELDS: dict[str, Any] = {
    "id": Chain.id,
    "name": Chain.name,
    "description": Chain.description,
    **_CLUSTER_FIELDS,
    "links": _links,
    **provenance_fields(Chain),
}
# A chain has no place of its own: its features carry a null geometry (RFC 7946 §3.2 allows it).
OUTPUT = OutputSpec(
    id=Chain.id,
    fields=FIELDS,
    geometry=cast(null(), Geometry),
    sortable={"id": Chain.id, "name": Chain.name, "updated_at": Chain.updated_at},
    version=Chain.row_version,
    related=_CLUSTER_RELATED,
)


def visible(user: Principal) -> Select[Any]:
    stmt = select(Chain)
    return stmt if user.sees_unpublished else stmt.where(Chain.published)


def filtered(q: ChainQuery, user: Principal) -> Select[Any]:
    stmt = visible(user)
    if q.cluster is not None:
        stmt = stmt.where(
            exists().where(
                ChainCluster.chain_id == Chain.id,
                ChainCluster.cluster_id == q.cluster,
                Cluster.id == ChainCluster.cluster_id,
                cluster_visible(user),
            )
        )
    if q.q:
        stmt = stmt.where(Chain.name.icontains(q.q, autoescape=True))
    if q.published is not None:
        stmt = stmt.where(Chain.published == q.published)
    return stmt
