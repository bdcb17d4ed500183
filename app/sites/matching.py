"""Requirement matching: every visible, available carrier of the asked kind scored against the
requirement, ranked, explained and counted in one SQL statement.

Each criterion gives, per candidate, a verdict (met / near / miss / unknown), a score in [0, 1]
and a sentence in Chinese and English, all as SQL expressions over the candidate's row. The
scoring rule is the one `SCORING` states to the user:

- a met criterion scores 1;
- a missed graded criterion (area, price, distance) loses score in proportion to the miss,
  relative to the asked value: 1 - miss / 50%, so 0 at 50% or more; a miss of up to 20% is
  a "near miss";
- a yes/no criterion (region, land use, industry) scores 1 or 0;
- an unknown value (no price published, no facility of that kind) scores 0.5;
- the site's score is the weighted mean × 100, rounded; hard criteria must be met (a near
  miss is a miss), and a site failing one is left out of the ranking and only counted.

Distances are the stored nearest-facility distances (straight line on the ellipsoid, 直线距离).
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Numeric,
    Select,
    Text,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from app.carriers import queries as carriers
from app.carriers.models import Carrier, LandUse
from app.core.auth import Principal
from app.core.listing import geojson, json_object
from app.infrastructure.models import CarrierDistances, DistanceSubject, Facility, FacilityDistance, FacilityKind
from app.infrastructure.queries import within
from app.parks.models import Park
from app.regions.models import Region
from app.regions.queries import require_region, within_region
from app.sites.schemas import AREA_UNITS, Criterion, MatchRequest

NEAR_MISS = 0.2  # a miss of up to 20% of the asked value is "near"
ZERO_AT = 0.5  # a miss of 50% of the asked value scores 0
UNKNOWN_SCORE = 0.5
SCORING = {
    "zh": "得分 = 各条件得分的加权平均 × 100：满足得满分；面积、价格、距离未满足时按差距扣分，差距达要求值的 50% 记 0 分"
    "（20% 以内为“接近”）；地区、用地性质、产业不满足记 0 分；数据缺失记一半分。硬性条件未满足（含“接近”）的载体不参与排名，"
    "只计入排除数。距离均为直线距离，非驾车距离。",
    "en": "Score = weighted mean of the criteria × 100. A met criterion scores in full. A missed area, price or distance loses "
    "score in proportion to the miss and scores 0 at 50% of the asked value; a miss within 20% is a near miss. A missed region, "
    "land use or industry scores 0. An unknown value scores half. Sites failing a hard criterion (a near miss included) are "
    "excluded and only counted. Distances are straight-line, not drive distances.",
}
_LABELS = {
    "area": ("面积", "area"),
    "region": ("地区", "region"),
    "land_use": ("用地性质", "land use"),
    "industry": ("产业", "industry"),
}
# What an excluded count is called, by criterion.
_EXCLUDED_AS = {
    "area": ("面积不符", "wrong size"),
    "region": ("不在所选地区", "outside the regions"),
    "land_use": ("用地性质不符", "other land use"),
    "price": ("超出预算或未公布价格", "over budget or no price"),
    "industry": ("产业不符", "other industries"),
}


@dataclass(frozen=True)
class Scored:
    name: str
    criterion: Criterion
    verdict: Any  # 'met' | 'near' | 'miss' | 'unknown'
    score: Any  # in [0, 1]
    zh: Any
    en: Any
    measured: bool = False  # reads the carrier's row of distances (`_joined`)

    def explained(self) -> Any:
        return json_object(
            {
                "criterion": literal(self.name),
                "hard": literal(self.criterion.hard),
                "weight": literal(self.criterion.weight),
                "verdict": self.verdict,
                "zh": self.zh,
                "en": self.en,
            }
        )


def _num(expr: Any, digits: int = 1) -> Any:
    return cast(func.round(cast(expr, Numeric), digits), Text)


def _fmt(template: str, *args: Any) -> Any:
    return func.format(literal(template, Text), *args)


def _graded(
    name: str,
    c: Criterion,
    value: Any,
    miss: Any,
    met: tuple[Any, Any],
    missed: tuple[Any, Any],
    unknown: tuple[str, str],
    measured: bool = False,
) -> Scored:
    """A criterion measured by how far `value` misses: `miss` is the miss relative to the asked
    value (0 when met, NULL when the value is unknown)."""
    verdict = case((value.is_(None), "unknown"), (miss <= 0, "met"), (miss <= NEAR_MISS, "near"), else_="miss")
    score = case((value.is_(None), UNKNOWN_SCORE), else_=func.greatest(0.0, 1.0 - miss / ZERO_AT))
    zh = case((value.is_(None), unknown[0]), (miss <= 0, met[0]), else_=missed[0])
    en = case((value.is_(None), unknown[1]), (miss <= 0, met[1]), else_=missed[1])
    return Scored(name, c, verdict, score, zh, en, measured)


def _binary(name: str, c: Criterion, ok: Any, met: tuple[Any, Any], missed: tuple[Any, Any]) -> Scored:
    return Scored(
        name,
        c,
        case((ok, "met"), else_="miss"),
        case((ok, 1.0), else_=0.0),
        case((ok, met[0]), else_=missed[0]),
        case((ok, met[1]), else_=missed[1]),
    )


def _range_text(lo: float | None, hi: float | None, unit: str) -> str:
    if lo is not None and hi is not None:
        return f"{lo:g}–{hi:g} {unit}"
    return f"≥ {lo:g} {unit}" if lo is not None else f"≤ {hi:g} {unit}"


def _area(req: MatchRequest) -> Scored | None:
    if (a := req.area) is None:
        return None
    factor, zh_unit, en_unit = AREA_UNITS[a.unit]
    v = cast(Carrier.area_m2, Float) / factor
    parts: list[Any] = [(literal(a.min) - v) / a.min] if a.min is not None else []
    parts += [(v - literal(a.max)) / a.max] if a.max is not None else []
    miss = func.greatest(0.0, *parts)
    small = v < a.min if a.min is not None else false()
    diff = _num(case((small, literal(a.min or 0) - v), else_=v - literal(a.max or 0)))
    return _graded(
        "area",
        a,
        Carrier.area_m2,
        miss,
        met=(
            _fmt(f"面积 %s {zh_unit}，符合 {_range_text(a.min, a.max, zh_unit)}", _num(v)),
            _fmt(f"area %s {en_unit}, within {_range_text(a.min, a.max, en_unit)}", _num(v)),
        ),
        missed=(
            _fmt(f"面积 %s {zh_unit}，比要求%s %s {zh_unit}", _num(v), case((small, "少"), else_="多"), diff),
            _fmt(f"area %s {en_unit}, %s {en_unit} %s than asked", _num(v), diff, case((small, "smaller"), else_="larger")),
        ),
        unknown=("未注明面积", "area not stated"),
    )


def _price(req: MatchRequest) -> Scored | None:
    if (p := req.price) is None:
        return None
    land = req.kind == "land"
    v = cast(Carrier.price_wan_per_mu if land else Carrier.rent_yuan_m2_month, Float)
    zh_unit, en_unit = ("万元/亩", "10k yuan/mu") if land else ("元/平方米/月", "yuan/m²/month")
    what_zh, what_en = ("价格", "price") if land else ("租金", "rent")
    return _graded(
        "price",
        p,
        v,
        func.greatest(0.0, (v - p.max) / p.max),
        met=(
            _fmt(f"{what_zh} %s {zh_unit}，不超过 {p.max:g}", _num(v, 2)),
            _fmt(f"{what_en} %s {en_unit}, within {p.max:g}", _num(v, 2)),
        ),
        missed=(
            _fmt(f"{what_zh} %s {zh_unit}，超出预算 %s", _num(v, 2), _num(v - p.max, 2)),
            _fmt(f"{what_en} %s {en_unit}, %s over budget", _num(v, 2), _num(v - p.max, 2)),
        ),
        unknown=(f"未公布{what_zh}", f"no published {what_en}"),
    )


def _county_name() -> Any:
    return select(Region.name).where(Region.adcode == Park.region_adcode).scalar_subquery()


def _region(req: MatchRequest) -> Scored | None:
    if (r := req.regions) is None:
        return None
    ok = or_(*[within_region(Park.region_adcode, code) for code in r.adcodes])
    name = _county_name()
    return _binary(
        "region",
        r,
        ok,
        met=(_fmt("位于%s（所选地区内）", name), _fmt("in %s, one of the chosen regions", name)),
        missed=(_fmt("位于%s，不在所选地区", name), _fmt("in %s, outside the chosen regions", name)),
    )


def _label(column: Any, lang: str) -> Any:
    return case(*[(column == m.value, getattr(m, lang)) for m in LandUse], else_=column)


def _land_use(req: MatchRequest) -> Scored | None:
    if (lu := req.land_use) is None:
        return None
    v = Carrier.land_use
    ok = v.in_([c.value for c in lu.codes])
    s = _binary(
        "land_use",
        lu,
        ok,
        met=(_fmt("用地性质：%s", _label(v, "zh")), _fmt("land use: %s", _label(v, "en"))),
        missed=(
            _fmt("用地性质为%s，不在所选类型中", _label(v, "zh")),
            _fmt("land use is %s, not one asked for", _label(v, "en")),
        ),
    )
    # A carrier without a stated land use is unknown, not a miss.
    unknown = v.is_(None)
    return Scored(
        s.name,
        lu,
        case((unknown, "unknown"), else_=s.verdict),
        case((unknown, UNKNOWN_SCORE), else_=s.score),
        case((unknown, "未注明用地性质"), else_=s.zh),
        case((unknown, "land use not stated"), else_=s.en),
    )


def _distance(kind: FacilityKind, c: Any) -> Scored:
    km = CarrierDistances.metres(kind) / 1000.0
    # The facility's name only where a verdict line is written (the listed sites), not per candidate.
    name = (
        select(Facility.name)
        .join(FacilityDistance, FacilityDistance.facility_id == Facility.id)
        .where(
            FacilityDistance.subject == DistanceSubject.CARRIER.value,
            FacilityDistance.subject_id == Carrier.id,
            FacilityDistance.kind == kind.value,
        )
        .scalar_subquery()
    )
    return _graded(
        f"distance_{kind.value}",
        c,
        km,
        func.greatest(0.0, (km - c.km) / c.km),
        met=(
            _fmt(f"距最近{kind.zh}（%s）直线 %s 公里，不超过 {c.km:g} 公里", name, _num(km)),
            _fmt(f"%s km straight-line to the nearest {kind.en} (%s), within {c.km:g} km", _num(km), name),
        ),
        missed=(
            _fmt(f"距最近{kind.zh}（%s）直线 %s 公里，比要求远 %s 公里", name, _num(km), _num(km - c.km)),
            _fmt(f"%s km straight-line to the nearest {kind.en} (%s), %s km farther than asked", _num(km), name, _num(km - c.km)),
        ),
        unknown=(f"没有已公开的{kind.zh}数据", f"no published {kind.en}"),
        measured=True,
    )


def _industry(req: MatchRequest) -> Scored | None:
    if (i := req.industry) is None:
        return None
    ok = func.array_to_string(Park.leading_industries, " ").icontains(i.keyword, autoescape=True)
    return _binary(
        "industry",
        i,
        ok,
        met=(
            _fmt("园区主导产业含“%s”", literal(i.keyword)),
            _fmt("the park's leading industries include “%s”", literal(i.keyword)),
        ),
        missed=(
            _fmt("园区主导产业不含“%s”", literal(i.keyword)),
            _fmt("the park's leading industries do not include “%s”", literal(i.keyword)),
        ),
    )


def criteria(req: MatchRequest) -> list[Scored]:
    """The request's criteria as SQL, in a fixed order (the order of the verdict lines)."""
    found = [_area(req), _region(req), _land_use(req), _price(req), _industry(req)]
    found += [_distance(kind, c) for kind, c in sorted(req.distances.items(), key=lambda kv: list(FacilityKind).index(kv[0]))]
    return [s for s in found if s is not None]


