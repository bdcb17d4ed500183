"""Side by side: two to four carriers or parks, every public figure in one row each, with its
source, and the best value of each row marked where "best" has a direction (lower price, nearer
station, higher floor load)."""

import json
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Text, cast, func
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from app.carriers import queries as carriers
from app.carriers.models import Carrier
from app.core.auth import Principal
from app.core.errors import NotFound
from app.core.listing import OutputSpec, json_object
from app.infrastructure.models import FacilityKind
from app.parks import queries as parks
from app.parks.models import Park
from app.sites import matching
from app.sites.schemas import MatchRequest

Better = Literal["lower", "higher"] | None


@dataclass(frozen=True)
class Row:
    field: str
    zh: str
    en: str
    unit: str = ""
    better: Better = None


CARRIER_ROWS = (
    Row("park_name", "所在园区", "park"),
    Row("kind", "类型", "kind"),
    Row("status", "状态", "status"),
    Row("area_mu", "面积", "area", "亩", "higher"),
    Row("land_use", "用地性质", "land use"),
    Row("price_wan_per_mu", "地价", "land price", "万元/亩", "lower"),
    Row("rent_yuan_m2_month", "租金", "rent", "元/平方米/月", "lower"),
    Row("sale_price_yuan_m2", "售价", "sale price", "元/平方米", "lower"),
    Row("plot_ratio", "容积率", "plot ratio"),
    Row("lease_term_years", "出让年限", "lease term", "年"),
    Row("readiness", "开发程度", "readiness"),
    Row("floors", "层数", "floors"),
    Row("storey_height_m", "层高", "storey height", "米", "higher"),
    Row("floor_load_t_m2", "承重", "floor load", "吨/平方米", "higher"),
    Row("has_crane", "行车", "crane"),
    Row("is_standard_land", "标准地", "standard land"),
    Row("investment_intensity_wan_per_mu", "投资强度要求", "required investment intensity", "万元/亩"),
    Row("tax_per_mu_wan", "亩均税收要求", "required tax per mu", "万元/亩"),
    Row("energy_tce_per_wan", "单位能耗要求", "required energy intensity", "吨标准煤/万元"),
)
PARK_ROWS = (
    Row("level", "级别", "level"),
    Row("type", "类型", "type"),
    Row("region_name", "所在县（市、区）", "county"),
    Row("approved_area_ha", "核准面积", "approved area", "公顷", "higher"),
    Row("leading_industries", "主导产业", "leading industries"),
    Row("available_carriers", "可供载体（地块 / 厂房 / 楼宇）", "carriers on offer (land / factory / office)"),
)
# Distances close every comparison: straight-line, with the facility and its source.
DISTANCE_ROWS = tuple(
    Row(f"distances.{k.value}", f"距最近{k.zh}（直线）", f"to the nearest {k.en} (straight line)", "公里", "lower")
    for k in FacilityKind
)


def _records(session: Session, spec: OutputSpec, stmt: Any, key: Any, ids: list[int]) -> list[dict[str, Any]]:
    body = session.execute(
        stmt.where(key.in_(ids)).with_only_columns(cast(func.json_agg(aggregate_order_by(json_object(spec.fields), key)), Text))
    ).scalar_one()
    return json.loads(body) if body else []


def _value(record: dict[str, Any], field: str) -> Any:
    value: Any = record
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _source(record: dict[str, Any], field: str) -> str:
    if field.startswith("distances."):
        near = _value(record, field)
        if not near:
            return ""
        return (
            f"直线距离 straight line → {near['facility']} ({near['location_precision']}); "
            f"设施来源 facility source: {near['source']}"
        )
    as_of = f"（{record['as_of']}）" if record.get("as_of") else ""
    return f"{record['source']}{as_of}"


def _best(values: list[Any], better: Better) -> list[int]:
    numbers = [(v["km"] if isinstance(v, dict) and "km" in v else v) for v in values]
    known = [(n, i) for i, n in enumerate(numbers) if isinstance(n, int | float) and not isinstance(n, bool)]
    if better is None or len(known) < 2:
        return []
    pick = min if better == "lower" else max
    top = pick(n for n, _ in known)
    return [i for n, i in known if n == top]


def _judged(session: Session, user: Principal, req: MatchRequest, ids: list[int]) -> dict[str, Any]:
    """The requirement's verdicts on each carrier, as the match gave them: a row per criterion."""
    found = {i: (score, json.loads(lines)) for i, score, lines in session.execute(matching.verdicts(req, user, ids)).all()}
    judged = [found[i] for i in ids]
    rows = []
    for k, first in enumerate(judged[0][1] if judged else []):
        zh, en = matching.label(req, first["criterion"])
        values = [{key: lines[k][key] for key in ("verdict", "zh", "en")} for _, lines in judged]
        rows.append(
            {
                "criterion": first["criterion"],
                "hard": first["hard"],
                "weight": first["weight"],
                "zh": zh,
                "en": en,
                "values": values,
            }
        )
    return {"scoring": matching.SCORING, "scores": [score for score, _ in judged], "rows": rows}


def compare(
    session: Session, user: Principal, what: Literal["carriers", "parks"], ids: list[int], req: MatchRequest | None = None
) -> dict[str, Any]:
    """`req`, for carriers: the comparison opened from a match also shows that requirement's verdicts."""
    rows: tuple[Row, ...]
    if what == "carriers":
        spec, stmt, key, rows = carriers.OUTPUT.for_user(user), carriers.visible(user), Carrier.id, CARRIER_ROWS
    else:
        spec, stmt, key, rows = parks.OUTPUT_DETAIL.for_user(user), parks.visible(user), Park.id, PARK_ROWS
    records = {r["id"]: r for r in _records(session, spec, stmt, key, ids)}
    missing = [i for i in ids if i not in records]
    if missing:
        raise NotFound(what.removesuffix("s"), "载体" if what == "carriers" else "园区", ", ".join(map(str, missing)))
    ordered = [records[i] for i in ids]
    table = []
    for row in (*rows, *DISTANCE_ROWS):
        values = [_value(r, row.field) for r in ordered]
        if all(v is None for v in values):
            continue
        table.append(
            {
                "field": row.field,
                "zh": row.zh,
                "en": row.en,
                "unit": row.unit,
                "better": row.better,
                "values": [{"value": v, "source": _source(r, row.field)} for v, r in zip(values, ordered, strict=True)],
                "best": _best(values, row.better),
            }
        )
    answer: dict[str, Any] = {
        "what": what,
        "items": [
            {"id": r["id"], "name": r["name"], "source": r["source"], "as_of": r["as_of"], "is_demo": r["is_demo"]}
            for r in ordered
        ],
        "rows": table,
    }
    if req is not None:
        answer["requirement"] = _judged(session, user, req, ids)
    return answer
