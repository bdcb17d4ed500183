"""One scope's brochure data, gathered in SQL into the typed model (model.py).

Each table is one statement that builds its rows as JSON in PostgreSQL, bounded by the
brochure settings. The public edition reads as the anonymous public does (published records
only, no contacts, no gap analysis, no target lists) whoever asks for it; the internal edition
reads as the staff member asking, and adds those.
"""

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter
from sqlalchemy import ColumnElement, Numeric, Select, Text, any_, case, cast, column, distinct, func, literal, or_, select, true
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by
from sqlalchemy.orm import Session, aliased

from app.carriers import queries as carrier_queries
from app.carriers.models import Carrier, CarrierKind, CarrierStatus
from app.chains.areas import PROVINCE_ADCODE
from app.chains.coverage import chain_coverage, thresholds
from app.chains.models import AreaKind, Chain, ChainGap, ChainLink, Priority
from app.chains.schemas import Thresholds
from app.clusters.models import Cluster, ClusterPark, ClusterRevenue, cluster_visible
from app.core.auth import ANONYMOUS, Principal
from app.core.codes import sql_rank
from app.core.listing import EMPTY_JSON_ARRAY, json_object
from app.core.settings import settings
from app.enterprises.models import Enterprise, EnterpriseLink, EnterpriseTag
from app.infrastructure.models import DistanceSubject, Facility, FacilityDistance, FacilityKind
from app.parks.models import Park, park_visible
from app.regions.models import Region
from app.regions.queries import descendants
from app.targets.models import Target

from .model import (
    Brochure,
    CarrierRow,
    Contact,
    DistanceRow,
    Edition,
    EnterpriseRow,
    Figure,
    GapRow,
    LandSort,
    Lang,
    LinkRow,
    ParkRow,
    PolicyRow,
    Scope,
    ServiceDesk,
    TargetRow,
)
from .scopes import Area, area, head, park_order

Row = TypeVar("Row", bound=BaseModel)
# Chains a brochure shows the links of: a county's enterprises may touch many; the first by name.
MAX_CHAINS = 6


def _rows(
    session: Session, row: type[Row], fields: Mapping[str, Any], stmt: Select[Any], order: list[Any], limit: int
) -> list[Row]:
    """The first `limit` rows of `stmt` in `order`, as `fields`, built as one JSON array in SQL."""
    inner = (
        stmt.with_only_columns(
            *(expr.label(name) for name, expr in fields.items()), func.row_number().over(order_by=order).label("n")
        )
        .order_by(*order)
        .limit(limit)
        .subquery("r")
    )
    doc = json_object({name: inner.c[name] for name in fields})
    text = session.execute(
        select(cast(func.coalesce(func.json_agg(aggregate_order_by(doc, inner.c.n)), EMPTY_JSON_ARRAY), Text))
    ).scalar_one()
    return TypeAdapter(list[row]).validate_json(text)  # type: ignore[valid-type]


def _provenance(model: Any) -> list[ColumnElement[Any]]:
    """What an aggregate over records of `model` cites: their source when they share one, the
    latest as-of date, and whether any is demo data."""
    return [
        case((func.count(distinct(model.source)) == 1, func.min(model.source))).label("source"),
        func.max(model.as_of).label("as_of"),
        func.coalesce(func.bool_or(model.is_demo), False).label("is_demo"),
    ]


def _available(a: Area, kinds: list[str]) -> Select[Any]:
    return carrier_queries.visible(a.user).where(
        Carrier.park_id.in_(a.parks), Carrier.kind.in_(kinds), Carrier.status == CarrierStatus.AVAILABLE.value
    )


