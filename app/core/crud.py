"""The list / read / create / patch endpoints every writable resource shares.

A domain hands over its pieces (output spec, visibility, filters, input model, save) and
gets a router; each domain's router.py then only adds what is its own (e.g. delete rules).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import Session

from app.core.auth import CurrentUser, Principal, WriterDep
from app.core.database import SessionDep
from app.core.listing import FormatParam, ListQuery, OutputSpec, render_list, render_one
from app.core.patching import merge_patch


@dataclass(frozen=True)
class Resource:
    name: str  # path segment and operation-id stem, e.g. "parks"
    what: tuple[str, str]  # (English, Chinese) noun for messages
    id_column: ColumnElement[Any]
    list_output: OutputSpec
    detail_output: OutputSpec
    query_model: type[ListQuery]
    in_model: type[BaseModel]
    visible: Callable[[Principal], Select[Any]]
    filtered: Callable[[Any, Principal], Select[Any]]
    save: Callable[..., int]  # (session, data, obj=None) -> id
    current: Callable[[Session, int, dict[str, Any]], tuple[Any, dict[str, Any]]]


def crud_router(res: Resource, tag: str) -> APIRouter:
    router = APIRouter(prefix=f"/{res.name}", tags=[tag])
    en, zh = res.what
    QueryModel, InModel = res.query_model, res.in_model  # noqa: N806 - used as annotations below
    get_name = f"get_{res.name}_item"

    def one(request: Request, session: Session, user: Principal, item_id: int, f: str | None = None) -> Response:
        stmt = res.visible(user).where(res.id_column == item_id)
        return render_one(session, request, res.detail_output, stmt, f, res.what, item_id)

    @router.get("", summary=f"List {en}s / {zh}列表", operation_id=f"list_{res.name}")
    def list_items(request: Request, session: SessionDep, user: CurrentUser,
                   q: Annotated[QueryModel, Query()]) -> Response:  # type: ignore[valid-type]
        return render_list(session, request, res.list_output, res.filtered(q, user), q)

    @router.get("/{item_id}", name=get_name, summary=f"One {en} / {zh}详情", operation_id=f"get_{res.name}")
    def get_item(item_id: int, request: Request, session: SessionDep, user: CurrentUser, f: FormatParam = None) -> Response:
        return one(request, session, user, item_id, f)

    @router.post("", status_code=status.HTTP_201_CREATED, summary=f"Create a {en} / 新增{zh}",
                 operation_id=f"create_{res.name}")
    def create_item(body: InModel, request: Request, session: SessionDep, user: WriterDep) -> Response:  # type: ignore[valid-type]
        item_id = res.save(session, body)
        response = one(request, session, user, item_id)
        response.status_code = status.HTTP_201_CREATED
        response.headers["Location"] = str(request.url_for(get_name, item_id=item_id))
        return response

    @router.patch("/{item_id}", summary=f"Update some fields of a {en} / 修改{zh}", operation_id=f"update_{res.name}")
    def update_item(item_id: int, patch: Annotated[dict[str, Any], Body()], request: Request,
                    session: SessionDep, user: WriterDep) -> Response:
        obj, stored = res.current(session, item_id, patch)
        res.save(session, merge_patch(stored, patch, InModel), obj)
        return one(request, session, user, item_id)

    return router
