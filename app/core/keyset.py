"""Sort keys of REST lists and the opaque `after=` cursors that page through them by key.

A list is ordered by its sort field and then by id (alone when it is sorted by id); nulls come
last. A NULLS clause is written only for a key that can be null: `ORDER BY id DESC NULLS LAST`
cannot use a btree index (whose backward scan yields DESC NULLS FIRST), plain `ORDER BY id DESC`
can, and for a NOT NULL column the two orders are the same.

The `next` link carries the sort and the keys of the page's last row, as base64url JSON built by
PostgreSQL; the next page is `WHERE (keys) after (cursor)`, which the index of the sort key
finds directly instead of skipping rows one by one as OFFSET does.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, BigInteger, Column, ColumnElement, SmallInteger, Text, and_, bindparam, cast, func, literal, or_
from sqlalchemy.types import NullType, TypeEngine

from app.core.columns import ColumnExpr
from app.core.errors import InvalidInput


@dataclass(frozen=True)
class SortKey:
    expr: ColumnExpr[Any]
    descending: bool
    nullable: bool

    def ordered(self, expr: ColumnExpr[Any] | None = None) -> ColumnElement[Any]:
        """ORDER BY term of this key (of `expr` in its place, e.g. a subquery's copy of it)."""
        term = self.expr if expr is None else expr
        term = term.desc() if self.descending else term.asc()
        return term.nulls_last() if self.nullable else term


def _nullable(expr: ColumnExpr[Any]) -> bool:
    column = getattr(expr, "expression", expr)  # a mapped attribute's Column
    return not isinstance(column, Column) or bool(column.nullable)


def sort_keys(id_: ColumnExpr[Any], sortable: dict[str, ColumnExpr[Any]], sort: str | None) -> list[SortKey]:
    """The keys of a list sorted by `sort` (`name` or `-name`); the id last, breaking ties."""
    if not sort:
        return [SortKey(id_, False, False)]
    name = sort.removeprefix("-")
    column = sortable.get(name)
    if column is None:
        raise InvalidInput.one(
            "sort",
            f"cannot sort by {name!r}; sortable fields: {', '.join(sortable)}",
            f"不能按 {name!r} 排序；可排序字段：{', '.join(sortable)}",
        )
    descending = sort.startswith("-")
    if column is id_:
        return [SortKey(id_, descending, False)]
    return [SortKey(column, descending, _nullable(column)), SortKey(id_, False, False)]


def cursor_sql(sort: str | None, values: list[ColumnElement[Any]]) -> ColumnElement[str]:
    """The cursor of a row from its key values, in SQL: base64url (unpadded) of [sort, *values]."""
    document = cast(func.json_build_array(literal(sort or "", Text), *values), Text)
    base64_text = func.encode(func.convert_to(document, "UTF8"), "base64")
    # PostgreSQL's base64 breaks lines every 76 characters: the newline goes with + and /.
    return func.rtrim(func.translate(base64_text, "+/\n", "-_"), "=")


def _refused(sort: str | None) -> InvalidInput:
    order = f"sort={sort}" if sort else "the default order"
    return InvalidInput.one(
        "after",
        f"is not a cursor of this list in {order}; follow the `next` link of the previous page",
        f"不是该列表（{order}）的游标；请使用上一页的 `next` 链接",
    )


_INT_BITS = {SmallInteger: 16, BigInteger: 64}


def as_key(value: Any, type_: TypeEngine[Any]) -> Any:
    """A value (a cursor's, a path's) as a key of SQL type `type_`; ValueError when it cannot be one
    (out of the integer's range, text with NUL): PostgreSQL would refuse it with an error."""
    if value is None or isinstance(type_, NullType):
        return value
    if isinstance(type_, ARRAY):
        if not isinstance(value, list):
            raise ValueError(value)
        return [as_key(v, type_.item_type) for v in value]
    try:
        python = type_.python_type
    except NotImplementedError:
        return value
    if python in (datetime, date):
        return python.fromisoformat(value)
    if python is int:
        bits = next((b for t, b in _INT_BITS.items() if isinstance(type_, t)), 32)
        if type(value) is not int or not -(1 << (bits - 1)) <= value < 1 << (bits - 1):
            raise ValueError(value)
    elif python in (float, Decimal):
        if type(value) not in (int, Decimal):
            raise ValueError(value)
    elif python is str and (not isinstance(value, str) or "\x00" in value):
        raise ValueError(value)
    return value


def decode_cursor(cursor: str, sort: str | None, keys: list[SortKey]) -> list[Any]:
    """The key values a cursor holds, typed as the keys; a 422 for anything not made for this list and sort."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        document = json.loads(raw, parse_float=Decimal)
    except (binascii.Error, ValueError):
        raise _refused(sort) from None
    if not (isinstance(document, list) and len(document) == len(keys) + 1 and document[0] == (sort or "")):
        raise _refused(sort)
    try:
        return [as_key(v, k.expr.type) for v, k in zip(document[1:], keys, strict=True)]
    except (ValueError, TypeError, AttributeError):
        raise _refused(sort) from None


def after(keys: list[SortKey], values: list[Any]) -> ColumnElement[bool]:
    """Rows that come after the row with key `values` in the order of `keys` (nulls last)."""
    key, value, rest = keys[0], values[0], keys[1:]
    later = after(rest, values[1:]) if rest else None
    if value is None:  # only nulls follow a null; among them the next keys decide
        return and_(key.expr.is_(None), later) if later is not None else key.expr.is_(None)
    bound = bindparam(None, value, type_=key.expr.type)
    beyond = key.expr < bound if key.descending else key.expr > bound
    # `key >= v AND (key > v OR rest)`, not `key > v OR (key = v AND rest)`: the same rows, but the
    # first form gives the index of the key a range to start from.
    reached = key.expr <= bound if key.descending else key.expr >= bound
    found = beyond if later is None else and_(reached, or_(beyond, later))
    return or_(found, key.expr.is_(None)) if key.nullable else found