def _figures(session: Session, a: Area, lang: Lang) -> list[Figure]:
    figures: list[Figure] = []

    def add(key: str, value: Any, unit: str | None, source: Any, as_of: Any, is_demo: Any, basis: str | None = None) -> None:
        if value not in (None, "", 0):
            figures.append(
                Figure(key=key, value=value, unit=unit, basis=basis, source=source, as_of=as_of, is_demo=bool(is_demo))
            )

    if a.scope is Scope.PARK:
        clusters = (
            select(func.string_agg(Cluster.name, "、" if lang is Lang.ZH else "; "))
            .join(ClusterPark, ClusterPark.cluster_id == Cluster.id)
            .where(ClusterPark.park_id == Park.id, cluster_visible(a.user))
            .scalar_subquery()
        )
        park = session.execute(
            select(
                Park.level,
                Park.type,
                Park.approval_date,
                Park.approved_area_ha,
                func.array_to_string(Park.leading_industries, "、"),
                clusters,
                Park.area_ha,
                Park.area_kind,
                Park.source,
                Park.as_of,
                Park.is_demo,
            ).where(Park.id.in_(a.parks))
        ).one()
        *values, area_ha, area_kind, source, as_of, is_demo = park
        for key, value, unit in zip(
            ("level", "type", "approval_date", "approved_area", "leading_industries", "clusters"),
            values,
            (None, None, None, "ha", None, None),
            strict=True,
        ):
            add(key, float(value) if key == "approved_area" and value is not None else value, unit, source, as_of, is_demo)
        # The other area figure, named by what it measures (规划面积, 用地面积 ...), never as 核准面积.
        add("area", float(area_ha) if area_ha is not None else None, "ha", source, as_of, is_demo, basis=area_kind)
    else:
        n, area_ha, *prov = session.execute(
            select(func.count(), func.sum(Park.approved_area_ha), *_provenance(Park)).where(Park.id.in_(a.parks))
        ).one()
        add("parks", n, None, *prov)
        add("approved_area_total", float(area_ha) if area_ha is not None else None, "ha", *prov)
    if a.scope is Scope.CLUSTER:
        _cluster_figures(session, a, add)
    n, *prov = session.execute(
        a.visible_enterprises().with_only_columns(func.count(), *_provenance(Enterprise)).order_by(None)
    ).one()
    add("enterprises", n, None, *prov)
    n, *prov = session.execute(
        a.visible_enterprises()
        .with_only_columns(func.count(), *_provenance(Enterprise))
        .where(literal(EnterpriseTag.HIGH_TECH.value) == any_(Enterprise.tags))
    ).one()
    add("high_tech", n, None, *prov)
    for kind, kinds in (("land", [CarrierKind.LAND.value]), ("factory", [CarrierKind.FACTORY.value, CarrierKind.OFFICE.value])):
        n, total, *prov = session.execute(
            _available(a, kinds).with_only_columns(func.count(), func.sum(Carrier.area_m2), *_provenance(Carrier))
        ).one()
        add(f"{kind}_available", n, None, *prov)
        if kind == "land":
            add("land_available_area", round(float(total or 0) * 15 / 10_000, 1), "mu", *prov)
        else:
            add("factory_available_area", round(float(total or 0)), "m2", *prov)
    return figures


def _cluster_figures(session: Session, a: Area, add: Any) -> None:
    cluster_id = int(a.key)
    target, year, source, as_of, is_demo = session.execute(
        select(Cluster.target_revenue_yi, Cluster.target_year, Cluster.source, Cluster.as_of, Cluster.is_demo).where(
            Cluster.id == cluster_id
        )
    ).one()
    if target is not None:
        add("target_revenue", f"{float(target):g}" + (f" ({year})" if year else ""), "yi", source, as_of, is_demo)
    latest = session.execute(
        select(ClusterRevenue.year, ClusterRevenue.revenue_yi, ClusterRevenue.source)
        .where(ClusterRevenue.cluster_id == cluster_id)
        .order_by(ClusterRevenue.year.desc())
        .limit(1)
    ).one_or_none()
    if latest is not None:
        add("revenue", f"{float(latest[1]):g} ({latest[0]})", "yi", latest[2] or source, None, is_demo)


