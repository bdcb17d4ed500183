"""Reads of parks, built in SQL."""

from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select, true
from sqlalchemy.dialects.postgresql import aggregate_order_by, array
from sqlalchemy.orm import aliased

from app.carriers.models import Carrier
from app.clusters.models import Cluster, ClusterPark, cluster_visible
from app.clusters.queries import clusters_of
from app.core.auth import Principal
from app.core.listing import (
    EMPTY_JSON_ARRAY,
    OutputSpec,
    bbox_filter,
    geojson,
    json_object,
)
from app.core.provenance import provenance_fields, published_or_own
from app.core.romanise import key_holds
from app.infrastructure.models import DistanceSubject
from app.infrastructure.queries import distance_conditions, distances
from app.parks.models import CooperationPark, Park, ParkCounty, park_visible
from app.parks.schemas import ParkQuery
from app.regions.models import Region
from app.regions.queries import within_region

_CLUSTER_FIELDS, _CLUSTER_RELATED = clusters_of(ClusterPark.cluster_id, ClusterPark.park_id == Park.id)
_cooperation = (
    select(
        json_object(
            {
                "partner_region": CooperationPark.partner_region,
                "partner_name": CooperationPark.partner_name,
                "partner_location": geojson(CooperationPark.partner_location),
                "model": CooperationPark.model,
                "signed_date": CooperationPark.signed_date,
                "source": CooperationPark.source,
            }
        )
    )
    .where(CooperationPark.park_id == Park.id)
    .scalar_subquery()
)
_region_name = select(Region.name).where(Region.adcode == Park.region_adcode).scalar_subquery()
_region_name_en = select(Region.name_en).where(Region.adcode == Park.region_adcode).scalar_subquery()
_city_adcode = select(Region.parent_adcode).where(Region.adcode == Park.region_adcode).scalar_subquery()


_county_adcodes = (
    select(
        func.coalesce(
            func.array_agg(aggregate_order_by(ParkCounty.adcode, ParkCounty.adcode != Park.region_adcode, ParkCounty.adcode)),
            array([Park.region_adcode]),
        )
    )
    .where(ParkCounty.park_id == Park.id)
    .scalar_subquery()
)
_other = aliased(Park)


def _parent(user: Principal | None = None) -> ColumnElement[Any]:
    """The park this one is part of ({id, name}), if the reader may see it."""
    return (
        select(json_object({"id": _other.id, "name": _other.name}))
        .where(_other.id == Park.parent_id, true() if user is None else _visible_other(user))
        .scalar_subquery()
    )


def _parts(user: Principal | None = None) -> ColumnElement[Any]:
    """The parks that are part of this one ({id, name}), those the reader may see."""
    return (
        select(
            func.coalesce(
                func.json_agg(aggregate_order_by(json_object({"id": _other.id, "name": _other.name}), _other.id)),
                EMPTY_JSON_ARRAY,
            )
        )
        .where(_other.parent_id == Park.id, true() if user is None else _visible_other(user))
        .scalar_subquery()
    )


def _visible_other(user: Principal) -> ColumnElement[bool]:
    return published_or_own(user, _other.published, _other.region_adcode.in_(user.write_counties), _other.is_demo)


def _available(kind: str, demo_only: bool = False) -> ColumnElement[Any]:
    return (
        select(func.count())
        .where(
            Carrier.park_id == Park.id,
            Carrier.kind == kind,
            Carrier.status == "available",
            Carrier.published,
            Carrier.is_demo if demo_only else true(),
        )
        .scalar_subquery()
    )


FIELDS: dict[str, Any] = {
    "id": Park.id,
    "name": Park.name,
    "short_name": Park.short_name,
    "level": Park.level,
    "type": Park.type,
    "kind": Park.kind,
    "parent_id": Park.parent_id,
    "parent": _parent(),
    "parts": _parts(),
    "region_adcode": Park.region_adcode,
    "county_adcodes": _county_adcodes,
    "region_name": _region_name,
    "region_name_en": _region_name_en,
    "city_adcode": _city_adcode,
    "approval_date": Park.approval_date,
    "approved_area_ha": Park.approved_area_ha,
    "area_ha": Park.area_ha,
    "area_kind": Park.area_kind,
    "name_en": Park.name_en,
    "name_pinyin": Park.name_pinyin,
    "address": Park.address,
    "leading_industries": Park.leading_industries,
    **_CLUSTER_FIELDS,
    "location": geojson(Park.location),
    "location_precision": Park.location_precision,
    "point_basis": Park.point_basis,
    "boundary": geojson(Park.boundary),
    "cooperation": _cooperation,
    "contacts": Park.contacts,
    "profile": Park.profile,
    "hotline": Park.hotline,
    "website": Park.website,
    "service_address": Park.service_address,
    "policies": Park.policies,
    "chemical_status": Park.chemical_status,
    "chemical_status_date": Park.chemical_status_date,
    "source_url": Park.source_url,
    "source_kind": Park.source_kind,
    "evidence": Park.evidence,
    "distances": distances(DistanceSubject.PARK, Park.id),
    **provenance_fields(Park),
}
SORTABLE = {
    "id": Park.id,
    "name": Park.name,
    "level": Park.level,
    "type": Park.type,
    "approved_area_ha": Park.approved_area_ha,
    "area_ha": Park.area_ha,
    "kind": Park.kind,
    "approval_date": Park.approval_date,
    "updated_at": Park.updated_at,
}

