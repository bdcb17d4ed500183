"""The chain-gap layer: every link that is 缺 missing or 弱 weak in an area, by the data, together
with the gaps officers recorded by hand, each drawn where it should be filled and measured now.

Which areas: the one asked for; else, for each chain, the parks of its clusters (the province for
a chain with no cluster). Recorded gaps keep their own area, and are listed when it lies in the
one asked for.
"""

from typing import Any

from sqlalchemy import (
    Boolean,
    CompoundSelect,
    Date,
    DateTime,
    Integer,
    Select,
    String,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.types import TypeEngine

from app.chains.areas import KEY_COLUMN, area_columns, key_literal, province_columns
from app.chains.coverage import measured, thresholds
from app.chains.gap_records import same_list
from app.chains.models import AreaKind, Chain, ChainCluster, ChainGap, ChainLink, GapClass, Priority
from app.chains.schemas import GapQuery
from app.clusters.models import Cluster, cluster_visible
from app.core.auth import Principal
from app.core.codes import sql_rank
from app.core.columns import ColumnExpr
from app.core.listing import OutputSpec, bbox_filter
from app.parks.models import Park, park_visible
from app.regions.queries import within_region

# Columns of a recorded gap that a computed one lacks; typed nulls keep the union well-formed.
_RECORD: dict[str, tuple[ColumnExpr[Any], TypeEngine[Any] | type[TypeEngine[Any]]]] = {
    "gap_id": (ChainGap.id, Integer),
    "recorded_class": (ChainGap.gap_class, Text),
    "priority": (ChainGap.priority, Text),
    "reason": (ChainGap.reason, Text),
    "source": (ChainGap.source, Text),
    "as_of": (ChainGap.as_of, Date),
    "updated_at": (ChainGap.updated_at, DateTime(timezone=True)),
    "is_demo": (ChainGap.is_demo, Boolean),
}
_NO_RECORD = [cast(null(), t).label(k) for k, (_, t) in _RECORD.items()]


def _links(q: GapQuery) -> Any:
    conditions = []
    if q.chain is not None:
        conditions.append(ChainLink.chain_id == q.chain)
    if q.link is not None:
        conditions.append(ChainLink.id == q.link)
    return conditions


def _computed(q: GapQuery) -> Select[Any] | CompoundSelect[Any]:
    area = q.area()
    if area is not None:
        shape = select(*area_columns(area[0], key_literal(*area))).subquery("asked")
        return (
            select(shape, ChainLink.id.label("link_id"), *_NO_RECORD).select_from(shape.join(ChainLink, true())).where(*_links(q))
        )
    by_cluster = (
        select(*area_columns(AreaKind.CLUSTER, ChainCluster.cluster_id), ChainLink.id.label("link_id"), *_NO_RECORD)
        .join(ChainLink, ChainLink.chain_id == ChainCluster.chain_id)
        .where(*_links(q))
    )
    no_cluster = select(*province_columns(), ChainLink.id.label("link_id"), *_NO_RECORD).where(
        ~exists().where(ChainCluster.chain_id == ChainLink.chain_id), *_links(q)
    )
    return union_all(by_cluster, no_cluster)


def _recorded_in(q: GapQuery) -> list[Any]:
    """Recorded gaps whose own area lies in the area asked for."""
    if q.region is not None:
        parks = select(Park.id).where(within_region(Park.region_adcode, q.region))
        return [or_(within_region(ChainGap.region_adcode, q.region), ChainGap.park_id.in_(parks))]
    if q.park is not None:
        return [ChainGap.park_id == q.park]
    if q.cluster is not None:
        return [ChainGap.cluster_id == q.cluster]
    return []


def _recorded(q: GapQuery) -> CompoundSelect[Any]:
    extra = [ChainGap.priority == q.priority] if q.priority is not None else []
    parts = [
        select(
            *area_columns(kind, getattr(ChainGap, column)),
            ChainGap.link_id.label("link_id"),
            *[c.label(k) for k, (c, _) in _RECORD.items()],
        )
        .join(ChainLink, ChainLink.id == ChainGap.link_id)
        .where(getattr(ChainGap, column).is_not(None), *_links(q), *_recorded_in(q), *extra)
        for kind, column in KEY_COLUMN.items()
    ]
    return union_all(*parts)


def _pairs(q: GapQuery) -> Any:
    if q.kind == "recorded" or q.priority is not None:
        return _recorded(q).subquery("pairs")
    if q.kind == "computed":
        return _computed(q).subquery("pairs")
    return union_all(_computed(q), _recorded(q)).subquery("pairs")


def _recorded_for(m: Any) -> Any:
    return exists().where(
        ChainGap.link_id == m.c.link_id, *[getattr(ChainGap, k).is_not_distinct_from(m.c[k]) for k in KEY_COLUMN.values()]
    )


def layer(q: GapQuery) -> tuple[OutputSpec, Select[Any]]:
    """The output and the filtered SELECT of the gaps `q` asks for, for render_list."""
    m = measured(_pairs(q), thresholds(q)).subquery("gaps")
    recorded = m.c.gap_id.is_not(None)
    gap_class = func.coalesce(m.c.recorded_class, m.c.gap_class)
    key = func.coalesce(m.c.region_adcode, cast(m.c.park_id, String), cast(m.c.cluster_id, String))
    gap_key = case(
        (recorded, literal("recorded-") + cast(m.c.gap_id, String)),
        else_=literal("computed-") + cast(m.c.link_id, String) + "-" + m.c.area_kind + "-" + key,
    )
    fields: dict[str, Any] = {
        "id": gap_key,
        "kind": case((recorded, "recorded"), else_="computed"),
        "gap_id": m.c.gap_id,
        "chain_id": Chain.id,
        "chain_name": Chain.name,
        "link_id": m.c.link_id,
        "link_name": ChainLink.name,
        "position": ChainLink.position,
        "area_kind": m.c.area_kind,
        "region_adcode": m.c.region_adcode,
        "park_id": m.c.park_id,
        "cluster_id": m.c.cluster_id,
        "area_name": m.c.area_name,
        "gap_class": gap_class,
        # What the data says, also for a recorded gap: an officer sees when it has been filled.
        "data_class": m.c.gap_class,
        "enterprise_count": m.c.enterprise_count,
        "revenue_yi": m.c.revenue_yi,
        "has_chain_leader": m.c.has_chain_leader,
        "priority": m.c.priority,
        "reason": m.c.reason,
        "target_count": select(func.count()).where(same_list(m.c)).scalar_subquery(),
        "source": m.c.source,
        "as_of": m.c.as_of,
        "updated_at": m.c.updated_at,
        "is_demo": m.c.is_demo,
    }
    spec = OutputSpec(
        id=gap_key,
        fields=fields,
        geometry=m.c.geom,
        sortable={
            "id": gap_key,
            "gap_class": sql_rank(gap_class, GapClass),
            "enterprise_count": m.c.enterprise_count,
            "revenue_yi": m.c.revenue_yi,
            "priority": sql_rank(m.c.priority, Priority),
            "chain": Chain.id,
            "link": ChainLink.sort_key,
            "area_name": m.c.area_name,
        },
    )
    stmt = (
        select(m)
        .select_from(m.join(ChainLink, ChainLink.id == m.c.link_id).join(Chain, Chain.id == ChainLink.chain_id))
        # Computed gaps where nothing is short, and computed twins of recorded gaps, are left out.
        .where(or_(recorded, and_(m.c.gap_class != GapClass.COVERED.value, ~_recorded_for(m))))
    )
    if q.gap_class is not None:
        stmt = stmt.where(gap_class == q.gap_class.value)
    if (bbox := q.bbox_tuple) is not None:
        stmt = stmt.where(bbox_filter(m.c.geom, bbox))
    return spec, stmt


def visible_to(rows: Select[Any], user: Principal) -> Select[Any]:
    """The gaps of `rows` (the layer's SELECT) `user` may see: to a caller who may not see drafts
    (an API key given the gaps layer), none of a draft chain, park or cluster, whose name and
    place the gap would give away."""
    if user.sees_unpublished:
        return rows
    gap = rows.selected_columns
    return rows.where(
        Chain.published,
        or_(gap.park_id.is_(None), exists().where(Park.id == gap.park_id, park_visible(user))),
        or_(gap.cluster_id.is_(None), exists().where(Cluster.id == gap.cluster_id, cluster_visible(user))),
    )
