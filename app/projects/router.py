"""Key projects (重点项目), for staff only: list (JSON, GeoJSON), export, read, create, patch,
delete; stage moves; monthly reports; the behind-schedule and escalation lists; and the signing
of a target, which creates its project, with an admin's undo."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from app.core.auth import (
    AdminDep,
    CurrentUser,
    Principal,
    WriterDep,
    name_actor,
    require_scope,
    require_staff,
    require_writer,
)
from app.core.crud import Resource, crud_router, get_or_404
from app.core.database import SessionDep
from app.core.export import EXPORT_RESPONSES, export_list
from app.core.listing import RecordId, json_answer, render_one
from app.core.patching import json_body
from app.core.urls import url_of
from app.projects import queries, reports, service, signing
from app.projects.models import Project
from app.projects.schemas import (
    BehindOut,
    BehindQuery,
    Month,
    ProjectExportQuery,
    ProjectIn,
    ProjectMoveIn,
    ProjectOut,
    ProjectQuery,
    ReportIn,
    ReportOut,
    ReportValues,
    SigningIn,
    UndoSigningIn,
)
from app.targets import queries as target_queries
from app.targets import service as target_service
from app.targets.models import Target
from app.targets.schemas import TargetOut

TAG = "projects 重点项目"
router = APIRouter(tags=[TAG], dependencies=[Depends(require_staff)])
RESOURCE = Resource(
    name="projects",
    what=service.WHAT,
    model=Project,
    list_output=queries.OUTPUT,
    detail_output=queries.DETAIL,
    query_model=ProjectQuery,
    in_model=ProjectIn,
    out_model=ProjectOut,
    visible=queries.visible,
    filtered=queries.filtered,
    save=service.save,
    scope_of=service.scope_of,
    patch_base=service.patch_base,
    before_delete=service.before_delete,
)
GET_PROJECT = "get_projects_item"


def _today() -> date:
    """The service's day (one place, so that every date rule agrees)."""
    return date.today()


def _area_of(target: Target) -> dict[str, object]:
    return {k: getattr(target, k) for k in ("gap_id", "region_adcode", "park_id", "cluster_id")}


def _detail(request: Request, session: SessionDep, user: CurrentUser, item_id: int) -> Response:
    return render_one(
        session, request, queries.DETAIL, queries.visible(user).where(Project.id == item_id), "json", service.WHAT, item_id
    )


@router.get(
    "/projects/export",
    summary="Export the filtered project list (XLSX/CSV) / 导出重点项目清单",
    response_class=Response,
    responses=EXPORT_RESPONSES,
)
def export_projects(session: SessionDep, user: CurrentUser, q: Annotated[ProjectExportQuery, Query()]) -> Response:
    return export_list(session, queries.filtered(q, user), queries.EXPORT, queries.OUTPUT, q.sort, q.format, "重点项目清单")


@router.get(
    "/projects/behind",
    summary="Projects behind schedule; status=red: the escalation list / 滞后项目与提级调度清单",
    responses={200: {"model": list[BehindOut]}},
)
def behind_schedule(session: SessionDep, user: CurrentUser, q: Annotated[BehindQuery, Query()]) -> Response:
    """Amber and red projects as of `as_of` (today by default), red first, then the latest; each
    with why (`status_reasons`: stage_late, no_report, investment_short, suspended)."""
    return json_answer(session, queries.behind(q, user))


router.include_router(crud_router(RESOURCE, tag=TAG))


@router.post(
    "/projects/{item_id:int}/transitions",
    summary="Move a project to another stage / 变更项目阶段",
    responses={200: {"model": ProjectOut}},
)
def move_project(
    item_id: RecordId,
    body: Annotated[ProjectMoveIn, json_body(ProjectMoveIn)],
    request: Request,
    session: SessionDep,
    user: WriterDep,
) -> Response:
    """Forward one stage by default; a skip needs `confirm_skip` and a reason; 停缓建 and 终止 a
    reason. The stage reached takes `on` (today by default) as its actual date."""
    project, stored = RESOURCE.stored(session, item_id)
    require_scope(user, *service.scope_of(session, stored))
    service.move(session, project, body, _today())
    return _detail(request, session, user, item_id)


@router.get(
    "/projects/{item_id:int}/reports",
    summary="Monthly reports of a project / 项目月度调度",
    responses={200: {"model": list[ReportOut]}},
)
def project_reports(item_id: RecordId, session: SessionDep, user: CurrentUser) -> Response:
    get_or_404(session, Project, item_id, service.WHAT)
    return json_answer(session, queries.visible(user).where(Project.id == item_id).with_only_columns(queries.REPORTS))