_RELATED = {**_CLUSTER_RELATED, "parent": _parent, "parts": _parts}
# A park feature's geometry is its representative point; the outline and the distances (an
# object GIS clients do not type) stay in the JSON form.
_FEATURE_FIELDS = {k: v for k, v in FIELDS.items() if k not in ("location", "boundary", "distances")}
# Contact people are officers: their phones are not for the public.
INTERNAL = frozenset({"contacts"})
OUTPUT = OutputSpec(
    id=Park.id,
    fields=FIELDS,
    geometry=Park.location,
    sortable=SORTABLE,
    feature_fields=_FEATURE_FIELDS,
    internal=INTERNAL,
    version=Park.row_version,
    related=_RELATED,
)
_KINDS = ("land", "factory", "office")
# A single park also says how many carriers are on offer: the detail drawer shows it.
OUTPUT_DETAIL = OutputSpec(
    id=Park.id,
    fields={
        **FIELDS,
        "available_carriers": {k: _available(k) for k in _KINDS},
        # A real park may show demo plots: the drawer says how many of them are demo (issue 16).
        "available_carriers_demo": {k: _available(k, demo_only=True) for k in _KINDS},
    },
    geometry=Park.location,
    sortable=SORTABLE,
    feature_fields=_FEATURE_FIELDS,
    internal=INTERNAL,
    version=Park.row_version,
    related=_RELATED,
)


def visible(user: Principal) -> Select[Any]:
    """The parks `user` may see at all."""
    return select(Park).where(park_visible(user))


def filtered(q: ParkQuery, user: Principal) -> Select[Any]:
    stmt = visible(user)
    if q.level:
        stmt = stmt.where(Park.level == q.level)
    if q.type:
        stmt = stmt.where(Park.type == q.type)
    if q.park_kind:
        stmt = stmt.where(Park.kind == q.park_kind)
    if q.parent is not None:
        stmt = stmt.where(Park.parent_id == q.parent)
    if q.top_level is not None:
        stmt = stmt.where(Park.parent_id.is_(None) if q.top_level else Park.parent_id.is_not(None))
    if q.region:
        # A park spanning counties is in every one of them.
        stmt = stmt.where(
            within_region(Park.region_adcode, q.region)
            | exists().where(ParkCounty.park_id == Park.id, within_region(ParkCounty.adcode, q.region))
        )
    if q.industry:
        stmt = stmt.where(func.array_to_string(Park.leading_industries, " ").icontains(q.industry, autoescape=True))
    if q.cluster is not None:
        # A cluster the caller may not see has no parks for them (its membership is a draft too).
        stmt = stmt.where(
            exists().where(
                ClusterPark.park_id == Park.id,
                ClusterPark.cluster_id == q.cluster,
                Cluster.id == ClusterPark.cluster_id,
                cluster_visible(user),
            )
        )
    if q.q:
        # Pinyin and English too (nanchang etdz): what the search box suggests, Enter lists.
        stmt = stmt.where(
            Park.name.icontains(q.q, autoescape=True)
            | Park.short_name.icontains(q.q, autoescape=True)
            | key_holds(Park.search_key, q.q)
        )
    if q.cooperation is not None:
        has = exists().where(CooperationPark.park_id == Park.id)
        stmt = stmt.where(has if q.cooperation else ~has)
    if q.published is not None:
        stmt = stmt.where(Park.published == q.published)
    if q.is_demo is not None:
        stmt = stmt.where(Park.is_demo == q.is_demo)
    if (bbox := q.bbox_tuple) is not None:
        stmt = stmt.where(bbox_filter(Park.location, bbox))
    return stmt.where(*distance_conditions(q, DistanceSubject.PARK, Park.id, Park.location))
