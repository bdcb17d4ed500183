"""The address of each park and carrier, `/p/{id}` and `/c/{id}`: a small page rendered here with
its title, description, canonical URL and Open Graph tags, so that a link pasted into WeChat or
a browser's share sheet shows the park's name and what it offers rather than a bare URL. A
person is sent on at once (a meta refresh: no script, so the Content-Security-Policy holds) to
the map with that item's drawer open; link previewers read the tags and stop there.

Rendered as the public sees the item: a draft is not found here, whoever asks, so a page a
shared cache keeps never holds what only staff may read. Every value is escaped."""

from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from app.carriers import queries as carrier_queries
from app.carriers.models import Carrier, CarrierKind, CarrierStatus
from app.core.auth import ANONYMOUS
from app.core.caching import cached
from app.core.codes import member
from app.core.database import SessionDep
from app.core.listing import RecordId, record_json
from app.core.urls import absolute
from app.parks import queries as park_queries
from app.parks.models import Park, ParkLevel, ParkType

router = APIRouter(include_in_schema=False)
MU_M2 = 10_000 / 15
Lang = Annotated[str, Query(pattern="^(zh|en)$")]
API_PREFIX = "/api/v1"
# The size of the brochures' maps (app/brochures/maps.py, a sibling this package does not import);
# tests/web/test_item_pages.py opens the image and checks it against these.
MAP_WIDTH_PX, MAP_HEIGHT_PX = 1200, 750


