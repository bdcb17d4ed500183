"""Reads of carriers, built in SQL."""

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from app.carriers.models import HA_M2, MU_M2, Carrier
from app.carriers.schemas import CarrierQuery
from app.core.auth import Principal
from app.core.boxes import BoxIndex
from app.core.listing import OutputSpec, geojson, range_object
from app.core.provenance import provenance_fields, published_or_own
from app.infrastructure.models import DistanceSubject
from app.infrastructure.queries import distance_conditions, distances
from app.parks.models import Park, park_visible
from app.regions.queries import within_region

# Not narrowed per caller like other related names: a carrier is visible only with its park
# (`visible` below), so whoever reads a carrier may read its park's name. The stored
# Features of the OGC pages (app/carriers/features.py) rely on this too.
_park_name = select(Park.name).where(Park.id == Carrier.park_id).scalar_subquery()


def _rng(name: str) -> dict[str, Any]:
    return range_object(getattr(Carrier, f"{name}_min"), getattr(Carrier, f"{name}_max"))


FIELDS: dict[str, Any] = {
    "id": Carrier.id,
    "kind": Carrier.kind,
    "name": Carrier.name,
    "code": Carrier.code,
    "park_id": Carrier.park_id,
    "park_name": _park_name,
    "status": Carrier.status,
    "geometry": geojson(Carrier.geom),
    "location": geojson(Carrier.location),
    "area_m2": Carrier.area_m2,
    "area_mu": func.round(Carrier.area_m2 / MU_M2, 2),
    "area_ha": func.round(Carrier.area_m2 / HA_M2, 4),
    "land_use": Carrier.land_use,
    "plot_ratio": _rng("plot_ratio"),
    "building_density_pct": _rng("building_density_pct"),
    "green_ratio_pct": _rng("green_ratio_pct"),
    "height_limit_m": _rng("height_limit_m"),
    "lease_term_years": Carrier.lease_term_years,
    "readiness": Carrier.readiness,
    "price_wan_per_mu": Carrier.price_wan_per_mu,
    "rent_yuan_m2_month": Carrier.rent_yuan_m2_month,
    "sale_price_yuan_m2": Carrier.sale_price_yuan_m2,
    "floors": Carrier.floors,
    "storey_height_m": Carrier.storey_height_m,
    "floor_load_t_m2": Carrier.floor_load_t_m2,
    "has_crane": Carrier.has_crane,
    "is_standard_land": Carrier.is_standard_land,
    "investment_intensity_wan_per_mu": Carrier.investment_intensity_wan_per_mu,
    "tax_per_mu_wan": Carrier.tax_per_mu_wan,
    "energy_tce_per_wan": Carrier.energy_tce_per_wan,
    "description": Carrier.description,
    "distances": distances(DistanceSubject.CARRIER, Carrier.id),
    **provenance_fields(Carrier),
}
# The GeoJSON feature already carries the parcel as its geometry: don't send it twice. The
# distances (an object, which GIS clients do not type) change with the facilities, not with
# the carrier: they stay out of the features the carriers' writes store. The plot code
# (宗地编号, migration 0016) is in the JSON reads only: the stored Features (features.py, filled
# by migration 0008) keep the shape they had.
_FEATURE_FIELDS = {k: v for k, v in FIELDS.items() if k not in ("geometry", "location", "distances", "code")}

OUTPUT = OutputSpec(
    id=Carrier.id,
    fields=FIELDS,
    geometry=Carrier.geom,
    sortable={
        "id": Carrier.id,
        "name": Carrier.name,
        "area_m2": Carrier.area_m2,
        "status": Carrier.status,
        "price_wan_per_mu": Carrier.price_wan_per_mu,
        "rent_yuan_m2_month": Carrier.rent_yuan_m2_month,
        "updated_at": Carrier.updated_at,
    },
    feature_fields=_FEATURE_FIELDS,
    version=Carrier.row_version,
)

# Pages in a bounding box walk the carriers' ids with their boxes (app/core/boxes.py).
BOXES = BoxIndex(Carrier.__table__)


def visible(user: Principal) -> Select[Any]:
    """Published carriers of visible parks (and, for write keys, their own unpublished ones)."""
    # Its own alias of parks: a query that also joins parks (site matching) must not correlate it away.
    owner = aliased(Park)
    county = select(owner.region_adcode).where(owner.id == Carrier.park_id).scalar_subquery()
    return select(Carrier).where(
        published_or_own(user, Carrier.published, county.in_(user.write_counties), Carrier.is_demo),
        Carrier.park_id.in_(select(Park.id).where(park_visible(user))),
    )


def filtered(q: CarrierQuery, user: Principal) -> Select[Any]:
    stmt = visible(user)
    for column, value in (
        (Carrier.park_id, q.park),
        (Carrier.kind, q.kind),
        (Carrier.status, q.status),
        (Carrier.land_use, q.land_use),
        (Carrier.published, q.published),
        (Carrier.is_demo, q.is_demo),
        (Carrier.is_standard_land, q.standard_land),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if q.region:
        stmt = stmt.where(Carrier.park_id.in_(select(Park.id).where(within_region(Park.region_adcode, q.region))))
    low, high = q.area_bounds_m2()
    if low is not None:
        stmt = stmt.where(Carrier.area_m2 >= low)
    if high is not None:
        stmt = stmt.where(Carrier.area_m2 <= high)
    if q.max_price is not None:
        stmt = stmt.where(Carrier.price_wan_per_mu <= q.max_price)
    if q.max_rent is not None:
        stmt = stmt.where(Carrier.rent_yuan_m2_month <= q.max_rent)
    if q.q:
        stmt = stmt.where(Carrier.name.icontains(q.q, autoescape=True))
    if (bbox := q.bbox_tuple) is not None:
        stmt = BOXES.within(stmt, bbox)
    return stmt.where(*distance_conditions(q, DistanceSubject.CARRIER, Carrier.id, Carrier.location))
