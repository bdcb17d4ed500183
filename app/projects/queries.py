"""Reads of key projects, built in SQL, with the schedule status of app/projects/status.py. Staff
only: `visible` refuses everyone else (lists, items, exports, the layer, the behind list)."""

from typing import Any

from sqlalchemy import Date, Select, case, false, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app.chains.models import ChainLink
from app.clusters.models import Cluster
from app.core.auth import Principal, require_staff
from app.core.codes import sql_rank
from app.core.export import local_time, yes_no, zh_label
from app.core.listing import EMPTY_JSON_ARRAY, OutputSpec, bbox_filter, geojson, json_object
from app.core.provenance import provenance_fields
from app.enterprises.models import Enterprise
from app.parks.models import Park
from app.projects import reports, status
from app.projects.models import (
    Project,
    ProjectLevel,
    ProjectReport,
    ProjectReportVersion,
    ProjectStage,
    ProjectStageChange,
    ProjectStatus,
    ProjectType,
)
from app.projects.schemas import BehindQuery, ProjectQuery
from app.regions.models import Region
from app.regions.queries import within_region


def _name(model: Any, key: Any) -> Any:
    return select(model.name).where(model.id == key).scalar_subquery()


_enterprise_name = _name(Enterprise, Project.enterprise_id)
_cluster_name = _name(Cluster, Project.cluster_id)
_link_name = _name(ChainLink, Project.link_id)
_park_name = _name(Park, Project.park_id)
_region_name = select(Region.name).where(Region.adcode == Project.region_adcode).scalar_subquery()
STATUS = status.columns()

FIELDS: dict[str, Any] = {
    "id": Project.id,
    "name": Project.name,
    "target_id": Project.target_id,
    "enterprise_id": Project.enterprise_id,
    "enterprise_name": _enterprise_name,
    "cluster_id": Project.cluster_id,
    "cluster_name": _cluster_name,
    "link_id": Project.link_id,
    "link_name": _link_name,
    "park_id": Project.park_id,
    "park_name": _park_name,
    "region_adcode": Project.region_adcode,
    "region_name": _region_name,
    "project_type": Project.project_type,
    "level": Project.level,
    "stage": Project.stage,
    "stage_changed_at": Project.stage_changed_at,
    "investment_wan": Project.investment_wan,
    "annual_output_wan": Project.annual_output_wan,
    "annual_tax_wan": Project.annual_tax_wan,
    "signed_on": Project.signed_on,
    "planned_start_on": Project.planned_start_on,
    "planned_production_on": Project.planned_production_on,
    "planned_full_on": Project.planned_full_on,
    "started_on": Project.started_on,
    "producing_on": Project.producing_on,
    "full_on": Project.full_on,
    "officer": Project.officer,
    "leader": Project.leader,
    "location": geojson(Project.location),
    "notes": Project.notes,
    **STATUS,
    **provenance_fields(Project),
}
SORTABLE: dict[str, Any] = {
    "id": Project.id,
    "name": Project.name,
    "stage": sql_rank(Project.stage, ProjectStage),
    "status": sql_rank(STATUS["status"], ProjectStatus),
    "level": sql_rank(Project.level, ProjectLevel),
    "investment_wan": Project.investment_wan,
    "signed_on": Project.signed_on,
    "updated_at": Project.updated_at,
}
_FEATURE_FIELDS = {k: v for k, v in FIELDS.items() if k != "location"}
OUTPUT = OutputSpec(
    id=Project.id,
    fields=FIELDS,
    geometry=Project.location,
    sortable=SORTABLE,
    feature_fields=_FEATURE_FIELDS,
    version=Project.row_version,
)


def _agg(entry: Any, *order: Any) -> Any:
    return func.coalesce(func.json_agg(aggregate_order_by(entry, *order)), EMPTY_JSON_ARRAY)


HISTORY = (
    select(
        _agg(
            json_object(
                {
                    "from_stage": ProjectStageChange.from_stage,
                    "to_stage": ProjectStageChange.to_stage,
                    "happened_on": ProjectStageChange.happened_on,
                    "reason": ProjectStageChange.reason,
                    "changed_by": ProjectStageChange.changed_by,
                    "changed_at": ProjectStageChange.changed_at,
                }
            ),
            ProjectStageChange.changed_at,
            ProjectStageChange.id,
        )
    )
    .where(ProjectStageChange.project_id == Project.id)
    .scalar_subquery()
)
REPORT_FIELDS = {
    "id": ProjectReport.id,
    "month": ProjectReport.month,
    "investment_month_wan": ProjectReport.investment_month_wan,
    "investment_total_wan": ProjectReport.investment_total_wan,
    "funds_arrived_wan": ProjectReport.funds_arrived_wan,
    "progress": ProjectReport.progress,
    "progress_pct": ProjectReport.progress_pct,
    "problems": ProjectReport.problems,
    "coordination_dept": ProjectReport.coordination_dept,
    "filed_by": ProjectReport.filed_by,
    "filed_at": ProjectReport.filed_at,
    "closes_on": reports.closes_on_sql(ProjectReport.month),
    "closed": reports.closes_on_sql(ProjectReport.month) <= status.TODAY,
    "version": ProjectReport.version,
    "corrected_by": ProjectReport.corrected_by,
    "corrected_at": ProjectReport.corrected_at,
    "correction_reason": ProjectReport.correction_reason,
    "earlier": select(
        _agg(
            json_object(
                {
                    "version": ProjectReportVersion.version,
                    "content": ProjectReportVersion.content,
                    "replaced_by": ProjectReportVersion.replaced_by,
                    "replaced_at": ProjectReportVersion.replaced_at,
                    "reason": ProjectReportVersion.reason,
                }
            ),
            ProjectReportVersion.version,
        )
    )
    .where(ProjectReportVersion.report_id == ProjectReport.id)
    .scalar_subquery(),
}
REPORTS = (
    select(_agg(json_object(REPORT_FIELDS), ProjectReport.month)).where(ProjectReport.project_id == Project.id).scalar_subquery()
)
_DETAIL_EXTRA = {"history": HISTORY, "reports": REPORTS}
DETAIL = OutputSpec(
    id=Project.id,
    fields={**FIELDS, **_DETAIL_EXTRA},
    geometry=Project.location,
    sortable=SORTABLE,
    feature_fields={**_FEATURE_FIELDS, **_DETAIL_EXTRA},
    version=Project.row_version,
)

