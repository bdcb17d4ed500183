"""Dates and times as the API accepts them: ISO 8601 text only.

pydantic's lax mode also reads a number (or numeric text such as "0.5") as seconds since 1970,
so `?until=0.5` or `"as_of": 0` silently meant 1 January 1970. The OpenAPI promises
`format: date` / `date-time`, and these types keep that promise for query parameters and bodies.
"""

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator

from app.core.errors import FieldProblem

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")


def _date_text(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and _DATE.match(value)):
        return value
    raise FieldProblem("give a date as text YYYY-MM-DD, e.g. 2026-12-31", "请以文本 YYYY-MM-DD 给出日期，如 2026-12-31")


def _datetime_text(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and _DATETIME.match(value)):
        return value
    raise FieldProblem(
        "give a date and time as ISO 8601 text, e.g. 2026-12-31T23:59:59+08:00",
        "请以 ISO 8601 文本给出日期时间，如 2026-12-31T23:59:59+08:00",
    )


IsoDate = Annotated[date, BeforeValidator(_date_text)]
IsoDateTime = Annotated[datetime, BeforeValidator(_datetime_text)]
# With its time zone: an expiry or a point in an audit trail must not depend on the server's zone.
AwareIsoDateTime = Annotated[AwareDatetime, BeforeValidator(_datetime_text)]
