"""A key project's schedule status as of a day, computed in SQL by these rules (README):

- 达产 full and 终止 terminated projects are `closed`: no longer scheduled.
- 停缓建 suspended is `red`.
- The next stage is late when its planned date (开工 for a signed project, 投产 for a started one,
  达产 for one in production) is past: `days_late` = the day asked - that date.
- A report is due for last month when the project was signed before this month began.
- The planned investment path runs straight from nothing at signing to the total at the planned
  投产 date; by the start of this month (what last month's report covers) the reported cumulative
  investment is short when it is below that path by more than INVESTMAP_PROJECT_INVESTMENT_SHORTFALL.
- `red`: late by more than INVESTMAP_PROJECT_RED_DAYS, or last month's report is missing;
  `amber`: late by more than INVESTMAP_PROJECT_AMBER_DAYS, or investment short; else `green`.

The thresholds are bound at execution from the settings in effect, so one compiled statement
serves every deployment and every test's settings.
"""

from typing import Any

from sqlalchemy import (
    Date,
    Float,
    Integer,
    Numeric,
    Text,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import array

from app.core.export import local_time
from app.core.settings import settings
from app.projects.models import Project, ProjectReport, ProjectStage, ProjectStatus

S = ProjectStage
SCHEDULED = (S.SIGNED.value, S.STARTED.value, S.PRODUCING.value)
TODAY = cast(local_time(func.now()), Date)

_AMBER_DAYS = bindparam("project_amber_days", type_=Integer, callable_=lambda: settings().projects.amber_days)
_RED_DAYS = bindparam("project_red_days", type_=Integer, callable_=lambda: settings().projects.red_days)
_SHORTFALL = bindparam("project_shortfall", type_=Float, callable_=lambda: settings().projects.investment_shortfall)


def columns(as_of: Any = TODAY) -> dict[str, Any]:
    """The status of the project row of the enclosing query as of `as_of` (a date expression), and
    what it is made of: the next planned date, days late, last month's report, investment path."""
    month_start = cast(func.date_trunc("month", as_of), Date)
    last_month = cast(month_start - text("interval '1 month'"), Date)
    scheduled = Project.stage.in_(SCHEDULED)
    next_planned = case(
        (Project.stage == S.SIGNED.value, Project.planned_start_on),
        (Project.stage == S.STARTED.value, Project.planned_production_on),
        (Project.stage == S.PRODUCING.value, Project.planned_full_on),
        else_=null(),
    )
    days_late = func.coalesce(func.greatest(as_of - next_planned, 0), 0)
    report_due = and_(scheduled, Project.signed_on < month_start)
    has_last = exists().where(ProjectReport.project_id == Project.id, ProjectReport.month == last_month)
    missing = and_(report_due, ~has_last)
    reported = (
        select(ProjectReport.investment_total_wan)
        .where(ProjectReport.project_id == Project.id, ProjectReport.month < month_start)
        .order_by(ProjectReport.month.desc())
        .limit(1)
        .scalar_subquery()
    )
    span = Project.planned_production_on - Project.signed_on
    share = func.least(1, func.greatest(0, cast(month_start - Project.signed_on, Numeric) / func.nullif(span, 0)))
    planned_to_date = case((Project.planned_production_on > Project.signed_on, func.round(Project.investment_wan * share, 2)))
    short = and_(scheduled, func.coalesce(reported, 0) < planned_to_date * (1 - _SHORTFALL))
    status = case(
        (Project.stage.in_((S.FULL.value, S.TERMINATED.value)), literal(ProjectStatus.CLOSED.value)),
        (Project.stage == S.SUSPENDED.value, literal(ProjectStatus.RED.value)),
        (or_(and_(scheduled, days_late > _RED_DAYS), missing), literal(ProjectStatus.RED.value)),
        (or_(and_(scheduled, days_late > _AMBER_DAYS), short), literal(ProjectStatus.AMBER.value)),
        else_=literal(ProjectStatus.GREEN.value),
    )
    flags: Any = array(
        [
            case((Project.stage == S.SUSPENDED.value, literal("suspended"))),
            case((and_(scheduled, days_late > _AMBER_DAYS), literal("stage_late"))),
            case((missing, literal("no_report"))),
            case((short, literal("investment_short"))),
        ],
        type_=Text,
    )
    reasons = func.array_remove(flags, null())
    return {
        "status": status,
        "next_planned_on": case((scheduled, next_planned)),
        "days_late": case((scheduled, days_late)),
        "report_due_month": case((report_due, last_month)),
        "report_missing": missing,
        "investment_reported_wan": reported,
        "investment_planned_to_date_wan": case((scheduled, planned_to_date)),
        "status_reasons": reasons,
    }