EXPORT: dict[str, Any] = {
    "项目名称": Project.name,
    "投资企业": _enterprise_name,
    "产业集群": _cluster_name,
    "产业链环节": _link_name,
    "园区": _park_name,
    "县（市、区）": _region_name,
    "项目类型": zh_label(Project.project_type, ProjectType),
    "级别": zh_label(Project.level, ProjectLevel),
    "阶段": zh_label(Project.stage, ProjectStage),
    "调度状态": zh_label(STATUS["status"], ProjectStatus),
    "计划总投资（万元）": Project.investment_wan,
    "累计完成投资（万元）": STATUS["investment_reported_wan"],
    "签约日期": Project.signed_on,
    "计划开工": Project.planned_start_on,
    "实际开工": Project.started_on,
    "计划投产": Project.planned_production_on,
    "实际投产": Project.producing_on,
    "计划达产": Project.planned_full_on,
    "实际达产": Project.full_on,
    "滞后天数": STATUS["days_late"],
    "上月调度缺报": yes_no(STATUS["report_missing"]),
    "责任人": Project.officer,
    "联系领导": Project.leader,
    "阶段更新时间": local_time(Project.stage_changed_at),
    "数据来源": Project.source,
    "演示数据": yes_no(Project.is_demo),
}


def visible(user: Principal) -> Select[Any]:
    require_staff(user)
    return select(Project)


def layer_rows(user: Principal) -> Select[Any]:
    """The project layer's rows: every project for staff, none for others (the catalogue hides the
    layer from them; its property types are read as an anonymous caller)."""
    return select(Project) if user.is_staff else select(Project).where(false())


def _in_area(q: ProjectQuery) -> Any:
    if q.region is not None:
        return within_region(Project.region_adcode, q.region)
    if q.park is not None:
        return Project.park_id == q.park
    return Project.cluster_id == q.cluster


def filtered(q: ProjectQuery, user: Principal) -> Select[Any]:
    stmt = visible(user)
    for column, value in (
        (Project.stage, q.stage),
        (STATUS["status"], q.status),
        (Project.level, q.level),
        (Project.officer, q.officer),
        (Project.is_demo, q.is_demo),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if q.link is not None:
        # ARRAY's any(value) at run time; SQLAlchemy types a Mapped[list] attribute's .any() as a relationship's.
        stmt = stmt.where(Project.link_id.in_(select(ChainLink.id).where(ChainLink.lineage.any(q.link))))  # type: ignore[arg-type]
    if q.area() is not None:
        stmt = stmt.where(_in_area(q))
    if q.q:
        stmt = stmt.where(Project.name.icontains(q.q, autoescape=True))
    if (bbox := q.bbox_tuple) is not None:
        stmt = stmt.where(bbox_filter(Project.location, bbox))
    return stmt


def behind(q: BehindQuery, user: Principal) -> Select[Any]:
    """The projects amber or red as of `q.as_of` (red only: the escalation list 提级调度), worst
    first, as one JSON array."""
    as_of = literal(q.as_of, Date) if q.as_of is not None else status.TODAY
    cols = status.columns(as_of)
    wanted = [q.status.value] if q.status is not None else [ProjectStatus.AMBER.value, ProjectStatus.RED.value]
    entry = json_object(
        {
            "id": Project.id,
            "name": Project.name,
            "cluster_id": Project.cluster_id,
            "cluster_name": _cluster_name,
            "park_name": _park_name,
            "region_adcode": Project.region_adcode,
            "region_name": _region_name,
            "level": Project.level,
            "stage": Project.stage,
            "investment_wan": Project.investment_wan,
            "officer": Project.officer,
            "leader": Project.leader,
            **cols,
        }
    )
    rows = visible(user).where(cols["status"].in_(wanted))
    if q.cluster is not None:
        rows = rows.where(Project.cluster_id == q.cluster)
    if q.region is not None:
        rows = rows.where(within_region(Project.region_adcode, q.region))
    red_first = case((cols["status"] == ProjectStatus.RED.value, 0), else_=1)
    order = (red_first, cols["days_late"].desc().nulls_last(), Project.id)
    return rows.with_only_columns(_agg(entry, *order))
