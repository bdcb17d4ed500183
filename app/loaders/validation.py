"""What every loader shares: one error type naming file, row and field, and validation through
the API's own models, so a file cannot put into the database what a partner could not."""

from typing import Any

from pydantic import ValidationError

from app.core.errors import FieldProblem


class LoadError(ValueError):
    """A reference file has a row that does not validate; says which file, row and field."""


def validated(model: type[Any], data: dict[str, Any], where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise LoadError(f"{where}: {'; '.join(_problem(e) for e in exc.errors())}") from None


def _problem(error: Any) -> str:
    # Our own validators say which field and what, also when pydantic reports them at model level.
    ours = (error.get("ctx") or {}).get("error")
    if isinstance(ours, FieldProblem):
        return f"{ours.field or '.'.join(map(str, error['loc']))}: {ours.problem}"
    return f"{'.'.join(map(str, error['loc']))}: {error['msg']}"