def _candidates(req: MatchRequest, user: Principal, scored: list[Scored]) -> Select[Any]:
    """Every carrier `user` may see of the asked kind, available, within the radius if given,
    with what the expressions of `scored` read."""
    return _joined(carriers.visible(user).join(Park, Park.id == Carrier.park_id), scored).where(
        Carrier.kind == req.kind.value,
        Carrier.status == "available",
        *([within(Carrier.location, req.near)] if req.near is not None else []),
    )


def _joined(stmt: Select[Any], scored: list[Scored], carrier_id: Any = Carrier.id) -> Select[Any]:
    """`stmt` with the distances of the carrier `carrier_id` where a criterion measures them:
    one lookup for every kind (migration 0024)."""
    if any(s.measured for s in scored):
        stmt = stmt.join(CarrierDistances, CarrierDistances.carrier_id == carrier_id, isouter=True)
    return stmt


def _excluded_as(name: str) -> tuple[str, str]:
    if name.startswith("distance_"):
        kind = next(k for k in FacilityKind if k.value == name.removeprefix("distance_"))
        return f"距{kind.zh}过远或无数据", f"too far from any {kind.en} (or none known)"
    return _EXCLUDED_AS[name]


def check_regions(session: Session, req: MatchRequest) -> None:
    """422 naming the entry when a region is unknown (an unknown code would simply match nothing)."""
    if req.regions is not None:
        for i, code in enumerate(req.regions.adcodes):
            require_region(session, code, f"regions.adcodes.{i}")


