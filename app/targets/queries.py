"""Reads of targets, built in SQL. Staff only: `visible` refuses everyone else, so every route
that reads targets (list, item, GeoJSON, export) refuses them too."""

from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import Date, Select, and_, cast, func, or_, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from app.chains.areas import area_keys, area_of
from app.chains.models import Chain, ChainLink, Priority
from app.clusters.models import ClusterPark
from app.core.auth import Principal, require_staff
from app.core.codes import sql_rank
from app.core.export import local_time, yes_no, zh_label
from app.core.listing import EMPTY_JSON_ARRAY, OutputSpec, bbox_filter, geojson, json_object
from app.core.provenance import provenance_fields
from app.enterprises.models import Enterprise
from app.parks.models import Park
from app.regions.queries import within_region
from app.targets.models import Target, TargetStage, TargetStageChange
from app.targets.schemas import TargetQuery
from app.targets.stages import OPEN

TODAY = cast(local_time(func.now()), Date)
# False, not null, without a date: the filter overdue=false then keeps targets with no next action.
overdue = func.coalesce(and_(Target.next_action_date < TODAY, Target.stage.in_([s.value for s in OPEN])), False)
_area = area_of(Target)


def _enterprise(column: Any) -> Any:
    return select(column).where(Enterprise.id == Target.enterprise_id).scalar_subquery()


_link_name = select(ChainLink.name).where(ChainLink.id == Target.link_id).scalar_subquery()
_chain_id = select(ChainLink.chain_id).where(ChainLink.id == Target.link_id).scalar_subquery()
_chain_name = (
    select(Chain.name).join(ChainLink, ChainLink.chain_id == Chain.id).where(ChainLink.id == Target.link_id).scalar_subquery()
)
_enterprise_name = _enterprise(Enterprise.name)
# The cast keeps GeoAlchemy's ST_AsGeoJSON from reading the subquery as a table to turn into features.
_location = cast(_enterprise(Enterprise.location), Geometry)
IntendedPark = aliased(Park, name="intended_park")


def _intended(column: Any) -> Any:
    return select(column).where(IntendedPark.id == Target.intended_park_id).scalar_subquery()


_park_name = _intended(IntendedPark.name)

FIELDS: dict[str, Any] = {
    "id": Target.id,
    "enterprise_id": Target.enterprise_id,
    "enterprise_name": _enterprise_name,
    "enterprise_uscc": _enterprise(Enterprise.uscc),
    "location": _enterprise(geojson(Enterprise.location)),
    "gap_id": Target.gap_id,
    "link_id": Target.link_id,
    "link_name": _link_name,
    "chain_id": _chain_id,
    "chain_name": _chain_name,
    **_area,
    **area_keys(Target),
    "priority": Target.priority,
    "owner": Target.owner,
    "intended_park_id": Target.intended_park_id,
    "intended_park_name": _park_name,
    # With `location`, what the map draws the line from headquarters to the park with.
    "intended_park_location": _intended(geojson(IntendedPark.location)),
    "stage": Target.stage,
    "stage_changed_at": Target.stage_changed_at,
    "drop_reason": Target.drop_reason,
    "signed_at": Target.signed_at,
    "next_action": Target.next_action,
    "next_action_date": Target.next_action_date,
    "overdue": overdue,
    "notes": Target.notes,
    **provenance_fields(Target),
}
SORTABLE = {
    "id": Target.id,
    "enterprise_name": _enterprise_name,
    "priority": sql_rank(Target.priority, Priority),
    "stage": sql_rank(Target.stage, TargetStage),
    "owner": Target.owner,
    "next_action_date": Target.next_action_date,
    "stage_changed_at": Target.stage_changed_at,
    "updated_at": Target.updated_at,
}
_FEATURE_FIELDS = {k: v for k, v in FIELDS.items() if k != "location"}
OUTPUT = OutputSpec(
    id=Target.id, fields=FIELDS, geometry=_location, sortable=SORTABLE, feature_fields=_FEATURE_FIELDS, version=Target.row_version
)

