"""The areas coverage is measured in: a region (province, city, county), a park, or a cluster's parks.

SQL sees an area as a row: the key columns gaps and targets store (`region_adcode`, `park_id`,
`cluster_id`, one of them set), its kind and name, the counties and the parks whose local
enterprises count in it, and the geometry a gap there is drawn with (the region, or the parks).
"""

from typing import Any

from sqlalchemy import ColumnElement, Integer, String, case, cast, func, literal, null, select
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session

from app.chains.models import AreaKind
from app.clusters.models import Cluster, ClusterCity, ClusterPark
from app.core.auth import expand_to_counties
from app.core.columns import ColumnExpr
from app.core.errors import InvalidInput
from app.parks.models import Park
from app.regions.models import Region
from app.regions.queries import descendants, require_region

# Regions are drawn simplified (≈200 m): a gap layer over the province must stay light.
SIMPLIFY_DEG = 0.002
NO_COUNTIES = cast(literal([], ARRAY(String)), ARRAY(String(6)))
NO_PARKS = cast(literal([], ARRAY(Integer)), ARRAY(Integer))
# The service covers one province: areas default to it.
PROVINCE_ADCODE = "360000"


def _drawn(geom: ColumnExpr[Any]) -> ColumnElement[Any]:
    return func.ST_SimplifyPreserveTopology(geom, SIMPLIFY_DEG)


def _park_shape() -> ColumnElement[Any]:
    return func.coalesce(Park.boundary, Park.location)


# Each expression below is one level of subquery deep, so that it correlates with the query
# around it when the key is a column there (a recorded gap's region_adcode, say).


def _region(adcode: ColumnExpr[Any]) -> dict[str, ColumnExpr[Any]]:
    inside = descendants(adcode)
    return {
        "area_kind": literal(AreaKind.REGION.value),
        "region_adcode": cast(adcode, String(6)),
        "park_id": cast(null(), Integer),
        "cluster_id": cast(null(), Integer),
        "area_name": select(Region.name).where(Region.adcode == adcode).scalar_subquery(),
        "counties": inside.with_only_columns(func.array_agg(inside.selected_columns[0])).scalar_subquery(),
        "parks": NO_PARKS,
        "geom": select(_drawn(Region.geom)).where(Region.adcode == adcode).scalar_subquery(),
    }


def _park(park_id: ColumnExpr[Any]) -> dict[str, ColumnExpr[Any]]:
    return {
        "area_kind": literal(AreaKind.PARK.value),
        "region_adcode": cast(null(), String(6)),
        "park_id": park_id,
        "cluster_id": cast(null(), Integer),
        "area_name": select(Park.name).where(Park.id == park_id).scalar_subquery(),
        "counties": NO_COUNTIES,
        "parks": array([park_id]),
        "geom": select(_park_shape()).where(Park.id == park_id).scalar_subquery(),
    }


def _cluster(cluster_id: ColumnExpr[Any]) -> dict[str, ColumnExpr[Any]]:
    """A cluster's parks; a cluster with no park recorded falls back to the counties of its cities."""
    parks = func.coalesce(
        select(func.array_agg(ClusterPark.park_id)).where(ClusterPark.cluster_id == cluster_id).scalar_subquery(), NO_PARKS
    )
    city_counties = (
        select(func.array_agg(Region.adcode))
        .join(ClusterCity, ClusterCity.adcode == Region.parent_adcode)
        .where(ClusterCity.cluster_id == cluster_id)
        .scalar_subquery()
    )
    return {
        "area_kind": literal(AreaKind.CLUSTER.value),
        "region_adcode": cast(null(), String(6)),
        "park_id": cast(null(), Integer),
        "cluster_id": cluster_id,
        "area_name": select(Cluster.name).where(Cluster.id == cluster_id).scalar_subquery(),
        "counties": case((func.cardinality(parks) == 0, func.coalesce(city_counties, NO_COUNTIES)), else_=NO_COUNTIES),
        "parks": parks,
        "geom": func.coalesce(
            select(func.ST_Collect(_park_shape()))
            .join(ClusterPark, ClusterPark.park_id == Park.id)
            .where(ClusterPark.cluster_id == cluster_id)
            .scalar_subquery(),
            select(_drawn(func.ST_Union(Region.geom)))
            .join(ClusterCity, ClusterCity.adcode == Region.adcode)
            .where(ClusterCity.cluster_id == cluster_id)
            .scalar_subquery(),
        ),
    }


