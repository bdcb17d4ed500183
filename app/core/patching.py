"""Validation of write bodies, in the threadpool, and PATCH semantics shared by every writable resource.

FastAPI validates a body parameter on the event loop, where a large geometry's checks (every
position, then GEOS validity) would stall every other request. `json_body(Model)` instead
declares the body unvalidated (documented with Model's schema) and validates it in a sync
dependency, which FastAPI runs in its threadpool; the event loop only decodes the JSON, whose
size the body limit bounds (app/core/limits.py).

PATCH merges, then validates the whole record: a patch can never leave a record that a create
would have refused, e.g. a new `plot_ratio.max` below the stored minimum.
"""

from typing import Annotated, Any, TypeVar

from fastapi import Body, Depends
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, SkipValidation, ValidationError

from app.core.errors import FieldProblem, InvalidInput, Problem
from app.core.inputs import json_context
from app.core.settings import settings

M = TypeVar("M", bound=BaseModel)
_BUDGET = "vertex_budget"


class VertexBudget:
    """The vertices all geometries of one request may have together (INVESTMAP_MAX_REQUEST_VERTICES);
    the geometry validators of app/geo/validate.py spend from it."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = settings().api.max_request_vertices if limit is None else limit
        self.spent = 0

    def spend(self, count: int) -> None:
        self.spent += count
        if self.spent > self.limit:
            raise FieldProblem(
                f"the request's geometries have more than {self.limit:,} vertices in all",
                f"本次请求的几何顶点总数超过 {self.limit:,} 个",
            )


def request_context(vertex_limit: int | None = None) -> dict[str, Any]:
    """Pydantic validation context of one request's body: its vertex budget."""
    return {_BUDGET: VertexBudget(vertex_limit)}


def vertex_budget(context: dict[str, Any] | None) -> VertexBudget | None:
    """The budget of a validation context made by `request_context` (None outside a request's body)."""
    return (context or {}).get(_BUDGET)


def validated(model: type[M], data: Any) -> M:
    """`data` as `model`, all its geometries sharing one request's vertex budget; errors as the usual 422."""
    try:
        return model.model_validate(data, context={**request_context(), **json_context()})
    except ValidationError as exc:
        # Same bilingual body as a request that failed validation on the way in.
        raise RequestValidationError(exc.errors()) from None


def json_body(model: type[M]) -> Any:
    """Dependency marker of a JSON body validated as `model` in the threadpool (see the module's docstring)."""

    # A class known at run time, not a static type: FastAPI reads the body's schema from the annotation.
    def parse(body: Annotated[model, SkipValidation, Body(title=model.__name__)]) -> M:  # type: ignore[valid-type]
        return validated(model, body)

    return Depends(parse)


def merge_patch(current: dict[str, Any], patch: dict[str, Any], model: type[M]) -> M:
    unknown = [k for k in patch if k not in model.model_fields]
    if unknown:
        raise InvalidInput([Problem(k, "unknown field", "未知字段") for k in unknown])
    merged = {k: current.get(k) for k in model.model_fields if k in current} | patch
    return validated(model, merged)