def _parks(session: Session, a: Area) -> list[ParkRow]:
    region = select(Region.name).where(Region.adcode == Park.region_adcode).scalar_subquery()
    fields = {
        "id": Park.id,
        "name": Park.name,
        "level": Park.level,
        "type": Park.type,
        "region_name": region,
        "approved_area_ha": Park.approved_area_ha,
        "leading_industries": Park.leading_industries,
        "source": Park.source,
        "as_of": Park.as_of,
        "is_demo": Park.is_demo,
    }
    return _rows(session, ParkRow, fields, select(Park).where(Park.id.in_(a.parks)), park_order(), settings().brochures.max_parks)


_CARRIER_FIELDS = {
    name: getattr(Carrier, name)
    for name in (
        "id",
        "name",
        "kind",
        "status",
        "area_m2",
        "land_use",
        "plot_ratio_min",
        "plot_ratio_max",
        "price_wan_per_mu",
        "rent_yuan_m2_month",
        "sale_price_yuan_m2",
        "floors",
        "storey_height_m",
        "floor_load_t_m2",
        "is_standard_land",
        "investment_intensity_wan_per_mu",
        "tax_per_mu_wan",
        "energy_tce_per_wan",
        "source",
        "as_of",
        "is_demo",
    )
} | {
    "park_name": select(Park.name).where(Park.id == Carrier.park_id).scalar_subquery(),
    "area_mu": func.round(Carrier.area_m2 * 15 / 10_000, 2),
}


def _carriers(session: Session, a: Area, kinds: list[str], sort: LandSort) -> list[CarrierRow]:
    if sort is LandSort.PRICE:
        price = Carrier.price_wan_per_mu if kinds == [CarrierKind.LAND.value] else Carrier.rent_yuan_m2_month
        order = [price.asc().nulls_last(), Carrier.area_m2.desc(), Carrier.id]
    else:
        order = [Carrier.area_m2.desc(), Carrier.id]
    return _rows(session, CarrierRow, _CARRIER_FIELDS, _available(a, kinds), order, settings().brochures.max_rows)


def _public_links(session: Session, a: Area) -> list[LinkRow]:
    """Each link of the scope's chains with the visible local enterprises on it or below it."""
    on = aliased(ChainLink)
    count = (
        select(func.count(distinct(Enterprise.id)))
        .select_from(on)
        .join(EnterpriseLink, EnterpriseLink.link_id == on.id)
        .join(Enterprise, Enterprise.id == EnterpriseLink.enterprise_id)
        .where(
            ChainLink.id == any_(on.lineage),
            Enterprise.id.in_(a.visible_enterprises().with_only_columns(Enterprise.id)),
        )
        .scalar_subquery()
    )
    chains = a.chains.order_by(Chain.id).limit(MAX_CHAINS)
    fields = {
        "chain_id": ChainLink.chain_id,
        "chain_name": Chain.name,
        "name": ChainLink.name,
        "position": ChainLink.position,
        "depth": ChainLink.depth,
        "enterprises": count,
    }
    stmt = select(ChainLink).join(Chain, Chain.id == ChainLink.chain_id).where(ChainLink.chain_id.in_(chains))
    return _rows(session, LinkRow, fields, stmt, [ChainLink.chain_id, ChainLink.sort_key], 50 * MAX_CHAINS)


def _coverage_area(a: Area) -> tuple[AreaKind, str]:
    if a.scope is Scope.PARK:
        return AreaKind.PARK, a.key
    if a.scope is Scope.CLUSTER:
        return AreaKind.CLUSTER, a.key
    return AreaKind.REGION, PROVINCE_ADCODE if a.scope is Scope.CHAIN else a.key


