"""What the imports of records written one by one through their domain's service (enterprises,
parks) share: cells read into a body, keys seen twice, a body validated into a row's problems,
and the end of a run (one audit entry with the counts, else nothing written)."""

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.core.auth import Principal
from app.core.errors import AppError, Problem, problems_from_validation
from app.exchange.rows import Bodies
from app.exchange.values import CellProblem

M = TypeVar("M", bound=BaseModel)
# Told by a run how far it got: its step, the share of the work done (0..1) and the file's rows. A
# background job's raises to cancel the run, which leaves the transaction to be rolled back (jobs.py).
Progress = Callable[[str, float, int], None]
PROGRESS_ROWS = 50  # a run writing row by row reports every this many rows


def no_progress(step: str, share: float, rows: int) -> None:
    """What a run in the foreground reports to."""


def read_cells(
    bodies: Bodies, i: int, cells: dict[Any, Any], columns: dict[str, str], readers: dict[str, Callable[[Any], Any]]
) -> dict[str, Any]:
    """The fields of row i its mapped cells state (blank cells left out); unreadable ones as problems."""
    body: dict[str, Any] = {}
    for name, reader in readers.items():
        if name in columns:
            try:
                if (value := reader(cells[columns[name]])) is not None:
                    body[name] = value
            except CellProblem as exc:
                bodies.add(i, name, columns[name], exc.problem, exc.problem_zh)
    return body


def duplicate(
    bodies: Bodies, seen: dict[Any, int], i: int, key: Any, field: str, column: str | None, what: tuple[str, str]
) -> None:
    """A key on two rows: a problem on the later, naming the first."""
    if key is None:
        return
    if key in seen:
        first = bodies.first_row + seen[key]
        bodies.add(i, field, column, f"{what[0]} {key!r} is also on row {first}", f"{what[1]} {key!r} 与第 {first} 行重复")
    seen.setdefault(key, i)


def validated_row(bodies: Bodies, i: int, model: type[M], body: dict[str, Any]) -> M | None:
    """`body` as `model`, or None with its problems on row i."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        for p in problems_from_validation(RequestValidationError(exc.errors())):
            bodies.add(i, p.field, None, p.problem, p.problem_zh, p.location)
    return None


def row_problem(bodies: Bodies, i: int, exc: AppError, field: str = "body", location: Any = None) -> None:
    """An error of the domain's service (its details, else its message under `field`) on row i."""
    for p in exc.details or [Problem(field, exc.message, exc.message_zh, location)]:
        bodies.add(i, p.field, None, p.problem, p.problem_zh, p.location)


def finish(session: Session, user: Principal, report: dict[str, Any], commit: bool, table: str, changes: dict[str, Any]) -> None:
    """A clean commit records one import event with its counts (written by the caller's
    transaction); anything else leaves nothing written, and a commit refused raises ImportRefused."""
    report["committed"] = commit and not report["counts"]["error"]
    if report["committed"]:
        changes = {**changes, "counts": report["counts"]}
        session.add(AuditEntry(actor=user.name, action="import", table_name=table, record_id=None, changes=changes))
        session.flush()
    else:
        session.rollback()
    if commit and not report["committed"]:
        raise ImportRefused(report)


class ImportRefused(AppError):
    """422: the file has problems, so nothing of it was written; the body carries the full report."""

    def __init__(self, report: dict[str, Any]) -> None:
        n = report["counts"]["error"]
        super().__init__(
            f"{n} rows have problems; nothing was imported (see report.rows)",
            f"有 {n} 行存在问题，未导入任何数据（见 report.rows）",
            status=422,
            code="import_refused",
        )
        self.report = report

    def body(self) -> dict[str, Any]:
        return {**super().body(), "report": self.report}
