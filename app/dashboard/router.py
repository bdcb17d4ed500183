"""The cluster dashboard (产业集群看板): clusters against the 2028 goals of the plan. Everyone
sees the published clusters and their sourced figures; staff also see projects, targets and the
projects behind schedule."""

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from app.core.auth import CurrentUser, require_staff
from app.core.crud import collection_guard
from app.core.database import SessionDep
from app.core.dates import IsoDate
from app.core.export import EXPORT_RESPONSES, ExportParams, export_response
from app.core.listing import json_answer
from app.dashboard import export, queries

# Its figures are the clusters': an API key reads it when it may read the clusters.
router = APIRouter(tags=["dashboard 产业集群看板"], dependencies=[collection_guard("clusters")])


class DashboardQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: IsoDate | None = Field(default=None, description="项目调度状态按此日期计算（缺省为今天）")


class DashboardExportQuery(DashboardQuery, ExportParams):
    table: export.Table = Field(description="goals 目标对标 | clusters 集群指标 | behind 滞后与提级调度（员工）")


@router.get(
    "/dashboard/export",
    summary="A table of the dashboard as XLSX/CSV / 导出看板表格",
    response_class=Response,
    responses=EXPORT_RESPONSES,
)
def export_dashboard(session: SessionDep, user: CurrentUser, q: Annotated[DashboardExportQuery, Query()]) -> Response:
    """The rows of one table the dashboard shows, with their sources and as-of dates; the
    behind-schedule table is staff's."""
    if q.table is export.Table.BEHIND:
        require_staff(user)
    return export_response(session, export.table(user, q.as_of, q.table), q.format, export.TITLES[q.table])


@router.get("/dashboard", summary="Clusters against the 2028 goals / 产业集群对标 2028 目标")
def dashboard(session: SessionDep, user: CurrentUser, q: Annotated[DashboardQuery, Query()]) -> Response:
    """Each cluster's figures with source and year (null: 未填报), the province against every
    goal of the plan with the gap, and for staff the projects by cluster, stage and status, the
    targets by stage, and the projects behind schedule."""
    return json_answer(session, queries.dashboard(user, q.as_of))
