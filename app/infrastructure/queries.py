"""Reads of facilities, and the distance / radius pieces the park and carrier reads are built with."""

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal, literal_column, select

from app.core.auth import Principal
from app.core.columns import ColumnExpr
from app.core.listing import OutputSpec, bbox_filter, geojson, json_object
from app.core.provenance import provenance_fields, published_or_own
from app.infrastructure.models import CarrierDistances, DistanceSubject, Facility, FacilityDistance, nearest_km
from app.infrastructure.schemas import DistanceFilters, FacilityQuery, Near
from app.regions.queries import within_region

FIELDS: dict[str, Any] = {
    "id": Facility.id,
    "kind": Facility.kind,
    "name": Facility.name,
    "code": Facility.code,
    "region_adcode": Facility.region_adcode,
    "location": geojson(Facility.location),
    "location_precision": Facility.location_precision,
    "details": Facility.details,
    "osm_id": Facility.osm_id,
    **provenance_fields(Facility),
}
OUTPUT = OutputSpec(
    id=Facility.id,
    fields=FIELDS,
    geometry=Facility.location,
    sortable={"id": Facility.id, "name": Facility.name, "kind": Facility.kind, "updated_at": Facility.updated_at},
    # GIS clients type scalar properties: the details object stays in the JSON form.
    feature_fields={k: v for k, v in FIELDS.items() if k not in ("location", "details")},
    version=Facility.row_version,
)
# Degrees of latitude per km are at least this (a degree of latitude is ≤ 111.7 km); a degree of
# longitude in Jiangxi is ≥ 95.9 km (30.6°N), so a box of km/95 degrees holds the whole circle.
_KM_PER_DEGREE_AT_LEAST = 95.0


def visible(user: Principal) -> Select[Any]:
    """Published facilities; staff see drafts too (facilities have no county scope of their own)."""
    return select(Facility).where(published_or_own(user, Facility.published, literal(False)))


def filtered(q: FacilityQuery, user: Principal) -> Select[Any]:
    stmt = visible(user)
    for column, value in (
        (Facility.kind, q.kind),
        (Facility.published, q.published),
        (Facility.is_demo, q.is_demo),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if q.region:
        stmt = stmt.where(within_region(Facility.region_adcode, q.region))
    if q.q:
        stmt = stmt.where(Facility.name.icontains(q.q, autoescape=True) | Facility.code.icontains(q.q, autoescape=True))
    if (bbox := q.bbox_tuple) is not None:
        stmt = stmt.where(bbox_filter(Facility.location, bbox))
    return stmt


def distances(subject: DistanceSubject, subject_id: ColumnExpr[Any]) -> ColumnElement[Any]:
    """A park's or carrier's nearest facility of each kind as one JSON object keyed by kind
    ({} when there are none). Only published facilities are ever nearest (the triggers' rule)."""
    entry = json_object(
        {
            "km": func.round(literal_column("(facility_distances.distance_m / 1000.0)::numeric"), 2),
            "facility_id": Facility.id,
            "facility": Facility.name,
            "code": Facility.code,
            "location_precision": Facility.location_precision,
            "source": Facility.source,
        }
    )
    agg = (
        select(func.json_object_agg(FacilityDistance.kind, entry))
        .join(Facility, Facility.id == FacilityDistance.facility_id)
        .where(FacilityDistance.subject == subject.value, FacilityDistance.subject_id == subject_id)
        .scalar_subquery()
    )
    return func.coalesce(agg, literal_column("'{}'::json"))


def within(point: ColumnExpr[Any], near: Near) -> ColumnElement[bool]:
    """`point` (WGS-84 geometry) lies within `near.km` straight-line km of the centre: a box that
    holds the circle uses the spatial index, the ellipsoidal distance decides."""
    centre = func.ST_SetSRID(func.ST_MakePoint(near.lon, near.lat), 4326)
    reach = near.km / _KM_PER_DEGREE_AT_LEAST
    return and_(
        point.op("&&")(func.ST_Expand(centre, reach)),
        func.ST_DWithin(func.geography(point), func.geography(centre), near.km * 1000.0),
    )


def distance_conditions(
    q: DistanceFilters, subject: DistanceSubject, subject_id: ColumnExpr[Any], point: ColumnExpr[Any]
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a list's distance limits and radius. A site with no facility of a
    limited kind at all does not pass (its distance is unknown, not small)."""
    limits = q.distance_limits()
    conditions: list[ColumnElement[bool]]
    if subject == DistanceSubject.CARRIER and limits:
        # A carrier's distances are one row (migration 0024): one lookup for every limit.
        conditions = [
            exists().where(
                CarrierDistances.carrier_id == subject_id,
                *[CarrierDistances.metres(k) <= km * 1000.0 for k, km in limits.items()],
            )
        ]
    else:
        conditions = [nearest_km(subject, subject_id, kind.value) <= km for kind, km in limits.items()]
    if (near := q.radius()) is not None:
        conditions.append(within(point, near))
    return conditions
