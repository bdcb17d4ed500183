"""The JSON plan of a compiled SQLAlchemy statement, and its nodes with the nodes above them."""

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session


def explain(db: Session, stmt: Select[Any], values: dict[str, Any], settings: tuple[str, ...] = ()) -> dict[str, Any]:
    """EXPLAIN (FORMAT JSON) of `stmt` with `values`, after `SET LOCAL` of each of `settings`."""
    compiled = stmt.compile(db.get_bind(), compile_kwargs={"render_postcompile": True})
    with db.connection().connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting}")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {compiled.string}", compiled.construct_params(values))
        row = cursor.fetchone()
    assert row is not None
    plan: dict[str, Any] = row[0][0]["Plan"]
    return plan


def paths(node: dict[str, Any], above: tuple[dict[str, Any], ...] = ()) -> list[tuple[dict[str, Any], ...]]:
    """Every node of a plan with the nodes above it, root first."""
    here = (*above, node)
    return [here] + [p for child in node.get("Plans", []) for p in paths(child, here)]
