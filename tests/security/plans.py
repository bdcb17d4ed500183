"""The statements a request runs and their PostgreSQL plans, for tests of how a list is read."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def statements(needle: str) -> Iterator[list[tuple[str, Any]]]:
    """(SQL, parameters) of every statement containing `needle` run on any engine inside the block."""
    seen: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if needle in statement:
            seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", capture)


def plan(
    statement: str,
    parameters: Any,
    options: str = "FORMAT JSON",
    before: Callable[[Any], None] | None = None,
) -> dict[str, Any]:
    """The top plan node of EXPLAIN (`options`) of a captured statement."""
    from app.core.database import get_engine

    with get_engine().connect() as conn:
        if before is not None:
            before(conn)
        return conn.exec_driver_sql(f"EXPLAIN ({options}) {statement}", parameters).scalar_one()[0]["Plan"]


def nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A plan node and all the nodes below it."""
    yield node
    for child in node.get("Plans", []):
        yield from nodes(child)
