"""Monthly schedule reports (月度调度): one per project and month, filed by an officer in scope
until the month closes on INVESTMAP_PROJECT_MONTH_CLOSE_DAY of the next month. After that the
month is read-only for officers: an admin or a leader files a missing report late or corrects one,
always with a reason. A change never overwrites silently: the values it replaces are kept as a
numbered version (the original is version 1), and the audit trail records both rows."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Integer, bindparam, cast, func, select, text
from sqlalchemy.orm import Session

from app.core.auth import Principal, require_scope
from app.core.errors import Conflict, Forbidden, InvalidInput
from app.core.settings import settings
from app.projects.models import Project, ProjectReport, ProjectReportVersion
from app.projects.schemas import ReportIn, ReportValues
from app.projects.service import scope_of

VALUES = tuple(k for k in ReportValues.model_fields if k != "reason")


def closes_on(month: date) -> date:
    """The day the reports of `month` close: the configured day of the next month."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following.replace(day=settings().projects.month_close_day)


_CLOSE_DAY = bindparam("project_month_close_day", type_=Integer, callable_=lambda: settings().projects.month_close_day)


def closes_on_sql(month: Any) -> Any:
    """`closes_on` of a month column, in SQL (the day bound at execution from the settings in effect)."""
    return cast(month + text("interval '1 month'") + func.make_interval(0, 0, 0, _CLOSE_DAY - 1), Date)


def corrects(user: Principal) -> bool:
    """Admins and leaders may change a closed month."""
    return user.is_admin or user.role == "leader"


def _allowed(user: Principal, session: Session, project: Project, month: date, reason: str | None, today: date) -> None:
    """Officers write in their scope while the month is open, leaders once it has closed, admins
    any month; after closing, with a reason."""
    closed = today >= closes_on(month)
    if not corrects(user):
        require_scope(user, *scope_of(session, {"region_adcode": project.region_adcode, "park_id": project.park_id}))
        if closed:
            raise Conflict(
                f"{month:%Y-%m} closed on {closes_on(month)}: only an admin or a leader changes its reports, with a reason",
                f"{month:%Y-%m} 已于 {closes_on(month)} 关账：仅管理员或领导可更正，并须说明原因",
            )
    elif not closed and not user.is_admin:
        raise Forbidden(
            f"{month:%Y-%m} is open until {closes_on(month)}: its officers file and change it",
            f"{month:%Y-%m} 在 {closes_on(month)} 关账前由招商专员填报和修改",
        )
    elif closed and reason is None:
        raise InvalidInput.one(
            "reason",
            f"{month:%Y-%m} closed on {closes_on(month)}: say why it is changed",
            f"{month:%Y-%m} 已于 {closes_on(month)} 关账：请填写更正原因",
        )


def _check_total(session: Session, project: Project, month: date, total: float) -> None:
    """The cumulative investment never falls below an earlier month's nor rises above a later one's."""
    before = ProjectReport.month < month
    for where, wrong, zh in ((before, float.__lt__, "低于"), (ProjectReport.month > month, float.__gt__, "高于")):
        order = ProjectReport.month.desc() if where is before else ProjectReport.month.asc()
        other = session.execute(
            select(ProjectReport.month, ProjectReport.investment_total_wan)
            .where(ProjectReport.project_id == project.id, where)
            .order_by(order)
            .limit(1)
        ).one_or_none()
        if other is not None and wrong(total, float(other[1])):
            word = "below" if where is before else "above"
            raise InvalidInput.one(
                "investment_total_wan",
                f"{total} is {word} the cumulative {other[1]} reported for {other[0]:%Y-%m}",
                f"{total} {zh} {other[0]:%Y-%m} 已报的累计完成投资 {other[1]}",
            )


def _existing(session: Session, project: Project, month: date) -> ProjectReport | None:
    return session.execute(
        select(ProjectReport).where(ProjectReport.project_id == project.id, ProjectReport.month == month).with_for_update()
    ).scalar_one_or_none()


def file(session: Session, user: Principal, project: Project, data: ReportIn, today: date) -> int:
    """File the report of `data.month`, from the signing's month to the current one."""
    if data.month > today.replace(day=1):
        raise InvalidInput.one("month", f"{data.month:%Y-%m} has not begun", f"{data.month:%Y-%m} 尚未开始")
    if data.month < project.signed_on.replace(day=1):
        raise InvalidInput.one(
            "month",
            f"{data.month:%Y-%m} is before the signing ({project.signed_on})",
            f"{data.month:%Y-%m} 早于签约日期 {project.signed_on}",
        )
    _allowed(user, session, project, data.month, data.reason, today)
    taken = _existing(session, project, data.month)
    if taken is not None:
        raise Conflict(
            f"project {project.id} already has the report of {data.month:%Y-%m} (report {taken.id}): "
            f"PUT /projects/{project.id}/reports/{data.month:%Y-%m} changes it",
            f"项目 {project.id} 已有 {data.month:%Y-%m} 的调度报告（报告 {taken.id}），"
            f"修改请用 PUT /projects/{project.id}/reports/{data.month:%Y-%m}",
        )
    _check_total(session, project, data.month, data.investment_total_wan)
    report = ProjectReport(project_id=project.id, month=data.month, correction_reason=data.reason, **_values(data))
    session.add(report)
    session.flush()
    return report.id


def change(session: Session, user: Principal, project: Project, month: date, data: ReportValues, today: date) -> None:
    """Replace the values of the report of `month`, keeping the replaced ones as a version."""
    _allowed(user, session, project, month, data.reason, today)
    report = _existing(session, project, month)
    if report is None:
        raise InvalidInput.one(
            "month", f"project {project.id} has no report of {month:%Y-%m}", f"项目 {project.id} 没有 {month:%Y-%m} 的调度报告"
        )
    _check_total(session, project, month, data.investment_total_wan)
    kept = {k: getattr(report, k) for k in (*VALUES, "filed_by", "corrected_by", "correction_reason")}
    session.add(
        ProjectReportVersion(
            report_id=report.id,
            version=report.version,
            content={k: (float(v) if k.endswith("_wan") and v is not None else v) for k, v in kept.items()},
            reason=data.reason,
        )
    )
    for key, value in _values(data).items():
        setattr(report, key, value)
    report.version += 1
    report.corrected_by = func.investmap_actor()
    report.corrected_at = func.now()
    report.correction_reason = data.reason
    session.flush()


def _values(data: ReportValues) -> dict[str, Any]:
    return data.model_dump(include=set(VALUES))
