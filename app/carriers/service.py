"""Writes of carriers: one request, one transaction, nothing half-written."""

from typing import Any

from geoalchemy2.shape import from_shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.carriers.models import RANGES, Carrier
from app.carriers.schemas import CarrierIn
from app.core.crud import assign
from app.core.errors import InvalidInput
from app.geo.validate import sql_geometry
from app.ogc.precomputed import refresh_carrier_features
from app.parks.models import Park

_SCALARS = ("kind", "name", "park_id", "status", "land_use", "lease_term_years", "readiness", "price_wan_per_mu",
            "rent_yuan_m2_month", "sale_price_yuan_m2", "floors", "storey_height_m", "floor_load_t_m2", "has_crane",
            "is_standard_land", "investment_intensity_wan_per_mu", "tax_per_mu_wan", "energy_tce_per_wan",
            "description", "source", "as_of", "is_demo", "published")
_AREAS = ("area_m2", "area_mu", "area_ha")


def save(session: Session, data: CarrierIn, carrier: Carrier | None = None) -> int:
    """Create (carrier=None) or overwrite a carrier with `data`; returns its id."""
    if session.get(Park, data.park_id) is None:
        raise InvalidInput.one("park_id", f"unknown park {data.park_id}", f"未知的园区 {data.park_id}")
    carrier = assign(session, carrier or Carrier(), data, _SCALARS)
    for name in RANGES:
        bounds = getattr(data, name)
        setattr(carrier, f"{name}_min", bounds.min if bounds else None)
        setattr(carrier, f"{name}_max", bounds.max if bounds else None)
    carrier.geom = from_shape(data.geometry, srid=4326)
    # Without a stated area, a parcel's area is measured on the ellipsoid, not in degrees².
    carrier.area_m2 = data.area_in_m2() or session.execute(
        select(func.ST_Area(func.geography(sql_geometry(data.geometry))))
    ).scalar_one()
    session.flush()
    refresh_carrier_features(session, Carrier.id == carrier.id)
    return carrier.id


def patch_base(carrier: Carrier, stored: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Reads give the area in every unit; keep only the stored m² unless the patch sets an area."""
    base = {k: v for k, v in stored.items() if k not in _AREAS}
    if not any(name in patch for name in _AREAS):
        base["area_m2"] = float(carrier.area_m2)
    return base


def scope_of(session: Session, fields: dict[str, Any]) -> tuple[set[str], int | None]:
    region = session.execute(select(Park.region_adcode).where(Park.id == fields["park_id"])).scalar_one_or_none()
    return ({region} if region else set()), fields["park_id"]