def _weighted(scored: list[Scored]) -> Any:
    return sum((s.score * s.criterion.weight for s in scored), start=literal(0.0))


def _hard(scored: list[Scored]) -> list[Scored]:
    """The hard criteria in the order sites are checked and their exclusions counted: the region
    first (it picks the candidates through the parks' index), the distances last (read only for
    the sites that met all the others)."""
    hard = [s for s in scored if s.criterion.hard]
    return sorted(hard, key=lambda s: (s.name != "region", s.measured))


def _score(scored: list[Scored], weighted: Any) -> ColumnElement[Any]:
    """The 0-100 score of a site whose weighted criteria sum to `weighted` (`_weighted`)."""
    total_weight = sum(s.criterion.weight for s in scored)
    if total_weight <= 0:
        return literal(100)
    return cast(func.round(cast(weighted * (100.0 / total_weight), Numeric)), Integer)


def _funnel(req: MatchRequest, user: Principal, scored: list[Scored]) -> tuple[Any, Any]:
    """The sites meeting every hard criterion with their scores (id, park_id, score), and the
    funnel's counts: n0 candidates, n1 of them meeting the first hard criterion (`_hard`'s
    order), n2 the first two, ...

    One pass over the candidates (those in the regions, when the region is a hard limit: the
    others are only counted) checks and scores the criteria on the carrier's and park's own
    columns; the distances (one lookup per site for every kind, migration 0024) are read only for
    the sites that met all the hard ones of those.
    """
    hard = _hard(scored)
    plain = [s for s in scored if not s.measured]
    measured = [s for s in scored if s.measured]
    plain_hard = [s for s in hard if not s.measured]
    measured_hard = [s for s in hard if s.measured]
    candidates = _candidates(req, user, [])
    counts: list[Any] = []
    if plain_hard and plain_hard[0].name == "region" and req.regions is not None:
        everyone = candidates.with_only_columns(Carrier.id).subquery("everyone")
        counts.append(select(func.count()).select_from(everyone).scalar_subquery())
        in_regions = select(Park.id).where(or_(*[within_region(Park.region_adcode, code) for code in req.regions.adcodes]))
        candidates = candidates.where(Carrier.park_id.in_(in_regions))
        plain_hard = plain_hard[1:]
    pool = candidates.with_only_columns(
        Carrier.id.label("id"),
        Carrier.park_id.label("park_id"),
        _weighted(plain).label("part"),
        *[(s.verdict == "met").label(f"ok_{s.name}") for s in plain_hard],
    ).cte("pool")
    plain_ok = [pool.c[f"ok_{s.name}"] for s in plain_hard]
    survivors = select(pool).where(*plain_ok).subquery("survivors")
    checked = _joined(
        select(
            survivors.c.id,
            survivors.c.park_id,
            (survivors.c.part + _weighted(measured)).label("weighted"),
            *[(s.verdict == "met").label(f"ok_{s.name}") for s in measured_hard],
        ).select_from(survivors),
        measured,
        survivors.c.id,
    ).cte("checked")
    measured_ok = [checked.c[f"ok_{s.name}"] for s in measured_hard]
    # n_k: the candidates meeting the first k hard criteria.
    counts += [func.count()] + [func.count().filter(and_(*plain_ok[: k + 1])) for k in range(len(plain_hard))]
    counts += [
        select(func.count().filter(and_(*measured_ok[: k + 1]))).select_from(checked).scalar_subquery()
        for k in range(len(measured_hard))
    ]
    funnel = select(*[c.label(f"n{i}") for i, c in enumerate(counts)]).select_from(pool)
    passing = select(checked.c.id, checked.c.park_id, _score(scored, checked.c.weighted).label("score")).where(*measured_ok)
    return passing.cte("scored"), funnel.subquery("funnel")


