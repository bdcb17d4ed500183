"""A match result as a file: GeoJSON (the ranked sites as points, with their verdicts) and XLSX
(the shortlist: one row per site, one column per criterion, and a sheet saying what was asked,
how it was scored, what was excluded and the link that reopens it).

Both are made from the answer `matching.statement` builds (at most `MAX_RESULTS` sites), so a
file says exactly what the page showed, and only what its caller may see.
"""

import json
from typing import Any, Literal

from app.core.export import XLSX, Sheet, xlsx_workbook
from app.infrastructure.models import FacilityKind
from app.sites.schemas import MatchRequest

MatchFormat = Literal["json", "geojson", "xlsx"]
GEOJSON = "application/geo+json"
_MARK = {"met": "✓", "near": "≈", "miss": "✗", "unknown": "?"}
_CRITERIA_ZH = {"area": "面积", "region": "地区", "land_use": "用地性质", "price": "价格/租金", "industry": "产业"}


def criterion_zh(name: str) -> str:
    """A criterion's column header: 面积, 距高铁/火车站, ..."""
    if name.startswith("distance_"):
        kind = FacilityKind.of(name.removeprefix("distance_"))
        return f"距{kind.zh}（直线）"
    return _CRITERIA_ZH[name]


def _reasons(site: dict[str, Any], lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    return sep.join(f"{_MARK[v['verdict']]} {v[lang]}" for v in site["verdicts"])


def geojson(result: dict[str, Any], req: MatchRequest, link: str) -> dict[str, Any]:
    """The ranked sites as a FeatureCollection (WGS-84, RFC 7946); the summary as foreign members."""
    features = [
        {
            "type": "Feature",
            "id": site["id"],
            "geometry": site["location"],
            "properties": {
                **{k: v for k, v in site.items() if k != "location"},
                # GIS clients show scalar properties: the verdicts again, as one line per language.
                "reasons_zh": _reasons(site, "zh"),
                "reasons_en": _reasons(site, "en"),
            },
        }
        for site in result["results"]
    ]
    summary = {k: result[k] for k in ("scoring", "candidates", "matched", "excluded", "parks")}
    return {
        "type": "FeatureCollection",
        "features": features,
        "requirement": req.model_dump(mode="json"),
        "link": link,
        **summary,
    }


def xlsx(result: dict[str, Any], req: MatchRequest, link: str) -> bytes:
    """The shortlist as a workbook: 匹配结果 (one row per site) and 说明 (the request and the rules)."""
    names = [v["criterion"] for v in result["results"][0]["verdicts"]] if result["results"] else []
    headers = ["名次", "得分", "载体", "园区", "县（市、区）", "面积（亩）", "价格（万元/亩）", "租金（元/平方米/月）"]
    headers += [criterion_zh(n) for n in names]
    headers += ["经度（WGS-84）", "纬度（WGS-84）", "数据来源", "演示数据", "载体 id"]
    rows = [
        [
            site["rank"],
            site["score"],
            site["name"],
            site["park_name"],
            site["region_name"],
            site["area_mu"],
            site["price_wan_per_mu"],
            site["rent_yuan_m2_month"],
            *[f"{_MARK[v['verdict']]} {v['zh']}{'（硬性）' if v['hard'] else ''}" for v in site["verdicts"]],
            *site["location"]["coordinates"],
            site["source"],
            "是" if site["is_demo"] else "否",
            site["id"],
        ]
        for site in result["results"]
    ]
    about: list[list[Any]] = [
        ["评分规则", result["scoring"]["zh"]],
        ["Scoring", result["scoring"]["en"]],
        ["参与比较 / candidates", result["candidates"]],
        ["符合硬性条件 / matched", result["matched"]],
        ["排除 / excluded", result["excluded"]["zh"]],
        ["", result["excluded"]["en"]],
        ["距离 / distances", "均为直线距离，非驾车距离 / straight-line, not drive distances"],
        ["需求 / requirement", json.dumps(req.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False)],
        ["链接 / link", link],
    ]
    sheets: list[Sheet] = [("匹配结果", headers, rows), ("说明", ["项目 / item", "内容 / value"], about)]
    return xlsx_workbook(sheets)


MEDIA = {"geojson": GEOJSON, "xlsx": XLSX}
