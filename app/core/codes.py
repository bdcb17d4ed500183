"""Coded values with their Chinese and English labels, served by /api/v1/codes.

Partners store the short English codes; people read the labels. Keeping both on the enum
member means a new code cannot be added without its labels.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Self, TypeVar

from sqlalchemy import ColumnElement, Text, func, literal
from sqlalchemy.dialects.postgresql import ARRAY

from app.core.columns import ColumnExpr


class LabelledEnum(StrEnum):
    zh: str
    en: str

    def __new__(cls, value: str, zh: str, en: str) -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.zh = zh
        obj.en = en
        return obj

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]

    @classmethod
    def labels(cls) -> list[dict[str, Any]]:
        return [{"code": m.value, "zh": m.zh, "en": m.en} for m in cls]


REGISTRY: dict[str, type[LabelledEnum]] = {}
E = TypeVar("E", bound=LabelledEnum)


def register(name: str) -> Callable[[type[E]], type[E]]:
    """Class decorator listing an enum under `name` in /api/v1/codes."""

    def wrap(cls: type[E]) -> type[E]:
        REGISTRY[name] = cls
        return cls

    return wrap


def sql_in(column: str, enum: type[LabelledEnum]) -> str:
    """A CHECK constraint body keeping `column` to the enum's codes."""
    return f"{column} IN ({', '.join(repr(v) for v in enum.values())})"


def sql_rank(column: ColumnExpr[Any], enum: type[LabelledEnum]) -> ColumnElement[int]:
    """The code's place in the enum's order, to sort by meaning (high before low) not spelling."""
    return func.array_position(literal(enum.values(), ARRAY(Text)), column)
