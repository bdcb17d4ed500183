"""Reads of enterprises, built in SQL. The public sees published local enterprises only:
external ones are the candidates of target lists."""

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Numeric,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from app.chains.areas import area_columns, key_literal
from app.chains.coverage import in_area
from app.chains.models import Chain, ChainLink
from app.core.auth import Principal
from app.core.export import local_time, yes_no, zh_labels
from app.core.listing import EMPTY_JSON_ARRAY, OutputSpec, bbox_filter, geojson, json_object
from app.core.provenance import provenance_fields, published_or_own
from app.enterprises.models import Enterprise, EnterpriseLink, EnterpriseTag
from app.enterprises.schemas import DuplicateQuery, EnterpriseQuery
from app.parks.models import Park, park_visible
from app.regions.models import Region


def _over_links(aggregate: Any) -> Any:
    """`aggregate` over the links the enterprise is on (with their chains), as a scalar subquery."""
    return (
        select(aggregate)
        .select_from(EnterpriseLink)
        .join(ChainLink, ChainLink.id == EnterpriseLink.link_id)
        .join(Chain, Chain.id == ChainLink.chain_id)
        .where(EnterpriseLink.enterprise_id == Enterprise.id)
        .scalar_subquery()
    )


_TREE_ORDER = (Chain.id, ChainLink.sort_key)
_link_ids = _over_links(func.coalesce(func.array_agg(aggregate_order_by(ChainLink.id, *_TREE_ORDER)), text("'{}'::int[]")))
_links = _over_links(
    func.coalesce(
        func.json_agg(
            aggregate_order_by(
                json_object(
                    {
                        "id": ChainLink.id,
                        "name": ChainLink.name,
                        "chain_id": Chain.id,
                        "chain_name": Chain.name,
                    }
                ),
                *_TREE_ORDER,
            )
        ),
        EMPTY_JSON_ARRAY,
    )
)
_county = select(Region.name).where(Region.adcode == Enterprise.region_adcode).scalar_subquery()
_city = select(Region.parent_adcode).where(Region.adcode == Enterprise.region_adcode).scalar_subquery()


def _park(column: Any, user: Principal | None = None) -> ColumnElement[Any]:
    """`column` of the enterprise's park: always, or only when `user` may see the park."""
    return select(column).where(Park.id == Enterprise.park_id, true() if user is None else park_visible(user)).scalar_subquery()


FIELDS: dict[str, Any] = {
    "id": Enterprise.id,
    "name": Enterprise.name,
    "uscc": Enterprise.uscc,
    "location": geojson(Enterprise.location),
    "is_local": Enterprise.is_local,
    "region_adcode": Enterprise.region_adcode,
    "region_name": _county,
    "city_adcode": _city,
    "park_id": Enterprise.park_id,
    "park_name": _park(Park.name),
    "link_ids": _link_ids,
    "links": _links,
    "tags": Enterprise.tags,
    "revenue_yi": Enterprise.revenue_yi,
    "employees": Enterprise.employees,
    "year": Enterprise.year,
    **provenance_fields(Enterprise),
}
OUTPUT = OutputSpec(
    id=Enterprise.id,
    fields=FIELDS,
    geometry=Enterprise.location,
    sortable={
        "id": Enterprise.id,
        "name": Enterprise.name,
        "revenue_yi": Enterprise.revenue_yi,
        "employees": Enterprise.employees,
        "year": Enterprise.year,
        "updated_at": Enterprise.updated_at,
    },
    feature_fields={k: v for k, v in FIELDS.items() if k != "location"},
    version=Enterprise.row_version,
    related={"park_id": lambda user: _park(Park.id, user), "park_name": lambda user: _park(Park.name, user)},
)

_city_region = aliased(Region)
_city_name = (
    select(_city_region.name)
    .join(Region, Region.parent_adcode == _city_region.adcode)
    .where(Region.adcode == Enterprise.region_adcode)
    .scalar_subquery()
)
# string_agg takes ORDER BY after its last argument, the separator.
_link_names = _over_links(
    func.string_agg(Chain.name + "/" + ChainLink.name, aggregate_order_by(literal("；", String), *_TREE_ORDER))
)


def _degrees(value: Any) -> Any:
    return func.round(cast(value, Numeric), 6)


