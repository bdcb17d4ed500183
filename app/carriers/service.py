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
from app.core.errors import InvalidInput, Problem
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


# Each carrier's area on the ellipsoid, and where it reaches beyond the tolerance around its
# park's county: a point of that part and its distance to the county (NULL when none does).
# The county is buffered only when the carrier is not simply inside it, and not at all for
# a plot already too large; and only its part within :reach degrees of the carrier, which
# holds every county point within the tolerance of the carrier (a tenth of the time).
# `carriers` is a SELECT of (i, geom): one carrier of a write, or the rows of a file import.
_PLACE = """
WITH county AS (SELECT r.adcode, r.name, r.geom FROM parks p JOIN regions r ON r.adcode = p.region_adcode
                WHERE p.id = :park_id)
SELECT carrier.i, county.adcode, county.name, area.m2, ST_X(beyond.pt), ST_Y(beyond.pt),
       ST_Distance(beyond.pt::geography, county.geom::geography),
       CASE WHEN area.m2 > :max_m2 THEN ST_X(ST_PointOnSurface(carrier.geom)) END,
       CASE WHEN area.m2 > :max_m2 THEN ST_Y(ST_PointOnSurface(carrier.geom)) END
FROM ({carriers}) carrier, county,
     LATERAL (SELECT ST_Area(carrier.geom::geography) AS m2) area,
     LATERAL (SELECT CASE WHEN area.m2 > :max_m2 OR ST_Covers(county.geom, carrier.geom) THEN NULL
                          ELSE ST_Difference(carrier.geom, ST_Buffer(ST_Intersection(
                              county.geom, ST_Expand(carrier.geom, :reach))::geography, :tolerance)::geometry)
                     END AS part) outside,
     LATERAL (SELECT CASE WHEN NOT ST_IsEmpty(outside.part) THEN ST_PointOnSurface(outside.part) END AS pt) beyond
WHERE :every OR area.m2 > :max_m2 OR beyond.pt IS NOT NULL
"""


def placed(
    session: Session, carriers: str, park_id: int, params: dict[str, Any], every: bool = True
) -> list[tuple[int, float, Problem | None]]:
    """(i, area in m² on the ellipsoid, the problem) of each carrier of `carriers` (SQL of i, geom)
    in park `park_id`; the problem names `geometry` and a coordinate when the carrier lies beyond
    the tolerance around its park's county (INVESTMAP_CARRIER_REGION_TOLERANCE_M) or a plot is
    larger than one plot can be (INVESTMAP_CARRIER_MAX_PLOT_HA). The park is inside the writer's
    scope (scope_of), so this also keeps the carrier inside it. every=False: only the misplaced."""
    limits = settings().carriers
    rows = session.execute(
        text(_PLACE.format(carriers=carriers)),
        {
            **params,
            "park_id": park_id,
            "every": every,
            "max_m2": limits.max_plot_ha * HA_M2,
            "tolerance": limits.region_tolerance_m,
            "reach": limits.region_tolerance_m / METRES_PER_DEGREE_AT_LEAST,
        },
    ).all()
    return [
        (i, float(m2), _misplaced(park_id, adcode, name, m2, (lon, lat), far, (rx, ry)))
        for i, adcode, name, m2, lon, lat, far, rx, ry in rows
    ]


Point = tuple[float | None, float | None]


def _misplaced(
    park_id: int, adcode: str, name: str, area_m2: float, beyond: Point, distance_m: float, inside: Point
) -> Problem | None:
    """The problem of a carrier too large (`inside`: a point of it) or reaching `beyond` the county."""
    limits = settings().carriers
    if inside[0] is not None and inside[1] is not None:
        where = [round(inside[0], 6), round(inside[1], 6)]
        ha, most = f"{area_m2 / HA_M2:,.1f}", f"{limits.max_plot_ha:,.0f}"
        return Problem(
            "geometry",
            f"the plot around {where} measures {ha} ha; one plot is at most {most} ha",
            f"{where} 处的地块面积为 {ha} 公顷，单个地块最大为 {most} 公顷",
            where,
        )
    lon, lat = beyond
    if lon is not None and lat is not None:
        where = [round(lon, 6), round(lat, 6)]
        return Problem(
            "geometry",
            f"{where} lies {distance_m / 1000:.1f} km outside {name} ({adcode}), the county of park "
            f"{park_id}; a carrier lies within {limits.region_tolerance_m:,.0f} m of its park's county",
            f"{where} 位于园区 {park_id} 所在的{name}（{adcode}）之外 {distance_m / 1000:.1f} 公里；"
            f"载体须位于其园区所在县（市、区）{limits.region_tolerance_m:,.0f} 米范围内",
            where,
        )
    return None


def _measured_in_place(session: Session, data: CarrierIn) -> float:
    """The carrier's area in m² on the ellipsoid; 422 when it is misplaced or too large (`placed`)."""
    [(_, area_m2, problem)] = placed(
        session, "SELECT 0 AS i, ST_GeomFromWKB(:wkb, 4326) AS geom", data.park_id, {"wkb": shapely.to_wkb(data.geometry)}
    )
    if problem is not None:
        raise InvalidInput([problem])
    return area_m2


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
