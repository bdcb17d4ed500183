"""The map page's filters: park criteria and carrier criteria, in one set of query parameters.

The page promises that the map and the list show the same set. The list reads
/api/v1/map/carriers and the map draws vector tiles (/tiles/land,factories/...), so both
take these criteria and both select carriers with `matching_carriers`: a carrier is shown
when it matches the carrier criteria and belongs to a park that matches the park criteria.

The radius (near, within_km) and the distance limits (max_km_to_*) are measured from each
record's own position: a park's from the park, a carrier's from the carrier, never from the
park it belongs to (a large park's plots lie kilometres from its point).
"""

from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from sqlalchemy import Select

from app.carriers import queries as carrier_queries
from app.carriers.models import Carrier
from app.carriers.schemas import CarrierQuery
from app.core.auth import Principal
from app.core.errors import InvalidInput, problems_from_validation
from app.core.listing import ListQuery
from app.infrastructure.schemas import DistanceFilters
from app.parks import queries as park_queries
from app.parks.models import Park
from app.parks.schemas import ParkQuery

# Carrier criteria the page offers; their names, types and wording are the carriers API's own.
CARRIER_CRITERIA = ("kind", "status", "land_use", "min_area", "max_area", "area_unit", "max_price", "max_rent", "standard_land")
# What the public page may filter parks by (publication and demo flags are the admin's).
PARK_CRITERIA = tuple(n for n in ParkQuery.model_fields if n not in ListQuery.model_fields and n not in ("published", "is_demo"))
# Measured from each park's or carrier's own position (both query models take them).
DISTANCE_CRITERIA = tuple(DistanceFilters.model_fields)
# Tables the criteria read, beyond parks and carriers (region, cluster, cooperation; the
# facilities the distances follow).
CRITERIA_TABLES = ("parks", "park_counties", "carriers", "regions", "cluster_parks", "cooperation_parks", "facilities")

_FIELDS: dict[str, Any] = {
    **{n: (ParkQuery.model_fields[n].annotation, ParkQuery.model_fields[n]) for n in PARK_CRITERIA},
    **{n: (CarrierQuery.model_fields[n].annotation, CarrierQuery.model_fields[n]) for n in CARRIER_CRITERIA},
}

MapQuery = create_model(
    "MapQuery",
    __base__=ListQuery,
    __doc__="Park criteria and carrier criteria of the map page, with the usual list parameters.",
    **_FIELDS,
)


class _Criteria(BaseModel):
    # Frozen, so hashable: tile statements and cached tiles are keyed by the criteria themselves.
    model_config = ConfigDict(extra="forbid", frozen=True)


MapCriteria = create_model(
    "MapCriteria",
    __base__=_Criteria,
    __doc__="Park criteria and carrier criteria of the map page (no paging, no bbox).",
    **_FIELDS,
)


def split(q: BaseModel, bbox_for: str) -> tuple[ParkQuery, CarrierQuery, bool]:
    """The park and carrier queries inside a map query, and whether any carrier criterion is set
    (the distance criteria go to both, each measured from its own records).

    `bbox_for` says which of the two the map's bbox limits. Cross-field rules (min ≤ max
    area) live on CarrierQuery, so building it here is what checks them.
    """
    given = q.model_dump(exclude_unset=True)
    park = {k: v for k, v in given.items() if k in PARK_CRITERIA}
    carrier = {k: v for k, v in given.items() if k in CARRIER_CRITERIA or k in DISTANCE_CRITERIA}
    if "bbox" in given:
        (park if bbox_for == "parks" else carrier)["bbox"] = given["bbox"]
    try:
        return (
            ParkQuery.model_validate(park),
            CarrierQuery.model_validate(carrier),
            any(k not in ("area_unit", *DISTANCE_CRITERIA) for k in carrier),
        )
    except ValidationError as exc:
        raise InvalidInput(problems_from_validation(RequestValidationError(exc.errors()))) from None


def matching_carriers(q: BaseModel, user: Principal) -> Select[Any]:
    """Carriers `user` may see that match the carrier criteria of `q`, in parks matching its park criteria."""
    pq, cq, _ = split(q, "carriers")
    # The carriers' own positions answer the distance criteria, not their parks'.
    pq = pq.model_copy(update=dict.fromkeys(DISTANCE_CRITERIA))
    parks = park_queries.filtered(pq, user).with_only_columns(Park.id)
    return carrier_queries.filtered(cq, user).where(Carrier.park_id.in_(parks))