# The columns of an export, headed in Chinese, in the order a sheet shows them.
EXPORT: dict[str, Any] = {
    "企业名称": Enterprise.name,
    "统一社会信用代码": Enterprise.uscc,
    "本地/外地": case((Enterprise.is_local, "本地"), else_="外地"),
    "所在设区市": _city_name,
    "所在县（市、区）": _county,
    "所在园区": _park(Park.name),
    "产业链/环节": _link_names,
    "企业标签": zh_labels(Enterprise.tags, EnterpriseTag),
    "营业收入（亿元）": Enterprise.revenue_yi,
    "从业人数": Enterprise.employees,
    "数据年份": Enterprise.year,
    "经度": _degrees(func.ST_X(Enterprise.location)),
    "纬度": _degrees(func.ST_Y(Enterprise.location)),
    "数据来源": Enterprise.source,
    "数据时点": Enterprise.as_of,
    "演示数据": yes_no(Enterprise.is_demo),
    "更新时间": local_time(Enterprise.updated_at),
}


def export_columns(user: Principal) -> dict[str, Any]:
    """The export's columns as `user` may read them: a park they may not see is not named."""
    return EXPORT if user.sees_unpublished else {**EXPORT, "所在园区": _park(Park.name, user)}


def visible(user: Principal) -> Select[Any]:
    """Staff see all; others see published local enterprises, and a write key also the local
    ones it may edit. External enterprises are target candidates: staff only."""
    return select(Enterprise).where(
        published_or_own(
            user,
            and_(Enterprise.published, Enterprise.is_local),
            and_(Enterprise.is_local, Enterprise.region_adcode.in_(user.write_counties)),
            Enterprise.is_demo,
        )
    )


def filtered(q: EnterpriseQuery, user: Principal) -> Select[Any]:
    stmt = visible(user)
    if q.link is not None:
        # The link and every link below it, as coverage counts them.
        stmt = stmt.where(
            exists().where(
                EnterpriseLink.enterprise_id == Enterprise.id,
                ChainLink.id == EnterpriseLink.link_id,
                # ARRAY's any(value) at run time; SQLAlchemy types a Mapped[list] attribute's .any() as a relationship's.
                ChainLink.lineage.any(q.link),  # type: ignore[arg-type]
            )
        )
    if q.chain is not None:
        stmt = stmt.where(
            exists().where(
                EnterpriseLink.enterprise_id == Enterprise.id,
                ChainLink.id == EnterpriseLink.link_id,
                ChainLink.chain_id == q.chain,
            )
        )
    if (area := q.area()) is not None:
        shape = select(*area_columns(area[0], key_literal(*area))).subquery("area")
        stmt = stmt.where(exists(select(shape.c.area_kind).where(in_area(shape))))
    for column, value in (
        (Enterprise.is_local, q.is_local),
        (Enterprise.published, q.published),
        (Enterprise.is_demo, q.is_demo),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if q.tag is not None:
        # ARRAY's any(value) at run time; SQLAlchemy types a Mapped[list] attribute's .any() as a relationship's.
        stmt = stmt.where(Enterprise.tags.any(q.tag.value))  # type: ignore[arg-type]
    if q.q:
        stmt = stmt.where(Enterprise.name.icontains(q.q, autoescape=True))
    if (bbox := q.bbox_tuple) is not None:
        stmt = stmt.where(bbox_filter(Enterprise.location, bbox))
    return stmt


# Spaces, brackets of either width and punctuation do not tell two names apart.
_NAME_NOISE = r"[[:space:]()（）·.,，、\-]"
DUPLICATE_LIMIT = 20


def _bare(name: Any) -> Any:
    return func.regexp_replace(func.lower(name), _NAME_NOISE, "", "g")


def duplicates(q: DuplicateQuery, user: Principal) -> Select[Any]:
    """The enterprises already recorded under `q.uscc`, or under a name equal to `q.name` or
    holding it (or held by it), as one JSON array: the same code first."""
    bare = _bare(literal(q.name or "", String))
    by_uscc = Enterprise.uscc == q.uscc if q.uscc is not None else false()
    # Containment only for names long enough to mean something (4 characters and more).
    long_enough = func.char_length(bare) >= 4
    by_name = (
        or_(
            _bare(Enterprise.name) == bare,
            and_(long_enough, func.strpos(_bare(Enterprise.name), bare) > 0),
            and_(func.char_length(_bare(Enterprise.name)) >= 4, func.strpos(bare, _bare(Enterprise.name)) > 0),
        )
        if q.name is not None
        else false()
    )
    match = case((by_uscc, "uscc"), else_="name")
    rows = (
        visible(user)
        .where(or_(by_uscc, by_name))
        .with_only_columns(
            Enterprise.id,
            Enterprise.name,
            Enterprise.uscc,
            Enterprise.is_local,
            _county.label("region_name"),
            match.label("match"),
        )
        .order_by(match.desc(), Enterprise.id)
        .limit(DUPLICATE_LIMIT)
        .subquery("duplicate")
    )
    entry = func.row_to_json(rows.table_valued())
    return select(func.coalesce(func.json_agg(aggregate_order_by(entry, rows.c.match.desc(), rows.c.id)), EMPTY_JSON_ARRAY))
