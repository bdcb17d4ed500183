"""PATCH semantics shared by every writable resource: merge, then validate the whole record.

Validating the merged record (not just the patch) means a patch can never leave a record
that a create would have refused, e.g. a new `plot_ratio.max` below the stored minimum.
"""

from typing import Any, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from app.core.errors import InvalidInput, Problem

M = TypeVar("M", bound=BaseModel)


def merge_patch(current: dict[str, Any], patch: dict[str, Any], model: type[M]) -> M:
    unknown = [k for k in patch if k not in model.model_fields]
    if unknown:
        raise InvalidInput([Problem(k, "unknown field", "未知字段") for k in unknown])
    merged = {k: current.get(k) for k in model.model_fields if k in current} | patch
    try:
        return model.model_validate(merged)
    except ValidationError as exc:
        # Same bilingual body as a request that failed validation on the way in.
        raise RequestValidationError(exc.errors()) from None
