"""Chains with their link trees (public once published), link edits (the province's writers),
and the coverage of a chain in an area (staff)."""

from typing import Annotated, Any

from fastapi import Body, Query, Request, Response, status
from sqlalchemy import Select, select

from app.chains import coverage, queries, service
from app.chains.areas import PROVINCE_ADCODE, require_area
from app.chains.models import AreaKind, Chain, ChainLink
from app.chains.schemas import ChainIn, ChainOut, ChainQuery, CoverageOut, CoverageQuery, LinkIn, LinkOut
from app.core.auth import CurrentUser, Principal, StaffDep, WriterDep, require_scope
from app.core.crud import IfMatch, Resource, check_version, crud_router
from app.core.database import SessionDep
from app.core.errors import VERSION_RESPONSES, NotFound
from app.core.listing import RecordId, record_json, render_one
from app.core.patching import json_body, merge_patch
from app.core.urls import url_of

router = crud_router(
    Resource(
        name="chains",
        what=service.WHAT,
        model=Chain,
        list_output=queries.OUTPUT,
        detail_output=queries.OUTPUT,
        query_model=ChainQuery,
        in_model=ChainIn,
        out_model=ChainOut,
        visible=queries.visible,
        filtered=queries.filtered,
        save=service.save,
        scope_of=service.scope_of,
        before_delete=service.before_delete,
        links=service.links,
    ),
    tag="chains 产业链",
)
LINK = ("link", "环节")


def _link_of(user: Principal, chain_id: int, link_id: int) -> Select[Any]:
    return (
        select(ChainLink)
        .where(ChainLink.id == link_id, ChainLink.chain_id == chain_id)
        .where(ChainLink.chain_id.in_(queries.visible(user).with_only_columns(Chain.id)))
    )


def _link(request: Request, session: SessionDep, user: Principal, chain_id: int, link_id: int) -> Response:
    return render_one(session, request, queries.LINK_OUTPUT, _link_of(user, chain_id, link_id), "json", LINK, link_id)


def _editable(
    session: SessionDep, user: Principal, chain_id: int, link_id: int, if_match: str | None
) -> tuple[ChainLink, dict[str, Any]]:
    require_scope(user, *service.scope_of(session, {}))
    link, stored = service.current_link(session, chain_id, link_id)
    check_version(
        if_match, link.row_version, lambda: record_json(session, queries.LINK_OUTPUT, _link_of(user, chain_id, link_id))
    )
    return link, stored


@router.get(
    "/{chain_id:int}/links/{link_id:int}",
    name="get_chain_link",
    summary="One link / 单个环节",
    responses={200: {"model": LinkOut}},
)
def get_link(chain_id: RecordId, link_id: RecordId, request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _link(request, session, user, chain_id, link_id)


@router.post(
    "/{chain_id:int}/links",
    status_code=status.HTTP_201_CREATED,
    summary="Add a link / 新增环节",
    responses={201: {"model": LinkOut}},
)
def create_link(
    chain_id: RecordId, body: Annotated[LinkIn, json_body(LinkIn)], request: Request, session: SessionDep, user: WriterDep
) -> Response:
    require_scope(user, *service.scope_of(session, {}))
    link_id = service.save_link(session, chain_id, body)
    response = _link(request, session, user, chain_id, link_id)
    response.status_code = status.HTTP_201_CREATED
    response.headers["Location"] = url_of(request, "get_chain_link", chain_id=chain_id, link_id=link_id)
    return response


@router.patch(
    "/{chain_id:int}/links/{link_id:int}",
    summary="Change or move a link / 修改环节",
    responses={200: {"model": LinkOut}, **VERSION_RESPONSES},
)
def update_link(
    chain_id: RecordId,
    link_id: RecordId,
    patch: Annotated[dict[str, Any], Body()],
    request: Request,
    session: SessionDep,
    user: WriterDep,
    if_match: IfMatch = None,
) -> Response:
    link, stored = _editable(session, user, chain_id, link_id, if_match)
    service.save_link(session, chain_id, merge_patch(stored, patch, LinkIn), link)
    return _link(request, session, user, chain_id, link_id)


@router.delete(
    "/{chain_id:int}/links/{link_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a link / 删除环节",
    responses=VERSION_RESPONSES,
)
def delete_link(chain_id: RecordId, link_id: RecordId, session: SessionDep, user: WriterDep, if_match: IfMatch = None) -> None:
    link, _ = _editable(session, user, chain_id, link_id, if_match)
    service.remove_link(session, link)


@router.get(
    "/{chain_id:int}/coverage",
    summary="Coverage and gap class of every link in an area / 产业链覆盖与短板",
    responses={200: {"model": CoverageOut}},
)
def chain_coverage(chain_id: RecordId, session: SessionDep, user: StaffDep, q: Annotated[CoverageQuery, Query()]) -> Response:
    """The link tree of the chain, each link with its local enterprises' count and revenue in the
    area, whether a 链主 is among them, and its gap class. Without an area: the province."""
    kind, key = q.area() or (AreaKind.REGION, PROVINCE_ADCODE)
    require_area(session, kind, key)
    body = session.execute(coverage.chain_coverage(chain_id, kind, key, coverage.thresholds(q))).scalar_one_or_none()
    if body is None:
        raise NotFound(*service.WHAT, chain_id)
    return Response(content=body, media_type="application/json")
