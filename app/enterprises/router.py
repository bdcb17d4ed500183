"""Enterprises: list (JSON, GeoJSON), export, read, create, patch, delete."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.core.auth import CurrentUser, StaffDep
from app.core.crud import Resource, collection_guard, crud_router
from app.core.database import SessionDep
from app.core.export import EXPORT_RESPONSES, export_list
from app.core.listing import json_answer
from app.enterprises import queries, service
from app.enterprises.models import Enterprise
from app.enterprises.schemas import (
    DuplicateOut,
    DuplicateQuery,
    EnterpriseExportQuery,
    EnterpriseIn,
    EnterpriseOut,
    EnterpriseQuery,
)

TAG = "enterprises 企业"
# Partner keys reach the export only if they were given the enterprises collection.
router = APIRouter(tags=[TAG], dependencies=[collection_guard("enterprises")])


# Declared before the generic routes so that /enterprises/export is not read as an id.
@router.get(
    "/enterprises/export",
    summary="Export the filtered enterprise list (XLSX/CSV) / 导出企业名单",
    response_class=Response,
    responses=EXPORT_RESPONSES,
)
def export_enterprises(session: SessionDep, user: CurrentUser, q: Annotated[EnterpriseExportQuery, Query()]) -> Response:
    return export_list(
        session, queries.filtered(q, user), queries.export_columns(user), queries.OUTPUT, q.sort, q.format, "企业名单"
    )


@router.get(
    "/enterprises/duplicates",
    summary="Enterprises already recorded under a USCC or a name / 按信用代码、名称查重",
    responses={200: {"model": list[DuplicateOut]}},
)
def duplicate_enterprises(session: SessionDep, user: StaffDep, q: Annotated[DuplicateQuery, Query()]) -> Response:
    """Before an officer records an enterprise not yet known: the one with the same USCC (the
    code is checked first: 422 when its check character is wrong), and those whose name equals
    the name given or holds it (spaces, brackets and punctuation aside), at most 20."""
    return json_answer(session, queries.duplicates(q, user))


router.include_router(
    crud_router(
        Resource(
            name="enterprises",
            what=service.WHAT,
            model=Enterprise,
            list_output=queries.OUTPUT,
            detail_output=queries.OUTPUT,
            query_model=EnterpriseQuery,
            in_model=EnterpriseIn,
            out_model=EnterpriseOut,
            visible=queries.visible,
            filtered=queries.filtered,
            save=service.save,
            scope_of=service.scope_of,
            before_delete=service.before_delete,
            links=service.links,
        ),
        tag=TAG,
    )
)
