"""The list / read / create / patch / delete endpoints every writable resource shares.

A domain hands over its pieces (output spec, visibility, filters, input model, save, scope)
and gets a router; each domain's router.py only adds what is its own (e.g. delete rules).
Authorisation happens here once for all of them: a key's collections, the writer's regional
scope before and after the change, and optimistic concurrency (ETag / If-Match).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.core.auth import CurrentUser, Principal, WriterDep, require_scope
from app.core.database import SessionDep
from app.core.errors import VERSION_RESPONSES, Forbidden, NotFound, PreconditionFailed, PreconditionRequired
from app.core.links import LinksOf, Stored, no_links, require_links
from app.core.listing import (
    FormatParam,
    ListQuery,
    OutputSpec,
    RecordId,
    documented,
    page_of,
    record_json,
    render_list,
    render_one,
)
from app.core.patching import json_body, merge_patch
from app.core.urls import url_of

# Where a record lies, for write scopes: (county adcodes, park id or None), from its API fields.
ScopeOf = Callable[[Session, Stored], tuple[set[str], int | None]]


def get_or_404(session: Session, model: type[Any], item_id: int, what: tuple[str, str], lock: bool = False) -> Any:
    obj = session.get(model, item_id, with_for_update=lock)
    if obj is None:
        raise NotFound(what[0], what[1], item_id)
    return obj


def other_holder(session: Session, ids: Select[Any], record: Any | None) -> int | None:
    """The id of another record than `record` that `ids` (a SELECT of ids) finds: checked before
    a unique constraint fires, so that the 409 can say which record holds the value."""
    taken = session.execute(ids).scalar_one_or_none()
    return taken if taken is not None and (record is None or taken != record.id) else None


def assign(session: Session, record: Any, data: BaseModel, names: tuple[str, ...]) -> Any:
    """`record` (added to the session when new) with the fields `names` copied from `data`."""
    session.add(record)
    for name in names:
        setattr(record, name, getattr(data, name))
    return record


def collection_guard(collection: str) -> Any:
    """A dependency refusing API keys that were not given this collection."""

    def guard(user: CurrentUser) -> None:
        if not user.may_read(collection):
            raise Forbidden(f"this API key has no access to {collection}", f"该 API 密钥无权访问 {collection}")

    return Depends(guard)


def check_version(if_match: str | None, stored_version: int, current: Callable[[], Stored | None]) -> None:
    """412 when the client edited another version than the stored one, with `current()`: the
    record as the caller's own GET answers it (internal fields and unseen drafts left out);
    428 when the client did not say which version it edited."""
    if if_match is None:
        raise PreconditionRequired()
    if if_match.strip().removeprefix("W/").strip('"') != str(stored_version):
        raise PreconditionFailed(stored_version, current())


IfMatch = Annotated[str | None, Header(description="ETag of the version being edited / 所修改版本的 ETag")]


@dataclass(frozen=True)
class Resource:
    name: str  # path segment, operation-id stem and API-key collection, e.g. "parks"
    what: tuple[str, str]  # (English, Chinese) noun for messages
    model: type[Any]  # the mapped class; its `id` is the key in paths
    list_output: OutputSpec
    detail_output: OutputSpec
    query_model: type[ListQuery]
    in_model: type[BaseModel]
    out_model: type[BaseModel]  # documents the body, which PostgreSQL builds
    visible: Callable[[Principal], Select[Any]]
    filtered: Callable[[Any, Principal], Select[Any]]
    save: Callable[..., int]  # (session, data, obj=None) -> id
    scope_of: ScopeOf
    # Adjusts the stored record before a patch is merged in (e.g. which area unit to keep).
    patch_base: Callable[[Any, Stored, Stored], Stored] = lambda obj, stored, patch: stored
    # Extra checks before a delete (e.g. a park with carriers); the delete itself is shared.
    before_delete: Callable[[Session, Any, Request], None] = lambda session, obj, request: None
    # Other records a write links to or unlinks from (a park's clusters): each must be inside
    # the writer's scope too (see app/core/links.py).
    links: LinksOf = no_links

    def stored(self, session: Session, item_id: int) -> tuple[Any, Stored]:
        """The record locked for update, and all its fields (internal ones and links to drafts
        included): what a patch is merged into."""
        obj = get_or_404(session, self.model, item_id, self.what, lock=True)
        fields = record_json(session, self.list_output, select(self.model).where(self.model.id == item_id))
        assert fields is not None  # locked above
        return obj, fields

    def as_read_by(self, user: Principal, item_id: int) -> tuple[OutputSpec, Select[Any]]:
        """How a GET by `user` writes the record, and the SELECT that finds it for them."""
        return self.detail_output.for_user(user), self.visible(user).where(self.model.id == item_id)

    def read_by(self, session: Session, user: Principal, item_id: int) -> Stored | None:
        """The record as a GET by `user` answers it (None when they may not read it)."""
        return record_json(session, *self.as_read_by(user, item_id))


def crud_router(res: Resource, tag: str) -> APIRouter:
    router = APIRouter(prefix=f"/{res.name}", tags=[tag], dependencies=[collection_guard(res.name)])
    en, zh = res.what
    QueryModel, InModel = res.query_model, res.in_model  # noqa: N806 - used as annotations below
    get_name = f"get_{res.name}_item"
    one_doc = documented(res.out_model)
    list_doc = documented(page_of(res.out_model))

    def one(request: Request, session: Session, user: Principal, item_id: int, f: str | None = None) -> Response:
        return render_one(session, request, *res.as_read_by(user, item_id), f, res.what, item_id)

    def editable(session: Session, user: Principal, item_id: int, if_match: str | None) -> tuple[Any, Stored]:
        obj, stored = res.stored(session, item_id)
        require_scope(user, *res.scope_of(session, stored))
        check_version(if_match, obj.row_version, lambda: res.read_by(session, user, item_id))
        return obj, stored

    # QueryModel is the resource's class, known at run time: FastAPI reads the query parameters from the annotation.
    @router.get("", summary=f"List {en}s / {zh}列表", operation_id=f"list_{res.name}", responses=list_doc)
    def list_items(request: Request, session: SessionDep, user: CurrentUser, q: Annotated[QueryModel, Query()]) -> Response:  # type: ignore[valid-type]
        return render_list(session, request, res.list_output.for_user(user), res.filtered(q, user), q)

    @router.get(
        "/{item_id:int}", name=get_name, summary=f"One {en} / {zh}详情", operation_id=f"get_{res.name}", responses=one_doc
    )
    def get_item(item_id: RecordId, request: Request, session: SessionDep, user: CurrentUser, f: FormatParam = None) -> Response:
        return one(request, session, user, item_id, f)

    @router.post(
        "",
        status_code=status.HTTP_201_CREATED,
        summary=f"Create a {en} / 新增{zh}",
        operation_id=f"create_{res.name}",
        responses={201: one_doc[200]},
    )
    # The writer is checked before the body is validated: no geometry work for callers who may not write.
    def create_item(
        request: Request, session: SessionDep, user: WriterDep, body: Annotated[BaseModel, json_body(InModel)]
    ) -> Response:
        fields = body.model_dump()
        require_scope(user, *res.scope_of(session, fields))
        require_links(user, res.links(session, None, fields))
        item_id = res.save(session, body)
        response = one(request, session, user, item_id)
        response.status_code = status.HTTP_201_CREATED
        response.headers["Location"] = url_of(request, get_name, item_id=item_id)
        return response

    @router.patch(
        "/{item_id:int}",
        summary=f"Update some fields of a {en} / 修改{zh}",
        operation_id=f"update_{res.name}",
        responses={**one_doc, **VERSION_RESPONSES},
    )
    def update_item(
        item_id: RecordId,
        patch: Annotated[dict[str, Any], Body()],
        request: Request,
        session: SessionDep,
        user: WriterDep,
        if_match: IfMatch = None,
    ) -> Response:
        obj, stored = editable(session, user, item_id, if_match)
        data = merge_patch(res.patch_base(obj, stored, patch), patch, InModel)
        # The record as it will be; its id too, which decides the scope of writers limited to some parks.
        fields = {**data.model_dump(), "id": item_id}
        require_scope(user, *res.scope_of(session, fields))
        require_links(user, res.links(session, stored, fields))
        res.save(session, data, obj)
        return one(request, session, user, item_id)

    @router.delete(
        "/{item_id:int}",
        status_code=status.HTTP_204_NO_CONTENT,
        summary=f"Delete a {en} / 删除{zh}",
        operation_id=f"delete_{res.name}",
        responses=VERSION_RESPONSES,
    )
    def delete_item(item_id: RecordId, request: Request, session: SessionDep, user: WriterDep, if_match: IfMatch = None) -> None:
        obj, _ = editable(session, user, item_id, if_match)
        res.before_delete(session, obj, request)
        session.delete(obj)
        session.flush()

    return router