def _internal_links(session: Session, a: Area) -> list[LinkRow]:
    """The staff's gap analysis of the scope's chains (chains/coverage.py), per link: how many
    local enterprises, and whether it is 缺, 弱 or covered under the deployment's thresholds."""
    limits = thresholds(Thresholds())
    kind, key = _coverage_area(a)
    rows: list[LinkRow] = []
    for chain_id in session.execute(a.chains.order_by(Chain.id).limit(MAX_CHAINS)).scalars():
        doc = json.loads(session.execute(chain_coverage(chain_id, kind, key, limits)).scalar_one())
        rows += [
            LinkRow(
                chain_id=chain_id,
                chain_name=doc["chain"]["name"],
                name=link["name"],
                position=link["position"],
                depth=link["depth"],
                enterprises=link["enterprise_count"],
                gap_class=link["gap_class"],
            )
            for link in doc["links"]
        ]
    return rows


def _enterprises(session: Session, a: Area) -> list[EnterpriseRow]:
    """The scope's recognised enterprises (链主, 小巨人 ...): chain leaders first."""
    park = select(Park.name).where(Park.id == Enterprise.park_id, park_visible(a.user)).scalar_subquery()
    fields = {
        "name": Enterprise.name,
        "park_name": park,
        "tags": Enterprise.tags,
        "source": Enterprise.source,
        "as_of": Enterprise.as_of,
        "is_demo": Enterprise.is_demo,
    }
    leader = literal(EnterpriseTag.CHAIN_LEADER.value) == any_(Enterprise.tags)
    stmt = a.visible_enterprises().where(func.cardinality(Enterprise.tags) > 0)
    order = [leader.desc(), func.cardinality(Enterprise.tags).desc(), Enterprise.name, Enterprise.id]
    return _rows(session, EnterpriseRow, fields, stmt, order, settings().brochures.max_rows)


def _listed(session: Session, a: Area, row: type[Row], listing: Any, keys: tuple[str, ...]) -> list[Row]:
    """The entries of a JSON list of the scope's parks (contacts, policies), with the park's name."""
    entry = func.jsonb_array_elements(listing).table_valued(column("value", JSONB)).render_derived("e")
    fields = {"park_name": Park.name} | {k: entry.c.value[k].astext for k in keys}
    stmt = select(Park).join(entry, true()).where(Park.id.in_(a.parks))
    return _rows(session, row, fields, stmt, park_order(), settings().brochures.max_rows)


def _contacts(session: Session, a: Area) -> list[Contact]:
    return _listed(session, a, Contact, Park.contacts, ("name", "role", "phone", "email"))


def _policies(session: Session, a: Area) -> list[PolicyRow]:
    return _listed(session, a, PolicyRow, Park.policies, ("title", "issuer", "issued_on", "summary", "url"))


def _distances(session: Session, a: Area) -> list[DistanceRow]:
    """Each park's nearest published facility of each kind (kept by the triggers of the
    infrastructure layer), parks in the brochure's order, kinds in the catalogue's."""
    fields = {
        "park_id": Park.id,
        "park_name": Park.name,
        "kind": FacilityDistance.kind,
        "facility": Facility.name,
        "km": func.round(cast(FacilityDistance.distance_m / 1000.0, Numeric), 1),
        "precision": Facility.location_precision,
        "source": Facility.source,
        "as_of": Facility.as_of,
        "is_demo": Facility.is_demo,
    }
    stmt = (
        select(FacilityDistance)
        .join(Park, Park.id == FacilityDistance.subject_id)
        .join(Facility, Facility.id == FacilityDistance.facility_id)
        .where(FacilityDistance.subject == DistanceSubject.PARK.value, Park.id.in_(a.parks), Facility.published)
    )
    order = [*park_order(), sql_rank(FacilityDistance.kind, FacilityKind)]
    return _rows(session, DistanceRow, fields, stmt, order, settings().brochures.max_parks * len(FacilityKind))


def _desks(session: Session, a: Area) -> list[ServiceDesk]:
    fields = {"park_name": Park.name, "hotline": Park.hotline, "website": Park.website, "address": Park.service_address}
    stmt = select(Park).where(
        Park.id.in_(a.parks), or_(Park.hotline.is_not(None), Park.website.is_not(None), Park.service_address.is_not(None))
    )
    return _rows(session, ServiceDesk, fields, stmt, park_order(), settings().brochures.max_parks)


