"""A brochure's scope as SQL: its own record (the head), the parks it covers and the area whose
local enterprises count in it, each as the reader may see them.

- park: the park itself; its enterprises are those in the park.
- county, city: the region's parks; its enterprises are those registered in its counties.
- cluster: the cluster's parks; its enterprises are those in them.
- chain: the parks of the chain's clusters and the parks hosting an enterprise on one of its
  links; its enterprises are the province's (a chain is drawn for all of Jiangxi).
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, null, or_, select, true, union
from sqlalchemy.orm import Session, aliased

from app.chains import queries as chain_queries
from app.chains.models import Chain, ChainCluster, ChainLink
from app.clusters.models import Cluster, ClusterPark, cluster_visible
from app.core.auth import Principal
from app.core.codes import sql_rank
from app.core.errors import NotFound
from app.enterprises import queries as enterprise_queries
from app.enterprises.models import Enterprise, EnterpriseLink
from app.parks.models import Park, ParkLevel, park_visible
from app.regions.models import Region
from app.regions.queries import descendants

from .model import Scope, Sourced
from .texts import code_label

_WHAT = {
    Scope.PARK: ("park", "园区"),
    Scope.COUNTY: ("county", "县（市、区）"),
    Scope.CITY: ("city", "设区市"),
    Scope.CLUSTER: ("cluster", "产业集群"),
    Scope.CHAIN: ("chain", "产业链"),
}


class Head(Sourced):
    """The scope's own record."""

    name: str = ""
    subtitle: str | None = None
    profile: str | None = None


@dataclass(frozen=True)
class Area:
    """The scope in SQL for one reader: `parks` selects the ids of its parks; `enterprises` is
    true of a visible local enterprise that counts in it."""

    scope: Scope
    key: str
    user: Principal
    parks: Select[Any]
    enterprises: ColumnElement[bool]
    chains: Select[Any]  # the ids of the chains the brochure shows

    def visible_enterprises(self) -> Select[Any]:
        return enterprise_queries.visible(self.user).where(Enterprise.is_local, self.enterprises)


def _region_head(session: Session, scope: Scope, adcode: str) -> Head:
    if not (len(adcode) == 6 and adcode.isdigit()):
        raise NotFound(*_WHAT[scope], adcode)
    parent = aliased(Region)
    row = session.execute(
        select(Region.name, parent.name, Region.source, Region.as_of, Region.is_demo)
        .outerjoin(parent, parent.adcode == Region.parent_adcode)
        .where(Region.adcode == adcode, Region.level == scope.value)
    ).one_or_none()
    if row is None:
        raise NotFound(*_WHAT[scope], adcode)
    name, parent_name, source, as_of, is_demo = row
    return Head(name=name, subtitle=parent_name, source=source, as_of=as_of, is_demo=is_demo)


def _int_key(scope: Scope, key: str) -> int:
    if not key.isdigit() or len(key) > 9:
        raise NotFound(*_WHAT[scope], key)
    return int(key)


def head(session: Session, scope: Scope, key: str, user: Principal, lang: str) -> Head:
    """The scope's own record as `user` may see it; 404 when there is none (or it is hidden)."""
    if scope in (Scope.COUNTY, Scope.CITY):
        return _region_head(session, scope, key)
    record_id = _int_key(scope, key)
    if scope is Scope.PARK:
        stmt: Select[Any] = (
            select(Park.name, Region.name, Park.profile, Park.source, Park.as_of, Park.is_demo)
            .join(Region, Region.adcode == Park.region_adcode)
            .where(Park.id == record_id, park_visible(user))
        )
    elif scope is Scope.CLUSTER:
        stmt = select(Cluster.name, Cluster.tier, Cluster.description, Cluster.source, Cluster.as_of, Cluster.is_demo).where(
            Cluster.id == record_id, cluster_visible(user)
        )
    else:
        visible = chain_queries.visible(user).subquery()
        stmt = select(visible.c.name, null(), visible.c.description, visible.c.source, visible.c.as_of, visible.c.is_demo).where(
            visible.c.id == record_id
        )
    row = session.execute(stmt).one_or_none()
    if row is None:
        raise NotFound(*_WHAT[scope], key)
    name, subtitle, profile, source, as_of, is_demo = row
    if scope is Scope.CLUSTER:
        subtitle = code_label("cluster_tier", subtitle, lang)
    return Head(name=name, subtitle=subtitle, profile=profile, source=source, as_of=as_of, is_demo=is_demo)


def area(scope: Scope, key: str, user: Principal) -> Area:
    """The parks and the enterprises of a scope whose head exists (see `head`)."""
    shown = park_visible(user)
    if scope is Scope.PARK:
        park_id = int(key)
        parks = select(Park.id).where(Park.id == park_id, shown)
        in_area: ColumnElement[bool] = Enterprise.park_id == park_id
    elif scope in (Scope.COUNTY, Scope.CITY):
        counties = descendants(key)
        parks = select(Park.id).where(Park.region_adcode.in_(counties), shown)
        in_area = Enterprise.region_adcode.in_(counties)
    elif scope is Scope.CLUSTER:
        members = select(ClusterPark.park_id).where(ClusterPark.cluster_id == int(key))
        parks = select(Park.id).where(Park.id.in_(members), shown)
        in_area = Enterprise.park_id.in_(members)
    else:
        chain_id = int(key)
        of_clusters = select(ClusterPark.park_id).join(ChainCluster, ChainCluster.cluster_id == ClusterPark.cluster_id)
        on_links = (
            enterprise_queries.visible(user)
            .with_only_columns(Enterprise.park_id)
            .join(EnterpriseLink, EnterpriseLink.enterprise_id == Enterprise.id)
            .join(ChainLink, and_(ChainLink.id == EnterpriseLink.link_id, ChainLink.chain_id == chain_id))
            .where(Enterprise.park_id.is_not(None))
        )
        hosts: CompoundSelect[Any] = union(of_clusters.where(ChainCluster.chain_id == chain_id), on_links)
        parks = select(Park.id).where(Park.id.in_(hosts), shown)
        in_area = true()
    return Area(scope, key, user, parks, in_area, _chains(scope, key, parks, in_area, user))


def _chains(scope: Scope, key: str, parks: Select[Any], in_area: ColumnElement[bool], user: Principal) -> Select[Any]:
    visible = chain_queries.visible(user).with_only_columns(Chain.id)
    if scope is Scope.CHAIN:
        return visible.where(Chain.id == int(key))
    of_clusters = select(ChainCluster.chain_id).join(ClusterPark, ClusterPark.cluster_id == ChainCluster.cluster_id)
    if scope is Scope.CLUSTER:
        of_clusters = select(ChainCluster.chain_id).where(ChainCluster.cluster_id == int(key))
    else:
        of_clusters = of_clusters.where(ClusterPark.park_id.in_(parks))
    worked = (
        select(ChainLink.chain_id)
        .join(EnterpriseLink, EnterpriseLink.link_id == ChainLink.id)
        .join(Enterprise, Enterprise.id == EnterpriseLink.enterprise_id)
        .where(Enterprise.id.in_(enterprise_queries.visible(user).with_only_columns(Enterprise.id)), Enterprise.is_local, in_area)
    )
    return visible.where(or_(Chain.id.in_(of_clusters), Chain.id.in_(worked)))


def park_order() -> list[ColumnElement[Any]]:
    """National parks first, then the largest."""
    return [sql_rank(Park.level.expression, ParkLevel), Park.approved_area_ha.desc().nulls_last(), Park.id.expression]
