"""The cluster dashboard as one SQL statement: each cluster's figures (with their sources) and,
for staff, its projects and targets; the province against every 2028 goal of the plan; the
projects behind schedule. A figure no source gives is null (shown as 未填报), never zero.

Revenue goals are measured on each cluster's latest revenue figure, summed over the latest year
any cluster has one (summing figures of different years would add apples to pears), and say how
many clusters that year reported. Figures "more than x" count as x: a lower bound.
"""

from datetime import date
from typing import Any, Literal

from sqlalchemy import (
    Date,
    Numeric,
    Select,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app.clusters.models import (
    Cluster,
    ClusterFigure,
    ClusterMetric,
    ClusterPark,
    ClusterTier,
    cluster_visible,
)
from app.core.auth import Principal
from app.core.listing import EMPTY_JSON_ARRAY, json_object
from app.dashboard.plan import GOALS, PLAN, PLAN_YEAR
from app.projects import queries as projects
from app.projects import status
from app.projects.models import Project, ProjectStage, ProjectStatus
from app.projects.schemas import BehindQuery
from app.targets.models import Target, TargetStage

REVENUE = ClusterMetric.REVENUE.value
ADVANCED = (ClusterTier.NATIONAL_ADVANCED.value, ClusterTier.PROVINCIAL_ADVANCED.value)
_FIGURE_COLUMNS = (
    "year",
    "metric",
    "value",
    "unit",
    "qualifier",
    "scope",
    "list_name",
    "source",
    "source_url",
    "source_kind",
    "as_of",
)


def _figures() -> Subquery:
    f = ClusterFigure
    return select(f.cluster_id, *[getattr(f, c) for c in _FIGURE_COLUMNS]).subquery("figures")


def _figure_json(fig: Any) -> Any:
    return json_object({c: fig.c[c] for c in _FIGURE_COLUMNS})


def _counts(column: Any, codes: list[str]) -> Any:
    return json_object({code: func.count().filter(column == code) for code in codes})


def _project_block(rows: Subquery) -> dict[str, Any]:
    """Count, investment (亿元) and the counts by stage and by status of the projects in `rows`."""
    return {
        "count": func.count(),
        "investment_yi": func.round(func.coalesce(func.sum(rows.c.investment_wan), 0) / 10_000, 2),
        "by_stage": _counts(rows.c.stage, ProjectStage.values()),
        "by_status": _counts(rows.c.status, ProjectStatus.values()),
    }


def dashboard(user: Principal, as_of: date | None) -> Select[Any]:
    day = literal(as_of, Date) if as_of is not None else status.TODAY
    clusters = select(Cluster).where(cluster_visible(user)).subquery("c")
    figures = _figures()
    shown = figures.join(clusters, clusters.c.id == figures.c.cluster_id)
    latest = _revenue_at_end(figures, shown, "latest")
    path = _path(figures, shown, latest, clusters)
    rows = select(
        Project.cluster_id, Project.stage, Project.investment_wan, status.columns(day)["status"].label("status")
    ).subquery("p")

    def cluster_projects(cluster_id: Any) -> Any:
        return select(json_object(_project_block(rows))).where(rows.c.cluster_id == cluster_id).scalar_subquery()

    cluster_parks = select(ClusterPark.park_id).where(ClusterPark.cluster_id == clusters.c.id).correlate(clusters)
    targets = select(_counts(Target.stage, TargetStage.values())).where(
        or_(Target.cluster_id == clusters.c.id, Target.intended_park_id.in_(cluster_parks))
    )
    staff = user.is_staff
    per_cluster = {
        "id": clusters.c.id,
        "name": clusters.c.name,
        "tier": clusters.c.tier,
        "target_revenue_yi": clusters.c.target_revenue_yi,
        "target_year": clusters.c.target_year,
        "revenue": select(_figure_json(latest)).where(latest.c.cluster_id == clusters.c.id).scalar_subquery(),
        "path": path,
        "figures": select(
            func.coalesce(
                func.json_agg(aggregate_order_by(_figure_json(figures), figures.c.year.desc(), figures.c.metric)),
                EMPTY_JSON_ARRAY,
            )
        )
        .where(figures.c.cluster_id == clusters.c.id)
        .scalar_subquery(),
        "projects": cluster_projects(clusters.c.id) if staff else null(),
        "targets": targets.scalar_subquery() if staff else null(),
    }
    cluster_list = select(
        func.coalesce(func.json_agg(aggregate_order_by(json_object(per_cluster), clusters.c.id)), EMPTY_JSON_ARRAY)
    ).scalar_subquery()

    latest_year = select(func.max(latest.c.year)).scalar_subquery()
    in_year = (
        select(figures.c.value)
        .select_from(shown)
        .where(figures.c.metric == REVENUE, figures.c.year == latest_year)
        .subquery("in_year")
    )
    achieved = {
        "revenue_total_yi": select(func.sum(in_year.c.value)).scalar_subquery(),
        "clusters_over_1000_yi": _count_if_any(latest, latest.c.value >= 1000),
        "clusters_over_500_yi": _count_if_any(latest, latest.c.value >= 500),
        "advanced_clusters": select(func.count()).select_from(clusters).where(clusters.c.tier.in_(ADVANCED)).scalar_subquery(),
        "high_tech_enterprises": null(),
        "zjtx_enterprises": null(),
    }
    basis = {
        "revenue_total_yi": "各集群最近一年营业收入之和（仅计有来源的数据）",
        "clusters_over_1000_yi": "按各集群最近一年营业收入计（仅计有来源的数据）",
        "clusters_over_500_yi": "按各集群最近一年营业收入计（仅计有来源的数据）",
        "advanced_clusters": "已录入的国家级、省级先进制造业集群",
        "high_tech_enterprises": "全省数据未填报",
        "zjtx_enterprises": "全省数据未填报",
    }
    goals = func.json_build_array(
        *[
            json_object(
                {
                    "key": literal(g.key),
                    "zh": literal(g.zh),
                    "en": literal(g.en),
                    "target": literal(g.target),
                    "about": literal(g.about),
                    "unit": literal(g.unit),
                    "achieved": achieved[g.key],
                    "gap": literal(g.target) - achieved[g.key],
                    "basis": literal(basis[g.key]),
                }
            )
            for g in GOALS
        ]
    )
    reported = select(func.count()).select_from(in_year).scalar_subquery()
    body: dict[str, Any] = {
        "as_of": day,
        "plan": {"source": literal(PLAN), "year": literal(PLAN_YEAR), "goals": goals},
        "revenue_year": latest_year,
        "clusters_reporting_revenue": reported,
        "cluster_count": select(func.count()).select_from(clusters).scalar_subquery(),
        "clusters": cluster_list,
    }
    if staff:
        body["projects"] = select(json_object(_project_block(rows))).scalar_subquery()
        body["projects_without_cluster"] = cluster_projects(null())
        body["behind"] = projects.behind(BehindQuery(as_of=as_of), user).scalar_subquery()
    return select(json_object(body))


def _revenue_at_end(figures: Subquery, shown: Any, end: Literal["latest", "earliest"]) -> Subquery:
    """Each shown cluster's revenue figure of its latest (or earliest) year."""
    year = figures.c.year.desc() if end == "latest" else figures.c.year.asc()
    return (
        select(figures)
        .select_from(shown)
        .where(figures.c.metric == REVENUE)
        .distinct(figures.c.cluster_id)
        .order_by(figures.c.cluster_id, year)
        .subquery(end)
    )


def _path(figures: Subquery, shown: Any, latest: Subquery, clusters: Subquery) -> Any:
    """A cluster against its own target: the yearly growth its revenue needs from the latest
    figure to the target, the growth achieved from the earliest figure to the latest, and whether
    it is on track (achieved ≥ needed). Null where the target or the figures are missing."""
    base = _revenue_at_end(figures, shown, "earliest")
    target, target_year = clusters.c.target_revenue_yi, clusters.c.target_year
    years_left = target_year - latest.c.year
    needed = case(
        (years_left > 0, func.round(cast(func.power(target / latest.c.value, 1.0 / years_left) - 1, Numeric), 4)),
    )
    achieved = case(
        (
            latest.c.year > base.c.year,
            func.round(cast(func.power(latest.c.value / base.c.value, 1.0 / (latest.c.year - base.c.year)) - 1, Numeric), 4),
        ),
    )
    entry = {
        "base_year": base.c.year,
        "base_value": base.c.value,
        "latest_year": latest.c.year,
        "latest_value": latest.c.value,
        "target": target,
        "target_year": target_year,
        "growth_needed": needed,
        "growth_achieved": achieved,
        "on_track": case(
            (latest.c.value >= target, True), (and_(needed.is_not(None), achieved.is_not(None)), achieved >= needed)
        ),
    }
    return (
        select(json_object(entry))
        .select_from(latest.join(base, base.c.cluster_id == latest.c.cluster_id))
        .where(latest.c.cluster_id == clusters.c.id, target.is_not(None), target_year.is_not(None))
        .scalar_subquery()
    )


def _count_if_any(latest: Subquery, condition: Any) -> Any:
    """How many clusters meet `condition` on their latest revenue; null when no cluster has one."""
    return select(case((func.count() == 0, null()), else_=func.count().filter(condition))).select_from(latest).scalar_subquery()
