"""Writes of facilities. Their distances to parks and carriers follow by trigger (migration 0012)."""

from typing import Any

from geoalchemy2.shape import from_shape
from sqlalchemy.orm import Session

from app.core.crud import assign
from app.infrastructure.models import Facility
from app.infrastructure.schemas import FacilityIn
from app.regions.queries import require_region

_SCALARS = (
    "kind",
    "name",
    "code",
    "region_adcode",
    "location_precision",
    "details",
    "osm_id",
    "source",
    "as_of",
    "is_demo",
    "published",
)


def save(session: Session, data: FacilityIn, facility: Facility | None = None) -> int:
    """Create (facility=None) or overwrite a facility with `data`; returns its id."""
    if data.region_adcode is not None:
        require_region(session, data.region_adcode, "region_adcode", level="county")
    facility = assign(session, facility or Facility(), data, _SCALARS)
    facility.location = from_shape(data.location, srid=4326)
    session.flush()
    return facility.id


def scope_of(session: Session, fields: dict[str, Any]) -> tuple[set[str], int | None]:
    """Facilities serve every county around them, so they lie in no one county's scope: admins edit them."""
    return set(), None