_BUILDERS = {AreaKind.REGION: _region, AreaKind.PARK: _park, AreaKind.CLUSTER: _cluster}
# The key column gaps and targets store for each kind of area.
KEY_COLUMN = {AreaKind.REGION: "region_adcode", AreaKind.PARK: "park_id", AreaKind.CLUSTER: "cluster_id"}


def area_columns(kind: AreaKind, key: ColumnExpr[Any]) -> list[ColumnElement[Any]]:
    """The area row of `kind` keyed by `key` (a literal, or a column of an enclosing query)."""
    return [expr.label(name) for name, expr in _BUILDERS[kind](key).items()]


def key_literal(kind: AreaKind, key: str) -> ColumnElement[Any]:
    return literal(key, String(6)) if kind == AreaKind.REGION else literal(int(key), Integer)


def province_columns() -> list[ColumnElement[Any]]:
    return area_columns(AreaKind.REGION, key_literal(AreaKind.REGION, PROVINCE_ADCODE))


def require_area(session: Session, kind: AreaKind, key: str, field: str | None = None) -> None:
    """422 naming `field` (by default the query parameter, region/park/cluster) when the area does not exist."""
    if kind == AreaKind.REGION:
        require_region(session, key, field or "region")
        return
    model, what = (Park, "园区") if kind == AreaKind.PARK else (Cluster, "产业集群")
    if session.get(model, int(key)) is None:
        raise InvalidInput.one(field or kind.value, f"unknown {kind.value} {key}", f"未知的{what} {key}")


def stored_area(data: Any) -> tuple[AreaKind, str, str]:
    """(kind, key, field) of the area a gap or target names in its key columns."""
    for kind, field in KEY_COLUMN.items():
        if (key := getattr(data, field)) is not None:
            return kind, str(key), field
    raise InvalidInput.one(
        "region_adcode", "give one of region_adcode, park_id, cluster_id", "请填写 region_adcode、park_id、cluster_id 之一"
    )


def province_scope(session: Session) -> tuple[set[str], int | None]:
    """Write scope of what is the whole province's (chains): every county."""
    return set(expand_to_counties(session, [PROVINCE_ADCODE])), None


def area_scope(session: Session, fields: dict[str, Any]) -> tuple[set[str], int | None]:
    """Write scope of a gap or target: the counties (and park) of the area its fields name."""
    if fields.get("region_adcode"):
        return set(expand_to_counties(session, [fields["region_adcode"]])), None
    if fields.get("park_id"):
        county = session.execute(select(Park.region_adcode).where(Park.id == fields["park_id"])).scalar_one_or_none()
        return ({county} if county else set()), fields["park_id"]
    if fields.get("cluster_id"):
        counties = set(
            session.execute(
                select(Park.region_adcode)
                .join(ClusterPark, ClusterPark.park_id == Park.id)
                .where(ClusterPark.cluster_id == fields["cluster_id"])
            ).scalars()
        )
        cities = session.execute(select(ClusterCity.adcode).where(ClusterCity.cluster_id == fields["cluster_id"])).scalars()
        return counties or set(expand_to_counties(session, list(cities))), None
    return set(), None


def area_of(model: Any) -> dict[str, ColumnElement[Any]]:
    """Kind and name of the area a stored gap or target names (see AreaColumns)."""
    return {
        "area_kind": case(
            (model.region_adcode.is_not(None), AreaKind.REGION.value),
            (model.park_id.is_not(None), AreaKind.PARK.value),
            else_=AreaKind.CLUSTER.value,
        ),
        "area_name": func.coalesce(
            select(Region.name).where(Region.adcode == model.region_adcode).scalar_subquery(),
            select(Park.name).where(Park.id == model.park_id).scalar_subquery(),
            select(Cluster.name).where(Cluster.id == model.cluster_id).scalar_subquery(),
        ),
    }


def area_keys(model: Any) -> dict[str, ColumnElement[Any]]:
    return {"region_adcode": model.region_adcode, "park_id": model.park_id, "cluster_id": model.cluster_id}
