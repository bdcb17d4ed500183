"""The type of a column as a domain declares it in SQL: a mapped attribute (`Park.name`) or an
expression built from columns (`func.coalesce(...)`). SQLAlchemy types the two apart, though both
render, label, sort and compare alike; a spec or helper that takes either names this."""

from typing import TypeVar

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

T = TypeVar("T")

ColumnExpr = ColumnElement[T] | InstrumentedAttribute[T]
