"""Region lookups, shared by every domain that filters by adcode."""

import json
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from app.core.columns import ColumnExpr
from app.core.errors import InvalidInput
from app.core.listing import OutputSpec, geojson
from app.core.provenance import provenance_fields
from app.regions.models import Region

OUTPUT = OutputSpec(
    id=Region.adcode,
    fields={
        "adcode": Region.adcode,
        "name": Region.name,
        "name_en": Region.name_en,
        "level": Region.level,
        "parent_adcode": Region.parent_adcode,
        **provenance_fields(Region),
    },
    geometry=Region.geom,
    sortable={"adcode": Region.adcode, "name": Region.name},
)

# The JSON of a single region also carries its outline; lists leave it to ?f=geojson.
OUTPUT_WITH_GEOMETRY = OutputSpec(
    id=OUTPUT.id, fields={**OUTPUT.fields, "boundary": geojson(Region.geom)}, geometry=Region.geom, sortable=OUTPUT.sortable
)


def descendants(adcode: str | ColumnExpr[Any]) -> Select[Any]:
    """The adcodes in `adcode`: itself, a city's counties, or the province's cities and counties.

    `adcode` may be a column of an enclosing query, e.g. the area of each chain gap.
    """
    county = aliased(Region)
    city = aliased(Region)
    return (
        select(county.adcode)
        .outerjoin(city, city.adcode == county.parent_adcode)
        .where(or_(county.adcode == adcode, county.parent_adcode == adcode, city.parent_adcode == adcode))
    )


def within_region(adcode_column: ColumnExpr[Any], adcode: str) -> ColumnElement[bool]:
    """True where a county adcode lies in `adcode` (itself, a city's counties, or the province's).

    `adcode` may list several regions, comma-separated (schemas.ADCODE_LIST): a county in any of them.
    """
    return or_(*(adcode_column.in_(descendants(code)) for code in adcode.split(",")))


def require_region(session: Session, adcode: str, field: str, level: str | None = None) -> None:
    """422 naming `field` when `adcode` is not a known region (of `level`, if given)."""
    found = session.execute(select(Region.level).where(Region.adcode == adcode)).scalar_one_or_none()
    if found is None:
        raise InvalidInput.one(field, f"unknown region adcode {adcode!r}", f"未知的行政区划代码 {adcode!r}")
    if level is not None and found != level:
        raise InvalidInput.one(
            field, f"adcode {adcode} is a {found}, expected a {level}", f"行政区划代码 {adcode} 的级别是 {found}，应为 {level}"
        )


def containing(lon: float, lat: float) -> Select[Any]:
    point = func.ST_SetSRID(func.ST_MakePoint(literal(lon), literal(lat)), 4326)
    # ST_Covers rather than ST_Contains: a point exactly on a county border still belongs somewhere.
    return select(Region).where(Region.geom.op("&&")(point), func.ST_Covers(Region.geom, point))


def county_point(session: Session, adcode: str) -> dict[str, Any] | None:
    """GeoJSON of a point surely inside the region, for records placed only to county level."""
    text = session.execute(
        select(func.ST_AsGeoJSON(func.ST_PointOnSurface(Region.geom), 6)).where(Region.adcode == adcode)
    ).scalar_one_or_none()
    return json.loads(text) if text else None
