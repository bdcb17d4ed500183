"""Request bodies read the way JSON means them: `0` is not `false`, `"7"` is not 7.

pydantic's lax mode converts between JSON types, so `"published": 0` quietly meant false and
`"area_m2": "12"` a number: a partner's bug became stored data. Fully strict models would also
refuse what JSON can only send as text (dates, enum values), so only the conversions between
JSON's own types are refused here; everything else is left to the field's validation. The rule
holds for request bodies (validated with `context=json_context()`, see core/patching.py), not for
the loaders, whose CSV cells are all text by nature.
"""

import types
from decimal import Decimal
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationInfo, model_validator

from app.core.errors import FieldProblem

_NUMBERS = (int, float, Decimal)
_JSON_BODY = "json_body"


def json_context() -> dict[str, Any]:
    """Validation context that marks the data as a decoded JSON request body."""
    return {_JSON_BODY: True}


def _kinds(annotation: Any) -> set[type]:
    """The plain types a field's annotation admits (through Optional, unions and Annotated)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kinds(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return set().union(*(_kinds(a) for a in get_args(annotation)))
    if isinstance(annotation, type):
        return {annotation}
    return {object}  # lists, dicts, literals, ...: validated by the field itself


def _json_type_problem(kinds: set[type], value: Any) -> str | None:
    if object in kinds or value is None:
        return None
    wants_bool = bool in kinds
    wants_number = any(issubclass(k, _NUMBERS) and k is not bool for k in kinds)
    wants_text = any(not issubclass(k, (*_NUMBERS, bool)) for k in kinds)  # str, dates, enums
    if isinstance(value, bool):
        return None if wants_bool else "boolean"
    if isinstance(value, _NUMBERS):
        return None if wants_number or wants_text and not wants_bool else "number"
    if isinstance(value, str):
        return None if wants_text else "string"
    return None


class JsonIn(BaseModel):
    """Base of request bodies: a value of the wrong JSON type is refused, naming the field."""

    @model_validator(mode="before")
    @classmethod
    def _json_types(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and info.context and info.context.get(_JSON_BODY):
            for name, field in cls.model_fields.items():
                key = field.alias or name
                if key in data and (given := _json_type_problem(_kinds(field.annotation), data[key])):
                    raise FieldProblem(
                        f"a JSON {given} is not accepted here: give the field's own type",
                        f"此处不接受 JSON {given}，请给出该字段的类型",
                        field=key,
                    )
        return data