def label(req: MatchRequest, name: str) -> tuple[str, str]:
    """What criterion `name` is called, in Chinese and English (a row of the comparison)."""
    if name.startswith("distance_"):
        kind = next(k for k in FacilityKind if k.value == name.removeprefix("distance_"))
        return f"距最近{kind.zh}（直线）", f"to the nearest {kind.en} (straight line)"
    if name == "price":
        return ("价格", "price") if req.kind == "land" else ("租金", "rent")
    return _LABELS[name]


def verdicts(req: MatchRequest, user: Principal, ids: list[int]) -> Select[Any]:
    """The carriers `ids` that `user` may see, judged as a match judges its sites, whatever their
    kind or status: (id, score, the verdict lines as JSON text in `criteria`' order). The score is
    NULL where a hard criterion is not met: the match would have excluded the site."""
    scored = criteria(req)
    lines = func.json_build_array(*[s.explained() for s in scored]) if scored else _EMPTY
    failed = [s.verdict != "met" for s in scored if s.criterion.hard]
    score = case((or_(*failed), None), else_=_score(scored, _weighted(scored))) if failed else _score(scored, _weighted(scored))
    stmt = _joined(carriers.visible(user).join(Park, Park.id == Carrier.park_id), scored)
    return stmt.where(Carrier.id.in_(ids)).with_only_columns(Carrier.id, score, cast(lines, Text))