def _num(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def _park_text(p: dict[str, Any], en: bool) -> tuple[str, str]:
    level, kind = member(ParkLevel, p["level"]), member(ParkType, p["type"])
    counts = p["available_carriers"]
    if en:
        facts = [f"{level.en} {kind.en} in {p['region_name_en'] or p['region_name']}, Jiangxi"]
        if p["approved_area_ha"] is not None:
            facts.append(f"approved area {_num(p['approved_area_ha'])} ha")
        if p["leading_industries"]:
            facts.append("leading industries: " + ", ".join(p["leading_industries"]))
        facts.append(f"available: {counts['land']} land plots, {counts['factory']} factories, {counts['office']} offices")
        if p["hotline"]:
            facts.append(f"investment hotline {p['hotline']}")
        # The official English name; else the Chinese one with its pinyin, which is no official name.
        title = p["name_en"] or (f"{p['name']} ({p['name_pinyin']})" if p["name_pinyin"] else p["name"])
        return title, "; ".join(facts) + "."
    facts = [f"江西省{p['region_name']}的{level.zh}{kind.zh}"]
    if p["approved_area_ha"] is not None:
        facts.append(f"核准面积 {_num(p['approved_area_ha'])} 公顷")
    if p["leading_industries"]:
        facts.append("主导产业：" + "、".join(p["leading_industries"]))
    facts.append(f"可供地块 {counts['land']} 宗、标准厂房 {counts['factory']} 处、楼宇 {counts['office']} 处")
    if p["hotline"]:
        facts.append(f"招商热线 {p['hotline']}")
    return p["name"], "，".join(facts) + "。"


def _carrier_text(c: dict[str, Any], en: bool) -> tuple[str, str]:
    kind, status = member(CarrierKind, c["kind"]), member(CarrierStatus, c["status"])
    mu = _num(float(c["area_m2"]) / MU_M2)
    if en:
        facts = [f"{kind.en} in {c['park_name']}, {status.en}", f"{mu} mu ({_num(c['area_m2'], 0)} m²)"]
        if c["price_wan_per_mu"] is not None:
            facts.append(f"from {_num(c['price_wan_per_mu'], 2)} × 10,000 yuan per mu")
        if c["rent_yuan_m2_month"] is not None:
            facts.append(f"rent {_num(c['rent_yuan_m2_month'], 2)} yuan/m²/month")
        return c["name"], "; ".join(facts) + "."
    facts = [f"{c['park_name']}的{kind.zh}（{status.zh}）", f"面积 {mu} 亩（{_num(c['area_m2'], 0)} 平方米）"]
    if c["price_wan_per_mu"] is not None:
        facts.append(f"起始价 {_num(c['price_wan_per_mu'], 2)} 万元/亩")
    if c["rent_yuan_m2_month"] is not None:
        facts.append(f"租金 {_num(c['rent_yuan_m2_month'], 2)} 元/平方米/月")
    return c["name"], "，".join(facts) + "。"


def _page(
    request: Request, path: str, map_query: str, title: str, description: str, en: bool, demo: bool, park_id: int
) -> Response:
    site = "InvestMap · Jiangxi" if en else "招商一张图 · 江西"
    canonical = absolute(request, path)
    # The park's map, drawn by the service (the brochure's detail map): previewers need an
    # absolute URL, and WeChat shows no SVG, hence a PNG.
    image = absolute(request, f"{API_PREFIX}/brochures/park/{park_id}.png")
    image_alt = f"Map of {title}" if en else f"{title}位置图"
    target = "/?" + map_query + ("&lang=en" if en else "")
    demo_note = ("Demo data: generated, not a real listing. " if en else "演示数据：系统生成，并非真实招商信息。") if demo else ""
    e = escape
    body = f"""<!doctype html>
<html lang="{"en" if en else "zh-CN"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · {e(site)}</title>
<meta name="description" content="{e(demo_note + description)}">
<link rel="canonical" href="{e(canonical)}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="{e(site)}">
<meta property="og:title" content="{e(title)}">
<meta property="og:description" content="{e(demo_note + description)}">
<meta property="og:url" content="{e(canonical)}">
<meta property="og:locale" content="{"en_GB" if en else "zh_CN"}">
<meta property="og:image" content="{e(image)}">
<meta property="og:image:type" content="image/png">
<meta property="og:image:width" content="{MAP_WIDTH_PX}">
<meta property="og:image:height" content="{MAP_HEIGHT_PX}">
<meta property="og:image:alt" content="{e(image_alt)}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="{e(title)}">
<meta name="twitter:description" content="{e(demo_note + description)}">
<meta name="twitter:image" content="{e(image)}">
<meta itemprop="image" content="{e(image)}">
<meta itemprop="name" content="{e(title)}">
<meta itemprop="description" content="{e(demo_note + description)}">
<meta http-equiv="refresh" content="0; url={e(target)}">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<main>
<h1>{e(title)}</h1>
<p>{e(demo_note)}{e(description)}</p>
<p><a href="{e(target)}">{"Open on the map" if en else "在地图中查看"}</a></p>
</main>
</body>
</html>
"""
    return cached(request, body, "text/html; charset=utf-8", max_age=60)


def _not_found(what: str, en: bool) -> Response:
    text = f"This {what} is not published or does not exist." if en else "该条目未公开或不存在。"
    body = (
        f'<!doctype html><html lang="{"en" if en else "zh-CN"}"><meta charset="utf-8"><title>404</title>'
        f'<p>{escape(text)}</p><p><a href="/">招商一张图 InvestMap</a></p></html>'
    )
    return HTMLResponse(body, status_code=404)


@router.get("/p/{item_id}")
def park_page(item_id: RecordId, request: Request, session: SessionDep, lang: Lang = "zh") -> Response:
    spec = park_queries.OUTPUT_DETAIL.for_user(ANONYMOUS)
    found = record_json(session, spec, park_queries.visible(ANONYMOUS).where(Park.id == item_id))
    en = lang == "en"
    if found is None:
        return _not_found("park", en)
    title, description = _park_text(found, en)
    return _page(request, f"/p/{item_id}", f"open=park:{item_id}", title, description, en, found["is_demo"], item_id)


@router.get("/c/{item_id}")
def carrier_page(item_id: RecordId, request: Request, session: SessionDep, lang: Lang = "zh") -> Response:
    spec = carrier_queries.OUTPUT.for_user(ANONYMOUS)
    found = record_json(session, spec, carrier_queries.visible(ANONYMOUS).where(Carrier.id == item_id))
    en = lang == "en"
    if found is None:
        return _not_found("carrier", en)
    title, description = _carrier_text(found, en)
    return _page(request, f"/c/{item_id}", f"open=carrier:{item_id}", title, description, en, found["is_demo"], found["park_id"])