_history = (
    select(
        func.coalesce(
            func.json_agg(
                aggregate_order_by(
                    json_object(
                        {
                            "from_stage": TargetStageChange.from_stage,
                            "to_stage": TargetStageChange.to_stage,
                            "reason": TargetStageChange.reason,
                            "changed_by": TargetStageChange.changed_by,
                            "changed_at": TargetStageChange.changed_at,
                        }
                    ),
                    TargetStageChange.changed_at,
                    TargetStageChange.id,
                )
            ),
            EMPTY_JSON_ARRAY,
        )
    )
    .where(TargetStageChange.target_id == Target.id)
    .scalar_subquery()
)
DETAIL = OutputSpec(
    id=Target.id,
    fields={**FIELDS, "history": _history},
    geometry=_location,
    sortable=SORTABLE,
    feature_fields={**_FEATURE_FIELDS, "history": _history},
    version=Target.row_version,
)

EXPORT: dict[str, Any] = {
    "目标企业": _enterprise_name,
    "统一社会信用代码": FIELDS["enterprise_uscc"],
    "产业链": _chain_name,
    "产业链环节": _link_name,
    "招商区域": _area["area_name"],
    "优先级": zh_label(Target.priority, Priority),
    "责任人": Target.owner,
    "意向园区": _park_name,
    "阶段": zh_label(Target.stage, TargetStage),
    "阶段更新时间": local_time(Target.stage_changed_at),
    "放弃原因": Target.drop_reason,
    "下一步行动": Target.next_action,
    "计划日期": Target.next_action_date,
    "是否逾期": yes_no(overdue),
    "备注": Target.notes,
    "数据来源": Target.source,
    "演示数据": yes_no(Target.is_demo),
}


def visible(user: Principal) -> Select[Any]:
    require_staff(user)
    return select(Target)


def _in_area(q: TargetQuery) -> Any:
    """The target's area, or its intended park, lies in the area asked for."""
    if q.region is not None:
        parks = select(Park.id).where(within_region(Park.region_adcode, q.region))
        return or_(within_region(Target.region_adcode, q.region), Target.park_id.in_(parks), Target.intended_park_id.in_(parks))
    if q.park is not None:
        return or_(Target.park_id == q.park, Target.intended_park_id == q.park)
    parks = select(ClusterPark.park_id).where(ClusterPark.cluster_id == q.cluster)
    return or_(Target.cluster_id == q.cluster, Target.park_id.in_(parks), Target.intended_park_id.in_(parks))


def filtered(q: TargetQuery, user: Principal) -> Select[Any]:
    stmt = visible(user)
    for column, value in (
        (Target.gap_id, q.gap),
        (_chain_id, q.chain),
        (Target.stage, q.stage),
        (Target.owner, q.owner),
        (Target.priority, q.priority),
        (Target.intended_park_id, q.intended_park),
        (Target.is_demo, q.is_demo),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if q.link is not None:
        # The link and every link below it, as the chain view counts them.
        # ARRAY's any(value) at run time; SQLAlchemy types a Mapped[list] attribute's .any() as a relationship's.
        stmt = stmt.where(Target.link_id.in_(select(ChainLink.id).where(ChainLink.lineage.any(q.link))))  # type: ignore[arg-type]
    if q.area() is not None:
        stmt = stmt.where(_in_area(q))
    if q.overdue is not None:
        stmt = stmt.where(overdue if q.overdue else ~overdue)
    if q.q:
        stmt = stmt.where(Target.enterprise_id.in_(select(Enterprise.id).where(Enterprise.name.icontains(q.q, autoescape=True))))
    if (bbox := q.bbox_tuple) is not None:
        stmt = stmt.where(Target.enterprise_id.in_(select(Enterprise.id).where(bbox_filter(Enterprise.location, bbox))))
    return stmt
