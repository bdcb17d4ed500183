"""Target lists (目标清单), for staff only: list (JSON, GeoJSON), export, read, create, patch,
delete, and stage moves as their own endpoint."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app.core.auth import CurrentUser, WriterDep, require_scope, require_staff
from app.core.crud import Resource, crud_router, get_or_404
from app.core.database import SessionDep
from app.core.export import EXPORT_RESPONSES, export_list
from app.core.listing import RecordId, json_answer, render_one
from app.core.patching import json_body
from app.targets import queries, service
from app.targets.candidates import CandidateQuery, candidates
from app.targets.models import Target
from app.targets.schemas import (
    ActivityIn,
    ActivityOut,
    MoveIn,
    StageChangeOut,
    TargetExportQuery,
    TargetIn,
    TargetOut,
    TargetQuery,
)

TAG = "targets 招商目标"
# Every route: reads and writes alike are for officers, leaders and admins, never partner keys.
router = APIRouter(tags=[TAG], dependencies=[Depends(require_staff)])
RESOURCE = Resource(
    name="targets",
    what=service.WHAT,
    model=Target,
    list_output=queries.OUTPUT,
    detail_output=queries.DETAIL,
    query_model=TargetQuery,
    in_model=TargetIn,
    out_model=TargetOut,
    visible=queries.visible,
    filtered=queries.filtered,
    save=service.save,
    scope_of=service.scope_of,
    patch_base=service.patch_base,
    before_delete=service.before_delete,
    links=service.links,
)


# Declared before the generic routes so that /targets/export is not read as an id.
@router.get(
    "/targets/export",
    summary="Export the filtered target list (XLSX/CSV) / 导出目标清单",
    response_class=Response,
    responses=EXPORT_RESPONSES,
)
def export_targets(session: SessionDep, user: CurrentUser, q: Annotated[TargetExportQuery, Query()]) -> Response:
    return export_list(session, queries.filtered(q, user), queries.EXPORT, queries.OUTPUT, q.sort, q.format, "招商目标清单")


@router.get("/targets/candidates", summary="Candidates for a gap: enterprises outside the area on a link / 招商候选企业")
def target_candidates(session: SessionDep, q: Annotated[CandidateQuery, Query()]) -> Response:
    """The enterprises that work in `link` outside the area (elsewhere in the province, or
    outside it), ranked: 链主 first, then revenue, employees, distance to the area; `target_id`
    when one is already on the list of that link and area."""
    return json_answer(session, candidates(session, q))


router.include_router(crud_router(RESOURCE, tag=TAG))


@router.post(
    "/targets/{item_id:int}/transitions",
    summary="Move a target to another stage / 变更目标阶段",
    responses={200: {"model": TargetOut}},
)
def move_target(
    item_id: RecordId, body: Annotated[MoveIn, json_body(MoveIn)], request: Request, session: SessionDep, user: WriterDep
) -> Response:
    """Refuses illegal moves (e.g. 签约 → 线索) with 409 and says why; dropping needs a reason.
    The row is locked, so of two officers moving the same target at once the second sees the
    first's stage. A skip needs `confirm_skip` and a reason; signing has its own endpoint
    (POST /targets/{id}/signing), which asks for the signing data and creates the project."""
    target, stored = RESOURCE.stored(session, item_id)
    require_scope(user, *service.scope_of(session, stored))
    service.move(session, target, body)
    return _detail(request, session, user, item_id)


def _detail(request: Request, session: SessionDep, user: CurrentUser, item_id: int) -> Response:
    return render_one(
        session, request, queries.DETAIL, queries.visible(user).where(Target.id == item_id), "json", service.WHAT, item_id
    )


@router.get(
    "/targets/{item_id:int}/stages",
    summary="Stage history of a target / 目标阶段变更记录",
    responses={200: {"model": list[StageChangeOut]}},
)
def target_history(item_id: RecordId, session: SessionDep, user: CurrentUser) -> Response:
    get_or_404(session, Target, item_id, service.WHAT)
    return json_answer(session, queries.visible(user).where(Target.id == item_id).with_only_columns(queries.HISTORY))


@router.get(
    "/targets/{item_id:int}/activities",
    summary="Activity log of a target / 目标跟进记录",
    responses={200: {"model": list[ActivityOut]}},
)
def target_activities(item_id: RecordId, session: SessionDep, user: CurrentUser) -> Response:
    get_or_404(session, Target, item_id, service.WHAT)
    return json_answer(session, queries.activities(item_id))


@router.post(
    "/targets/{item_id:int}/activities",
    status_code=201,
    summary="Record a call, visit or meeting / 新增跟进记录",
    responses={201: {"model": list[ActivityOut]}},
)
def add_target_activity(
    item_id: RecordId, body: Annotated[ActivityIn, json_body(ActivityIn)], session: SessionDep, user: WriterDep
) -> Response:
    """Answers the whole log, newest first, the new entry among it."""
    _, stored = RESOURCE.stored(session, item_id)
    require_scope(user, *service.scope_of(session, stored))
    service.add_activity(session, item_id, body)
    return json_answer(session, queries.activities(item_id), status_code=201)
