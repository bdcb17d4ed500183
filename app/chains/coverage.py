"""Coverage of chain links in areas, and the gap class that follows from it; always computed
from the current rows, never stored.

An enterprise on a link also covers the link's ancestors (an enterprise making sintered NdFeB
magnets covers 稀土永磁材料 too), and counts once per link however many links of the subtree
it is on.
"""

from typing import Any

from sqlalchemy import ColumnElement, Select, Text, and_, any_, case, cast, func, literal, or_, select, true
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Subquery

from app.chains.areas import area_columns, key_literal
from app.chains.models import AreaKind, Chain, ChainLink, GapClass
from app.chains.queries import LINK_FIELDS
from app.chains.schemas import Thresholds
from app.core.listing import EMPTY_JSON_ARRAY, json_object
from app.core.settings import settings
from app.enterprises.models import Enterprise, EnterpriseLink, EnterpriseTag


def thresholds(q: Thresholds) -> tuple[int, float]:
    gaps = settings().gaps
    return (
        q.min_count if q.min_count is not None else gaps.min_count,
        q.min_revenue_yi if q.min_revenue_yi is not None else gaps.min_revenue_yi,
    )


def in_area(area: Subquery) -> ColumnElement[bool]:
    """The enterprise lies in the area: in one of its counties, or in one of its parks."""
    return or_(Enterprise.region_adcode == any_(area.c.counties), Enterprise.park_id == any_(area.c.parks))


def measured(pairs: Subquery, limits: tuple[int, float]) -> Select[Any]:
    """`pairs` (area columns and a link_id per row) with each pair's coverage and gap class."""
    on_link = aliased(ChainLink)  # the link an enterprise is on: in the subtree of the pair's link
    members = (
        select(
            pairs.c.area_kind,
            pairs.c.region_adcode,
            pairs.c.park_id,
            pairs.c.cluster_id,
            pairs.c.link_id,
            Enterprise.id.label("enterprise_id"),
            Enterprise.revenue_yi,
            Enterprise.is_demo,
            # A demo record never makes a link look led (issue 16); the loader gives none the tag either.
            and_(literal(EnterpriseTag.CHAIN_LEADER.value) == any_(Enterprise.tags), ~Enterprise.is_demo).label("leader"),
        )
        .join(on_link, pairs.c.link_id == any_(on_link.lineage))
        .join(EnterpriseLink, EnterpriseLink.link_id == on_link.id)
        .join(Enterprise, and_(Enterprise.id == EnterpriseLink.enterprise_id, Enterprise.is_local, in_area(pairs)))
        .distinct()
        .subquery("members")
    )
    keys = [members.c.area_kind, members.c.region_adcode, members.c.park_id, members.c.cluster_id, members.c.link_id]
    per_pair = (
        select(
            *keys,
            func.count().label("n"),
            func.coalesce(func.sum(members.c.revenue_yi), 0).label("revenue"),
            func.bool_or(members.c.leader).label("leader"),
            func.count().filter(members.c.is_demo).label("demo_n"),
            func.coalesce(func.sum(members.c.revenue_yi).filter(members.c.is_demo), 0).label("demo_revenue"),
        )
        .group_by(*keys)
        .subquery("per_pair")
    )
    n = func.coalesce(per_pair.c.n, 0)
    revenue = func.coalesce(per_pair.c.revenue, 0)
    min_count, min_revenue = limits
    gap_class = case(
        (n == 0, GapClass.MISSING.value),
        (or_(n < min_count, revenue < min_revenue), GapClass.WEAK.value),
        else_=GapClass.COVERED.value,
    )
    same_pair = and_(
        per_pair.c.link_id == pairs.c.link_id,
        per_pair.c.area_kind == pairs.c.area_kind,
        *[per_pair.c[k].is_not_distinct_from(pairs.c[k]) for k in ("region_adcode", "park_id", "cluster_id")],
    )
    return select(
        pairs,
        n.label("enterprise_count"),
        revenue.label("revenue_yi"),
        func.coalesce(per_pair.c.leader, False).label("has_chain_leader"),
        # How much of the count and revenue is demo data: the page and exports say so.
        func.coalesce(per_pair.c.demo_n, 0).label("demo_enterprise_count"),
        func.coalesce(per_pair.c.demo_revenue, 0).label("demo_revenue_yi"),
        gap_class.label("gap_class"),
    ).outerjoin(per_pair, same_pair)


def chain_coverage(chain_id: int, kind: AreaKind, key: str, limits: tuple[int, float]) -> Select[Any]:
    """One JSON document: the chain's link tree in tree order, each link with its coverage in the area."""
    area = select(*area_columns(kind, key_literal(kind, key))).subquery("area")
    pairs = (
        select(area, ChainLink.id.label("link_id"))
        .select_from(area.join(ChainLink, true()))
        .where(ChainLink.chain_id == chain_id)
        .subquery("pairs")
    )
    m = measured(pairs, limits).subquery("coverage")
    link = {
        **LINK_FIELDS,
        "enterprise_count": m.c.enterprise_count,
        "revenue_yi": m.c.revenue_yi,
        "has_chain_leader": m.c.has_chain_leader,
        "demo_enterprise_count": m.c.demo_enterprise_count,
        "demo_revenue_yi": m.c.demo_revenue_yi,
        "gap_class": m.c.gap_class,
    }
    links = (
        select(func.coalesce(func.json_agg(aggregate_order_by(json_object(link), ChainLink.sort_key)), EMPTY_JSON_ARRAY))
        .select_from(m.join(ChainLink, ChainLink.id == m.c.link_id))
        .scalar_subquery()
    )
    summary = select(json_object({c.value: func.count().filter(m.c.gap_class == c.value) for c in GapClass})).scalar_subquery()
    min_count, min_revenue = limits
    return (
        select(
            cast(
                json_object(
                    {
                        "chain": {"id": Chain.id, "name": Chain.name},
                        "area": {
                            "kind": area.c.area_kind,
                            "region_adcode": area.c.region_adcode,
                            "park_id": area.c.park_id,
                            "cluster_id": area.c.cluster_id,
                            "name": area.c.area_name,
                        },
                        "thresholds": {"min_count": literal(min_count), "min_revenue_yi": literal(min_revenue)},
                        "summary": summary,
                        "links": links,
                    }
                ),
                Text,
            )
        )
        .select_from(Chain)
        .join(area, true())
        .where(Chain.id == chain_id)
    )
