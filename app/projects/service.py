"""Writes of key projects: save, stage moves (each kept); the monthly reports are app/projects/reports.py."""

from datetime import date
from typing import Any

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.chains.areas import require_area
from app.chains.models import AreaKind, ChainLink
from app.core.crud import assign
from app.core.errors import Conflict, InvalidInput
from app.core.links import Stored
from app.enterprises.models import Enterprise
from app.geo.validate import sql_geometry
from app.parks.models import Park
from app.projects.models import Project, ProjectReport, ProjectStage, ProjectStageChange
from app.projects.schemas import ProjectIn, ProjectMoveIn
from app.projects.stages import FUNNEL, check_move
from app.regions.models import Region
from app.regions.queries import require_region

WHAT = ("project", "重点项目")
_SCALARS = (
    "name",
    "enterprise_id",
    "cluster_id",
    "link_id",
    "park_id",
    "region_adcode",
    "project_type",
    "level",
    "investment_wan",
    "annual_output_wan",
    "annual_tax_wan",
    "signed_on",
    "planned_start_on",
    "planned_production_on",
    "planned_full_on",
    "officer",
    "leader",
    "notes",
    "source",
    "as_of",
    "is_demo",
    "published",
)
# The actual date each funnel stage sets when reached.
_DATE_OF = {ProjectStage.STARTED: "started_on", ProjectStage.PRODUCING: "producing_on", ProjectStage.FULL: "full_on"}


def _place(session: Session, data: ProjectIn) -> Any:
    """Fill in the county from the park, and the location from the park when none is given; returns
    the location as a SQL expression."""
    park = session.get(Park, data.park_id) if data.park_id is not None else None
    if data.park_id is not None and park is None:
        raise InvalidInput.one("park_id", f"unknown park {data.park_id}", f"未知的园区 {data.park_id}")
    if park is not None:
        if data.region_adcode not in (None, park.region_adcode):
            raise InvalidInput.one(
                "region_adcode",
                f"park {park.id} lies in {park.region_adcode}, not {data.region_adcode}",
                f"园区 {park.id} 位于 {park.region_adcode}，而非 {data.region_adcode}",
            )
        data.region_adcode = park.region_adcode
    if data.region_adcode is None:
        raise InvalidInput.one("park_id", "give the park, or the county (region_adcode)", "请填写园区，或所在县（region_adcode）")
    require_region(session, data.region_adcode, "region_adcode", level="county")
    if data.location is not None:
        return sql_geometry(data.location)
    if park is None:
        raise InvalidInput.one("location", "give the project's location, or its park", "请填写项目位置，或所在园区")
    return park.location


def _check(session: Session, data: ProjectIn) -> None:
    if session.get(Enterprise, data.enterprise_id) is None:
        raise InvalidInput.one("enterprise_id", f"unknown enterprise {data.enterprise_id}", f"未知的企业 {data.enterprise_id}")
    if data.cluster_id is not None:
        require_area(session, AreaKind.CLUSTER, str(data.cluster_id), "cluster_id")
    if data.link_id is not None and session.get(ChainLink, data.link_id) is None:
        raise InvalidInput.one("link_id", f"unknown chain link {data.link_id}", f"未知的产业链环节 {data.link_id}")


def record_move(session: Session, project_id: int, frm: str | None, to: str, on: date, reason: str | None) -> None:
    session.add(ProjectStageChange(project_id=project_id, from_stage=frm, to_stage=to, happened_on=on, reason=reason))


def save(session: Session, data: ProjectIn, project: Project | None = None, target_id: int | None = None) -> int:
    _check(session, data)
    location = _place(session, data)
    new = project is None
    project = assign(session, project or Project(stage=ProjectStage.SIGNED.value, target_id=target_id), data, _SCALARS)
    project.location = location
    session.flush()
    if new:
        record_move(session, project.id, None, ProjectStage.SIGNED.value, data.signed_on, None)
        session.flush()
    return project.id


def scope_of(session: Session, fields: dict[str, Any]) -> tuple[set[str], int | None]:
    """A project is written by those whose scope holds its county (and park)."""
    county = fields.get("region_adcode")
    if fields.get("park_id") is not None:
        county = session.execute(select(Park.region_adcode).where(Park.id == fields["park_id"])).scalar_one_or_none()
    return ({county} if county else set()), fields.get("park_id")


def patch_base(project: Project, stored: Stored, patch: dict[str, Any]) -> Stored:
    if "stage" in patch:
        raise InvalidInput.one(
            "stage",
            "the stage changes through POST /projects/{id}/transitions, which keeps its history",
            "阶段须通过 POST /projects/{id}/transitions 变更（以保留变更记录）",
        )
    # A project moved to another park takes that park's county.
    return {k: v for k, v in stored.items() if not ("park_id" in patch and k == "region_adcode")}


def reached(project: Project) -> ProjectStage:
    """The furthest funnel stage the project has an actual date for."""
    for stage in reversed(FUNNEL[1:]):
        if getattr(project, _DATE_OF[stage]) is not None:
            return stage
    return ProjectStage.SIGNED


def move(session: Session, project: Project, data: ProjectMoveIn, today: date) -> None:
    """Move the project (locked by the caller); a funnel stage reached sets its actual date (and
    those of the stages skipped) to `data.on`."""
    on = data.on or today
    if on > today:
        raise InvalidInput.one("on", f"{on} is in the future", f"{on} 晚于今天")
    if on < project.signed_on:
        raise InvalidInput.one(
            "on", f"{on} is before the signing ({project.signed_on})", f"{on} 早于签约日期 {project.signed_on}"
        )
    frm = ProjectStage.of(project.stage)
    check_move(frm, reached(project), data.to, data.confirm_skip, data.reason)
    if data.to in FUNNEL:
        for stage in FUNNEL[1 : FUNNEL.index(data.to) + 1]:
            if getattr(project, _DATE_OF[stage]) is None:
                setattr(project, _DATE_OF[stage], on)
    project.stage = data.to.value
    project.stage_changed_at = func.now()
    record_move(session, project.id, frm.value, data.to.value, on, data.reason)
    session.flush()


def before_delete(session: Session, project: Project, request: Request) -> None:
    if project.target_id is not None:
        raise Conflict(
            f"project {project.id} was signed from target {project.target_id}: an admin undoes the signing instead",
            f"项目 {project.id} 由目标 {project.target_id} 签约生成：请由管理员撤销签约",
        )
    if session.execute(select(ProjectReport.id).where(ProjectReport.project_id == project.id).limit(1)).first():
        raise Conflict(
            f"project {project.id} has monthly reports: they stay on record", f"项目 {project.id} 已有月度调度报告，须保留"
        )


def county_of(session: Session, adcode: str) -> str | None:
    """`adcode` when it is a county, else None."""
    level = session.execute(select(Region.level).where(Region.adcode == adcode)).scalar_one_or_none()
    return adcode if level == "county" else None
