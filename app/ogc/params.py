"""Query parameters of `/collections/{id}/items`, checked before any SQL runs.

Property filters (`?level=national`) are named by the layer's queryables, so the set of
accepted parameters differs per collection; an unknown one is refused (OGC API Features
/req/core/query-param-unknown) rather than silently ignored.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from starlette.datastructures import QueryParams

from app.core.auth import Principal
from app.core.errors import BadRequest, FieldProblem, Problem
from app.core.keyset import as_key
from app.core.listing import parse_bbox
from app.core.settings import settings
from app.layers.catalogue import Layer
from app.ogc.crs import OutputCrs, parse_crs
from app.ogc.schema import parse_value, queryables

DEFAULT_LIMIT = 10  # the OGC API default page size
RESERVED = ("limit", "bbox", "datetime", "crs", "after", "before", "count", "f")
DateRange = tuple[date | None, date | None]


def max_limit() -> int:
    return settings().api.max_limit


def bad(name: str, problem: str, problem_zh: str, value: Any = None) -> BadRequest:
    return BadRequest(f"{name}: {problem}", f"{name}：{problem_zh}", [Problem(name, problem, problem_zh, value)])


@dataclass(frozen=True)
class ItemsParams:
    limit: int = DEFAULT_LIMIT
    bbox: tuple[float, float, float, float] | None = None
    dates: DateRange | None = None
    crs: OutputCrs = field(default_factory=lambda: parse_crs(None))
    after: Any = None  # keyset cursor: the last key of the previous page
    before: Any = None  # keyset cursor backwards: the first key of the next page
    count: bool = False
    filters: dict[str, Any] = field(default_factory=dict)


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    top = max_limit()
    try:
        value = int(raw)
    except ValueError:
        raise bad("limit", f"{raw!r} is not an integer", f"{raw!r} 不是整数", raw) from None
    if not 1 <= value <= top:
        raise bad("limit", f"must be between 1 and {top}, got {value}", f"应在 1 到 {top} 之间，实际为 {value}", value)
    return value


def _bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    try:
        return parse_bbox(raw)
    except FieldProblem as p:
        raise bad("bbox", p.problem, p.problem_zh, p.location if p.location is not None else raw) from None


def _day(raw: str) -> date | None:
    if raw in ("", ".."):
        return None
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        raise bad("datetime", f"{raw!r} is not an RFC 3339 date or date-time", f"{raw!r} 不是 RFC 3339 日期或时间", raw) from None


def _dates(raw: str | None) -> DateRange | None:
    """An instant (`2024-05-01`) or an interval (`2024-01-01/..`) on `as_of`, a date."""
    if raw is None:
        return None
    if "/" not in raw:
        day = _day(raw)
        if day is None:
            raise bad("datetime", "an instant cannot be open (..)", "单个时间点不能为开放值 (..)", raw)
        return day, day
    start_raw, _, end_raw = raw.partition("/")
    start, end = _day(start_raw), _day(end_raw)
    if start is not None and end is not None and start > end:
        raise bad("datetime", "the interval starts after it ends", "时间区间的开始晚于结束", raw)
    return start, end


def feature_key(layer: Layer, raw: str) -> Any:
    """`raw` as a key of the layer; ValueError when no feature can have it."""
    return as_key(int(raw) if layer.key_type is int else raw, layer.key.type)


def _key(layer: Layer, name: str, raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return feature_key(layer, raw)
    except ValueError:
        raise bad(name, f"{raw!r} is not a feature id of {layer.id}", f"{raw!r} 不是 {layer.id} 的要素 id", raw) from None


def _flag(name: str, raw: str | None) -> bool:
    if raw is None:
        return False
    if raw.lower() not in ("true", "false"):
        raise bad(name, "must be true or false", "应为 true 或 false", raw)
    return raw.lower() == "true"


def parse_items(layer: Layer, user: Principal, query: QueryParams) -> ItemsParams:
    allowed = queryables(layer, user)
    unknown = [k for k in query if k not in RESERVED and k not in allowed]
    if unknown:
        names = ", ".join(sorted(allowed))
        raise bad(
            unknown[0],
            f"unknown parameter; filters of {layer.id}: {names}",
            f"未知参数；{layer.id} 可过滤的属性：{names}",
            unknown,
        )
    if query.get("f") not in (None, "json", "geojson"):
        raise bad("f", "only json / geojson are offered", "仅支持 json / geojson", query.get("f"))
    if "after" in query and "before" in query:
        raise bad("after", "give after or before, not both", "after 与 before 只能给出一个")
    return ItemsParams(
        limit=_limit(query.get("limit")),
        bbox=_bbox(query.get("bbox")),
        dates=_dates(query.get("datetime")),
        crs=parse_crs(query.get("crs")),
        after=_key(layer, "after", query.get("after")),
        before=_key(layer, "before", query.get("before")),
        count=_flag("count", query.get("count")),
        filters={k: parse_value(k, v, allowed[k]) for k, v in query.items() if k in allowed},
    )
