"""The dashboard's tables as XLSX or CSV: each table the page shows (the goals, the clusters, the
projects behind schedule) read out of the very JSON the dashboard answers, so a download and the
page never disagree; every row says where its figure comes from and as of when."""

from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, Numeric, Select, Text, case, cast, func, literal, select, true

from app.clusters.models import ClusterTier, FigureQualifier
from app.core.auth import Principal
from app.core.codes import LabelledEnum
from app.core.export import zh_label
from app.dashboard import queries
from app.projects.models import ProjectLevel, ProjectStage, ProjectStatus

MISSING = "未填报"


class Table(StrEnum):
    GOALS = "goals"
    CLUSTERS = "clusters"
    BEHIND = "behind"


TITLES = {Table.GOALS: "2028目标对标", Table.CLUSTERS: "产业集群指标", Table.BEHIND: "滞后与提级调度项目"}


class _Reason(LabelledEnum):
    """The reasons of app/projects/status.py, as a person reads them."""

    STAGE_LATE = ("stage_late", "阶段滞后", "a stage late")
    NO_REPORT = ("no_report", "上月未报", "last month not reported")
    INVESTMENT_SHORT = ("investment_short", "投资进度不足", "investment behind its path")
    SUSPENDED = ("suspended", "停缓建", "suspended")


def _text(doc: Any, *path: str) -> Any:
    for key in path[:-1]:
        doc = doc.op("->")(key)
    return cast(doc.op("->>")(path[-1]), Text)


def _num(doc: Any, *path: str) -> Any:
    return cast(_text(doc, *path), Numeric)


def _rows(board: Any, *path: str) -> Any:
    for key in path:
        board = board.op("->")(key)
    return func.json_array_elements(board).table_valued("value").render_derived(with_types=False)


def table(user: Principal, as_of: date | None, which: Table) -> Select[Any]:
    board = queries.dashboard(user, as_of).subquery("board")
    doc = board.c[0]
    if which is Table.GOALS:
        g = _rows(doc, "plan", "goals").alias("g")
        v = g.c.value
        return (
            select(
                _text(v, "zh").label("指标"),
                _num(v, "target").label("2028年目标"),
                _text(v, "unit").label("单位"),
                _num(v, "achieved").label("已达到"),
                _num(v, "gap").label("差距"),
                func.coalesce(_text(v, "basis"), MISSING).label("口径"),
                _text(doc, "plan", "source").label("目标来源"),
                cast(_text(doc, "revenue_year"), Text).label("营业收入年份"),
                cast(_text(doc, "as_of"), Date).label("截至"),
            )
            .select_from(board)
            .join(g, true())
        )
    if which is Table.CLUSTERS:
        c = _rows(doc, "clusters").alias("cl")
        v = c.c.value
        return (
            select(
                _text(v, "name").label("产业集群"),
                zh_label(_text(v, "tier"), ClusterTier).label("层级"),
                _num(v, "revenue", "value").label("营业收入（亿元）"),
                zh_label(_text(v, "revenue", "qualifier"), FigureQualifier).label("数值限定"),
                cast(_text(v, "revenue", "year"), Text).label("年份"),
                _text(v, "revenue", "scope").label("统计口径"),
                func.coalesce(_text(v, "revenue", "source"), MISSING).label("来源"),
                _text(v, "revenue", "source_url").label("来源链接"),
                cast(_text(v, "revenue", "as_of"), Date).label("数据截至"),
                _num(v, "target_revenue_yi").label("目标营业收入（亿元）"),
                cast(_text(v, "target_year"), Text).label("目标年份"),
                _num(v, "path", "growth_needed").label("年均需增长"),
                _num(v, "path", "growth_achieved").label("年均实际增长"),
                case(
                    (_text(v, "path", "on_track") == "true", "达标进度"),
                    (_text(v, "path", "on_track") == "false", "落后目标"),
                    else_=MISSING,
                ).label("对标目标"),
                _num(v, "projects", "count").label("重点项目数"),
                _num(v, "projects", "investment_yi").label("重点项目总投资（亿元）"),
                *[_num(v, "projects", "by_status", s.value).label(f"{s.zh}项目数") for s in ProjectStatus],
                cast(_text(doc, "as_of"), Date).label("调度状态截至"),
            )
            .select_from(board)
            .join(c, true())
        )
    b = _rows(doc, "behind").alias("b")
    v = b.c.value
    reason = func.json_array_elements_text(v.op("->")("status_reasons")).column_valued("r")
    why = select(func.string_agg(zh_label(reason, _Reason), literal("、"))).scalar_subquery()
    return (
        select(
            _text(v, "name").label("项目名称"),
            _text(v, "cluster_name").label("产业集群"),
            _text(v, "region_name").label("县（市、区）"),
            zh_label(_text(v, "level"), ProjectLevel).label("级别"),
            zh_label(_text(v, "stage"), ProjectStage).label("阶段"),
            zh_label(_text(v, "status"), ProjectStatus).label("调度状态"),
            why.label("原因"),
            _num(v, "days_late").label("滞后天数"),
            _num(v, "investment_wan").label("计划总投资（万元）"),
            _num(v, "investment_reported_wan").label("累计完成投资（万元）"),
            _text(v, "officer").label("责任人"),
            _text(v, "leader").label("联系领导"),
            cast(_text(doc, "as_of"), Date).label("截至"),
        )
        .select_from(board)
        .join(b, true())
    )
