from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field, model_validator
from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app.audit.models import AuditEntry, RecordVersion
from app.core.auth import Principal, StaffDep
from app.core.database import SessionDep
from app.core.dates import IsoDateTime
from app.core.errors import FieldProblem, Forbidden, NotFound
from app.core.listing import EMPTY_JSON_ARRAY, ListQuery, OutputSpec, RecordId, json_object, render_list

router = APIRouter(tags=["audit 审计与历史"])


def require_auditor(user: StaffDep) -> Principal:
    if user.role not in ("admin", "leader"):
        raise Forbidden("the audit log is for admins and leaders", "审计日志仅限管理员和领导查看")
    return user


class AuditQuery(ListQuery):
    table: str | None = Field(default=None, max_length=64, description="表名，如 parks")
    record_id: str | None = Field(default=None, max_length=64, description="记录 id")
    actor: str | None = Field(default=None, max_length=200, description="操作者，如 user:alice 或 key:qgis")
    action: Literal["create", "update", "delete", "stage", "publish", "unpublish", "load", "read"] | None = None
    since: IsoDateTime | None = Field(default=None, description="起始时间（含）")
    until: IsoDateTime | None = Field(default=None, description="截止时间（不含）")

    @model_validator(mode="after")
    def _no_geometry(self) -> "AuditQuery":
        # Inherited from the shared list parameters, but the trail has no geometry to filter or draw.
        if self.bbox is not None:
            raise FieldProblem("the audit log has no geometry to filter by", "审计日志没有可按范围筛选的几何", field="bbox")
        if self.f == "geojson":
            raise FieldProblem("the audit log is only available as JSON", "审计日志只提供 JSON 格式", field="f")
        return self


AUDIT = OutputSpec(
    id=AuditEntry.id,
    fields={
        "id": AuditEntry.id,
        "at": AuditEntry.at,
        "actor": AuditEntry.actor,
        "ip": AuditEntry.ip,
        "action": AuditEntry.action,
        "table": AuditEntry.table_name,
        "record_id": AuditEntry.record_id,
        "changes": AuditEntry.changes,
    },
    geometry=cast(None, Text),
    sortable={"id": AuditEntry.id, "at": AuditEntry.at},
)


@router.get("/audit", summary="Audit trail of every write / 审计日志")
def audit_log(
    request: Request, session: SessionDep, q: Annotated[AuditQuery, Query()], user: Annotated[Principal, Depends(require_auditor)]
) -> Response:
    stmt = select(AuditEntry)
    for column, value in (
        (AuditEntry.table_name, q.table),
        (AuditEntry.record_id, q.record_id),
        (AuditEntry.actor, q.actor),
        (AuditEntry.action, q.action),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if q.since:
        stmt = stmt.where(AuditEntry.at >= q.since)
    if q.until:
        stmt = stmt.where(AuditEntry.at < q.until)
    return render_list(session, request, AUDIT, stmt, q.model_copy(update={"sort": q.sort or "-id"}))


VERSION = {
    "version": RecordVersion.version,
    "valid_from": RecordVersion.valid_from,
    "valid_to": RecordVersion.valid_to,
    "actor": RecordVersion.actor,
    "data": RecordVersion.data,
}


@router.get("/{collection}/{item_id:int}/history", summary="Earlier versions of a record / 历史版本")
def history(
    collection: Literal["parks", "carriers", "clusters"],
    item_id: RecordId,
    session: SessionDep,
    user: StaffDep,
    at: Annotated[IsoDateTime | None, Query(description="the version valid at this time / 指定时间的版本")] = None,
) -> Response:
    stmt = select(RecordVersion).where(RecordVersion.table_name == collection, RecordVersion.record_id == item_id)
    if at is not None:
        # One range lookup: the version whose validity interval contains `at`.
        row = session.execute(
            stmt.where(
                RecordVersion.valid_from <= at, or_(RecordVersion.valid_to.is_(None), RecordVersion.valid_to > at)
            ).with_only_columns(cast(json_object(VERSION), Text))
        ).scalar_one_or_none()
        if row is None:
            raise NotFound(f"version of {collection} {item_id} at", "该时间的版本", at.isoformat())
        return Response(row, media_type="application/json")
    versions = func.json_agg(aggregate_order_by(json_object(VERSION), RecordVersion.valid_from))
    body = session.execute(stmt.with_only_columns(cast(func.coalesce(versions, EMPTY_JSON_ARRAY), Text))).scalar_one()
    return Response(body, media_type="application/json")