def statement(req: MatchRequest, user: Principal) -> Select[Any]:
    """One SELECT answering the whole match as one JSON text (see MatchResult)."""
    scored = criteria(req)
    hard = _hard(scored)
    base, funnel = _funnel(req, user, scored)
    rank = func.row_number().over(order_by=[base.c.score.desc(), base.c.id])
    ranked = select(base, rank.label("rank")).order_by(rank).limit(req.limit).cte("ranked")
    item = json_object(
        {
            "rank": ranked.c.rank,
            "id": Carrier.id,
            "name": Carrier.name,
            "kind": Carrier.kind,
            "park_id": Park.id,
            "park_name": Park.name,
            "region_name": _county_name(),
            "score": ranked.c.score,
            "area_mu": carriers.FIELDS["area_mu"],
            "price_wan_per_mu": Carrier.price_wan_per_mu,
            "rent_yuan_m2_month": Carrier.rent_yuan_m2_month,
            "location": geojson(Carrier.location),
            # Explained for the page of ranked sites only, not for every candidate.
            "verdicts": func.json_build_array(*[s.explained() for s in scored]),
            "source": Carrier.source,
            "is_demo": Carrier.is_demo,
        }
    )
    items = select(item.label("item"), ranked.c.rank.label("rank")).join_from(ranked, Carrier, Carrier.id == ranked.c.id)
    listed = _joined(items.join(Park, Park.id == Carrier.park_id), scored).subquery()
    results = select(func.coalesce(func.json_agg(aggregate_order_by(listed.c.item, listed.c.rank)), _EMPTY)).scalar_subquery()
    by_park = (
        select(
            ranked.c.park_id,
            func.max(ranked.c.score).label("best"),
            func.min(ranked.c.rank).label("first"),
            func.array_agg(ranked.c.rank).label("ranks"),
        )
        .group_by(ranked.c.park_id)
        .subquery()
    )
    park_item = json_object(
        {
            "park_id": by_park.c.park_id,
            "park_name": select(Park.name).where(Park.id == by_park.c.park_id).scalar_subquery(),
            "best_score": by_park.c.best,
            "ranks": by_park.c.ranks,
        }
    )
    parks = select(func.coalesce(func.json_agg(aggregate_order_by(park_item, by_park.c.first)), _EMPTY)).scalar_subquery()
    # A site failing several hard criteria is counted under the first (in the order of the verdict
    # lines), so that the counts add up to the total: "48 excluded: 31 too small, 17 over budget".
    steps = [funnel.c[f"n{i}"] for i in range(len(hard) + 1)]
    counts = {s.name: steps[i] - steps[i + 1] for i, s in enumerate(hard)}
    excluded_total = steps[0] - steps[-1]
    parts_zh = [
        func.nullif(_fmt(f"{_excluded_as(n)[0]} %s 个", c), literal(f"{_excluded_as(n)[0]} 0 个")) for n, c in counts.items()
    ]
    parts_en = [func.nullif(_fmt(f"%s {_excluded_as(n)[1]}", c), literal(f"0 {_excluded_as(n)[1]}")) for n, c in counts.items()]
    excluded = json_object(
        {
            "total": excluded_total,
            "by": json_object(counts) if counts else literal_column("'{}'::json"),
            "zh": _fmt(
                "排除 %s 个%s",
                excluded_total,
                func.coalesce(literal("：") + func.nullif(func.concat_ws("，", *parts_zh), ""), ""),
            )
            if counts
            else literal("没有硬性条件，未排除任何载体"),
            "en": _fmt(
                "%s excluded%s",
                excluded_total,
                func.coalesce(literal(": ") + func.nullif(func.concat_ws(", ", *parts_en), ""), ""),
            )
            if counts
            else literal("no hard criteria: nothing excluded"),
        }
    )
    return select(
        cast(
            json_object(
                {
                    "scoring": json_object({"zh": literal(SCORING["zh"]), "en": literal(SCORING["en"])}),
                    "candidates": steps[0],
                    "matched": select(func.count()).select_from(base).scalar_subquery(),
                    "excluded": excluded,
                    "results": results,
                    "parks": parks,
                }
            ),
            Text,
        )
    )


_EMPTY: ColumnElement[Any] = literal_column("'[]'::json")