def require_reporter(request: Request, user: CurrentUser, session: SessionDep) -> Principal:
    """Writers file reports; leaders, who write nothing else, correct closed months."""
    if user.role != "leader":
        return require_writer(request, user, session)
    name_actor(request, user, session)
    return user


ReporterDep = Annotated[Principal, Depends(require_reporter)]


def _with_reports(request: Request, session: SessionDep, user: Principal, item_id: int, code: int) -> Response:
    response = _detail(request, session, user, item_id)
    response.status_code = code
    return response


@router.post(
    "/projects/{item_id:int}/reports",
    status_code=status.HTTP_201_CREATED,
    summary="File the monthly report of a project / 填报月度调度",
    responses={201: {"model": ProjectOut}},
)
def file_report(
    item_id: RecordId, body: Annotated[ReportIn, json_body(ReportIn)], request: Request, session: SessionDep, user: ReporterDep
) -> Response:
    """One per project and month (a second for the same month: 409). Officers in scope file until
    the month closes (INVESTMAP_PROJECT_MONTH_CLOSE_DAY of the next month; then 409); an admin or
    a leader files a closed month's missing report late, with a reason. Answers the project with
    its reports and its status after the filing."""
    project, _ = RESOURCE.stored(session, item_id)
    reports.file(session, user, project, body, _today())
    return _with_reports(request, session, user, item_id, status.HTTP_201_CREATED)


@router.put(
    "/projects/{item_id:int}/reports/{month}",
    summary="Change or correct a monthly report / 修改或更正月度调度",
    responses={200: {"model": ProjectOut}},
)
def change_report(
    item_id: RecordId,
    month: Annotated[Month, Path(description="调度月份 YYYY-MM")],
    body: Annotated[ReportValues, json_body(ReportValues)],
    request: Request,
    session: SessionDep,
    user: ReporterDep,
) -> Response:
    """While the month is open the officer in scope changes it; once closed only an admin or a
    leader, with a reason (else 409, 403 or 422). The values replaced are kept as a numbered
    version (`reports[].earlier`) and the audit trail records the change."""
    project, _ = RESOURCE.stored(session, item_id)
    reports.change(session, user, project, month, body, _today())
    return _with_reports(request, session, user, item_id, status.HTTP_200_OK)


@router.post(
    "/targets/{item_id:int}/signing",
    status_code=status.HTTP_201_CREATED,
    summary="Sign a target: its project is created / 目标签约并生成项目",
    responses={201: {"model": ProjectOut}},
)
def sign_target(
    item_id: RecordId, body: Annotated[SigningIn, json_body(SigningIn)], request: Request, session: SessionDep, user: WriterDep
) -> Response:
    """签约 asks for the signing data (date, investment, the project's name, …); the target
    becomes signed and its project is created in one transaction, or neither. From before 洽谈
    the move is a skip: `confirm_skip` and a reason. Answers the new project."""
    target = get_or_404(session, Target, item_id, target_service.WHAT, lock=True)
    require_scope(user, *target_service.scope_of(session, _area_of(target)))
    project_id = signing.sign(session, target, body)
    response = _detail(request, session, user, project_id)
    response.status_code = status.HTTP_201_CREATED
    response.headers["Location"] = url_of(request, GET_PROJECT, item_id=project_id)
    return response


@router.post(
    "/targets/{item_id:int}/signing/undo",
    summary="Undo a signing (admins, within the window) / 撤销签约",
    responses={200: {"model": TargetOut}},
)
def undo_signing(
    item_id: RecordId,
    body: Annotated[UndoSigningIn, json_body(UndoSigningIn)],
    request: Request,
    session: SessionDep,
    user: WriterDep,
    _admin: AdminDep,
) -> Response:
    """Within INVESTMAP_PROJECT_UNDO_SIGNING_HOURS of the signing and before any monthly report:
    the project is deleted and the target returns to the stage it was signed from, with the
    reason in its history; the audit trail keeps the deleted project."""
    target = get_or_404(session, Target, item_id, target_service.WHAT, lock=True)
    signing.undo(session, target, body.reason, signing.utc_now())
    return render_one(
        session,
        request,
        target_queries.DETAIL,
        target_queries.visible(user).where(Target.id == item_id),
        "json",
        target_service.WHAT,
        item_id,
    )
