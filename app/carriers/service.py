"""Writes of carriers: one request, one transaction, nothing half-written."""

from typing import Any

import shapely
from geoalchemy2.shape import from_shape
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.carriers.features import refresh_carrier_features
from app.carriers.models import HA_M2, RANGES, Carrier
from app.carriers.schemas import CarrierIn
from app.core.crud import assign
from app.core.errors import InvalidInput
from app.core.settings import settings
from app.parks.models import Park

_SCALARS = (
    "kind",
    "name",
    "code",
    "park_id",
    "status",
    "land_use",
    "lease_term_years",
    "readiness",
    "price_wan_per_mu",
    "rent_yuan_m2_month",
    "sale_price_yuan_m2",
    "floors",
    "storey_height_m",
    "floor_load_t_m2",
    "has_crane",
    "is_standard_land",
    "investment_intensity_wan_per_mu",
    "tax_per_mu_wan",
    "energy_tce_per_wan",
    "description",
    "source",
    "as_of",
    "is_demo",
    "published",
)
_AREAS = ("area_m2", "area_mu", "area_ha")
# A degree of longitude is at least this long in Jiangxi (north of 24°N a degree of latitude is
# ~110.6 km, of longitude ≥ 96 km; 30.6°N, the northern edge, gives 95.9 km): a box widened
# by tolerance/this degrees reaches at least the tolerance in metres every way.
METRES_PER_DEGREE_AT_LEAST = 90_000


# The carrier's area on the ellipsoid, and where it reaches beyond the tolerance around its
# park's county: a point of that part and its distance to the county (NULL when none does).
# The county is buffered only when the carrier is not simply inside it, and not at all for
# a plot already too large; and only its part within :reach degrees of the carrier, which
# holds every county point within the tolerance of the carrier (a tenth of the time).
_PLACE = text("""
WITH carrier AS (SELECT ST_GeomFromWKB(:wkb, 4326) AS geom),
     county AS (SELECT r.adcode, r.name, r.geom FROM parks p JOIN regions r ON r.adcode = p.region_adcode
                WHERE p.id = :park_id)
SELECT county.adcode, county.name, area.m2, ST_X(beyond.pt), ST_Y(beyond.pt),
       ST_Distance(beyond.pt::geography, county.geom::geography)
FROM carrier, county,
     LATERAL (SELECT ST_Area(carrier.geom::geography) AS m2) area,
     LATERAL (SELECT CASE WHEN area.m2 > :max_m2 OR ST_Covers(county.geom, carrier.geom) THEN NULL
                          ELSE ST_Difference(carrier.geom, ST_Buffer(ST_Intersection(
                              county.geom, ST_Expand(carrier.geom, :reach))::geography, :tolerance)::geometry)
                     END AS part) outside,
     LATERAL (SELECT CASE WHEN NOT ST_IsEmpty(outside.part) THEN ST_PointOnSurface(outside.part) END AS pt) beyond
""")


def _measured_in_place(session: Session, data: CarrierIn) -> float:
    """The carrier's area in m² on the ellipsoid; 422 naming `geometry` and a coordinate when it
    lies beyond the tolerance around its park's county (INVESTMAP_CARRIER_REGION_TOLERANCE_M) or
    a plot is larger than one plot can be (INVESTMAP_CARRIER_MAX_PLOT_HA). The park is inside the
    writer's scope (scope_of), so this also keeps the carrier inside it."""
    limits = settings().carriers
    row = session.execute(
        _PLACE,
        {
            "wkb": shapely.to_wkb(data.geometry),
            "park_id": data.park_id,
            "max_m2": limits.max_plot_ha * HA_M2,
            "tolerance": limits.region_tolerance_m,
            "reach": limits.region_tolerance_m / METRES_PER_DEGREE_AT_LEAST,
        },
    ).one()
    adcode, name, area_m2, lon, lat, distance_m = row
    if area_m2 > limits.max_plot_ha * HA_M2:
        at = data.geometry.representative_point()
        where = [round(at.x, 6), round(at.y, 6)]
        ha, most = f"{area_m2 / HA_M2:,.1f}", f"{limits.max_plot_ha:,.0f}"
        raise InvalidInput.one(
            "geometry",
            f"the plot around {where} measures {ha} ha; one plot is at most {most} ha",
            f"{where} 处的地块面积为 {ha} 公顷，单个地块最大为 {most} 公顷",
            where,
        )
    if lon is not None:
        where = [round(lon, 6), round(lat, 6)]
        raise InvalidInput.one(
            "geometry",
            f"{where} lies {distance_m / 1000:.1f} km outside {name} ({adcode}), the county of park "
            f"{data.park_id}; a carrier lies within {limits.region_tolerance_m:,.0f} m of its park's county",
            f"{where} 位于园区 {data.park_id} 所在的{name}（{adcode}）之外 {distance_m / 1000:.1f} 公里；"
            f"载体须位于其园区所在县（市、区）{limits.region_tolerance_m:,.0f} 米范围内",
            where,
        )
    return float(area_m2)


def save(session: Session, data: CarrierIn, carrier: Carrier | None = None, *, refresh_features: bool = True) -> int:
    """Create (carrier=None) or overwrite a carrier with `data`; returns its id. A caller writing
    many carriers (a file import) passes refresh_features=False and refreshes them all at once,
    in the same transaction."""
    if session.get(Park, data.park_id) is None:
        raise InvalidInput.one("park_id", f"unknown park {data.park_id}", f"未知的园区 {data.park_id}")
    measured_m2 = _measured_in_place(session, data)
    carrier = assign(session, carrier or Carrier(), data, _SCALARS)
    for name in RANGES:
        bounds = getattr(data, name)
        setattr(carrier, f"{name}_min", bounds.min if bounds else None)
        setattr(carrier, f"{name}_max", bounds.max if bounds else None)
    carrier.geom = from_shape(data.geometry, srid=4326)
    # Without a stated area, a parcel's area is measured on the ellipsoid, not in degrees².
    carrier.area_m2 = data.area_in_m2() or measured_m2
    session.flush()
    if refresh_features:
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
