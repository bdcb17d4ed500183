"""Liveness and readiness, for process supervisors and load balancers.

`/healthz` says the process answers (it never touches the database: a database outage must not
get a healthy process restarted); `/readyz` says it can serve: the database answers and its
schema is at the migrations' head, and what the app warms up as a worker starts is warm (the
callables of `app.state.warm_ups`, registered by `create_app`'s lifespan: core knows none of them).
Both stay out of the API description.
"""

from collections.abc import Callable

from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from app.core.database import get_engine
from app.core.errors import RETRY_AFTER_SECONDS, Problem, ServiceUnavailable
from app.core.migrations import head_revision

router = APIRouter(include_in_schema=False)

# What a worker still warms up: None when done, else the Problem `/readyz` names.
WarmUp = Callable[[], Problem | None]


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> dict[str, str | None]:
    """200 when ready; else 503 with the usual error body, whose code and details say what is missing.
    An unreachable database raises a database error, which core/errors.py answers as 503 too."""
    head = head_revision()
    with get_engine().connect() as conn:
        try:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
        except ProgrammingError:  # no alembic_version table: never migrated
            current = None
    if current != head:
        raise ServiceUnavailable(
            f"the database schema is at revision {current}, not at {head}: run `investmap db migrate`",
            f"数据库结构版本为 {current}，应为 {head}：请运行 `investmap db migrate`",
            "migrations_pending",
            RETRY_AFTER_SECONDS,
            [Problem("migrations", f"at {current}, head is {head}", f"当前 {current}，最新 {head}")],
        )
    warming: list[WarmUp] = getattr(request.app.state, "warm_ups", [])
    if pending := [p for p in (warm_up() for warm_up in warming) if p is not None]:
        raise ServiceUnavailable(
            "the worker is still warming up: " + "; ".join(p.problem for p in pending),
            "服务进程仍在预热：" + "；".join(p.problem_zh for p in pending),
            "warming_up",
            1,
            pending,
        )
    return {"status": "ready", "database": "ok", "migrations": current}