def _in_scope(model: Any, a: Area) -> ColumnElement[bool]:
    """A gap's or a target's area lies in the scope."""
    if a.scope is Scope.CHAIN:
        return select(ChainLink.chain_id).where(ChainLink.id == model.link_id).scalar_subquery() == int(a.key)
    conditions = [model.park_id.in_(a.parks)]
    if a.scope in (Scope.COUNTY, Scope.CITY):
        conditions.append(model.region_adcode.in_(descendants(a.key)))
    if a.scope is Scope.CLUSTER:
        conditions.append(model.cluster_id == int(a.key))
    return or_(*conditions)


def _on_links(model: Any) -> tuple[Select[Any], Any, Any]:
    """Rows of `model` (a gap or a target) joined to their link and its chain."""
    link = aliased(ChainLink)
    chain = aliased(Chain)
    return select(model).join(link, link.id == model.link_id).join(chain, chain.id == link.chain_id), link, chain


def _gaps(session: Session, a: Area) -> list[GapRow]:
    stmt, link, chain = _on_links(ChainGap)
    fields = {
        "chain_name": chain.name,
        "link_name": link.name,
        "gap_class": ChainGap.gap_class,
        "priority": ChainGap.priority,
        "reason": ChainGap.reason,
        "source": ChainGap.source,
        "as_of": ChainGap.as_of,
        "is_demo": ChainGap.is_demo,
    }
    stmt = stmt.where(_in_scope(ChainGap, a))
    order = [sql_rank(ChainGap.priority.expression, Priority), chain.name, link.sort_key, ChainGap.id]
    return _rows(session, GapRow, fields, stmt, order, settings().brochures.max_rows)


def _targets(session: Session, a: Area) -> list[TargetRow]:
    stmt, link, chain = _on_links(Target)
    fields = {
        "enterprise": Enterprise.name,
        "chain_name": chain.name,
        "link_name": link.name,
        "stage": Target.stage,
        "priority": Target.priority,
        "owner": Target.owner,
        "next_action": Target.next_action,
    }
    stmt = stmt.join(Enterprise, Enterprise.id == Target.enterprise_id).where(
        or_(_in_scope(Target, a), Target.intended_park_id.in_(a.parks))
    )
    order = [sql_rank(Target.priority.expression, Priority), Target.stage_changed_at.desc(), Target.id]
    return _rows(session, TargetRow, fields, stmt, order, settings().brochures.max_rows)


def reader(edition: Edition, staff: Principal | None) -> Principal:
    """Whom a brochure reads as: the public edition as the public, whoever asks for it."""
    return staff if edition is Edition.INTERNAL and staff is not None else ANONYMOUS


def gather(
    session: Session, scope: Scope, key: str, edition: Edition, lang: Lang, sort: LandSort, staff: Principal | None = None
) -> Brochure:
    """The brochure of one scope. The internal edition needs `staff` (the router checks the role)."""
    user = reader(edition, staff)
    top = head(session, scope, key, user, lang.value)
    a = area(scope, key, user)
    internal = edition is Edition.INTERNAL
    return Brochure(
        scope=scope,
        key=key,
        edition=edition,
        name=top.name,
        subtitle=top.subtitle,
        profile=top.profile,
        head=top,
        figures=_figures(session, a, lang),
        parks=[] if scope is Scope.PARK else _parks(session, a),
        land=_carriers(session, a, [CarrierKind.LAND.value], sort),
        factories=_carriers(session, a, [CarrierKind.FACTORY.value, CarrierKind.OFFICE.value], sort),
        links=_internal_links(session, a) if internal else _public_links(session, a),
        enterprises=_enterprises(session, a),
        distances=_distances(session, a),
        desks=_desks(session, a),
        policies=_policies(session, a),
        contacts=_contacts(session, a) if internal else [],
        gaps=_gaps(session, a) if internal else [],
        targets=_targets(session, a) if internal else [],
    )
