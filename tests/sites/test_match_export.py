"""A match result as GeoJSON and XLSX: the hand-built set's ranking, verdicts and exclusions in
the files, the same answer as the JSON through the API, and the link in them reopening the match."""

import io
import json
from urllib.parse import parse_qs, urlsplit

import openpyxl
from sqlalchemy.orm import Session

from app.sites import export as exporting
from app.sites.schemas import MatchRequest
from tests.sites.test_match import LAT, LON, REQUIREMENT, _match, sites  # noqa: F401 - the fixture

LINK = "http://testserver/api/v1/sites/match?r=x"
BODY = {"kind": "land", "area": {"min": 20, "unit": "mu"}, "regions": {"adcodes": ["360100", "360400"]}, "limit": 5}


def _request() -> MatchRequest:
    return MatchRequest.model_validate({"kind": "land", "near": {"lon": LON, "lat": LAT, "km": 5}, **REQUIREMENT})


def test_geojson_holds_the_ranked_sites_their_reasons_and_the_summary(db: Session, sites: dict[str, int]) -> None:  # noqa: F811
    result = _match(db, REQUIREMENT)
    got = exporting.geojson(result, _request(), LINK)
    by_id = {v: k for k, v in sites.items()}
    assert got["type"] == "FeatureCollection"
    assert [(by_id[f["id"]], f["properties"]["rank"], f["properties"]["score"]) for f in got["features"]] == [
        ("A", 1, 100),
        ("B", 2, 90),
        ("E", 3, 75),
        ("D", 4, 50),
    ]
    b = got["features"][1]
    assert b["geometry"] == result["results"][1]["location"] and b["geometry"]["type"] == "Point"
    assert b["properties"]["reasons_zh"].split("；")[:2] == [
        "✓ 面积 50.0 亩，符合 40–60 亩",
        "≈ 价格 33.00 万元/亩，超出预算 3.00",
    ]
    assert b["properties"]["reasons_en"].startswith("✓ area 50.0 mu, within 40–60 mu; ≈ price 33.00 10k yuan/mu")
    assert b["properties"]["verdicts"] == result["results"][1]["verdicts"]
    assert got["excluded"]["zh"] == "排除 1 个：面积不符 1 个"
    assert (got["candidates"], got["matched"], got["link"]) == (5, 4, LINK)
    assert got["requirement"]["price"] == {"hard": False, "weight": 2.0, "max": 30.0}


def test_xlsx_is_the_shortlist_with_one_column_per_criterion(db: Session, sites: dict[str, int]) -> None:  # noqa: F811
    result = _match(db, REQUIREMENT)
    book = openpyxl.load_workbook(io.BytesIO(exporting.xlsx(result, _request(), LINK)))
    assert book.sheetnames == ["匹配结果", "说明"]
    rows = list(book["匹配结果"].iter_rows(values_only=True))
    assert rows[0] == (
        "名次", "得分", "载体", "园区", "县（市、区）", "面积（亩）", "价格（万元/亩）", "租金（元/平方米/月）",
        "面积", "价格/租金", "产业", "距高铁 / 铁路客运站（直线）",
        "经度（WGS-84）", "纬度（WGS-84）", "数据来源", "演示数据", "载体 id",
    )  # fmt: skip
    assert [(r[0], r[1], r[2], r[16]) for r in rows[1:]] == [
        (1, 100, "A", sites["A"]),
        (2, 90, "B", sites["B"]),
        (3, 75, "E", sites["E"]),
        (4, 50, "D", sites["D"]),
    ]
    e = rows[3]
    assert (e[3], e[5], e[6], e[15]) == ("测试园区", 45, None, "否")
    assert e[8] == "✓ 面积 45.0 亩，符合 40–60 亩（硬性）"
    assert e[9] == "? 未公布价格"
    assert e[11].startswith("✓ 距最近高铁 / 铁路客运站（测试站）直线 ")
    assert (e[12], e[13]) == tuple(result["results"][2]["location"]["coordinates"])
    about = dict(book["说明"].iter_rows(min_row=2, values_only=True))
    assert about["排除 / excluded"] == "排除 1 个：面积不符 1 个"
    assert about["链接 / link"] == LINK
    assert json.loads(about["需求 / requirement"])["area"] == {"min": 40.0, "max": 60.0}


def test_the_api_answers_each_format_with_the_same_match_and_a_link_that_reopens_it(client) -> None:
    answer = client.post("/api/v1/sites/match", json=BODY).json()
    assert answer["results"]
    as_geojson = client.post("/api/v1/sites/match", params={"format": "geojson"}, json=BODY)
    assert as_geojson.status_code == 200 and as_geojson.headers["content-type"] == "application/geo+json"
    features = as_geojson.json()["features"]
    assert [f["id"] for f in features] == [r["id"] for r in answer["results"]]
    link = as_geojson.json()["link"]
    shared = parse_qs(urlsplit(link).query)["r"][0]
    assert urlsplit(link).path == "/api/v1/sites/match"
    assert client.get("/api/v1/sites/match", params={"r": shared}).json() == answer

    as_xlsx = client.get("/api/v1/sites/match", params={"r": json.dumps(BODY), "format": "xlsx"})
    assert as_xlsx.status_code == 200
    assert as_xlsx.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert as_xlsx.headers["content-disposition"].startswith('attachment; filename="export.xlsx"')
    rows = list(openpyxl.load_workbook(io.BytesIO(as_xlsx.content))["匹配结果"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[-1]) for r in rows] == [(r["rank"], r["name"], r["id"]) for r in answer["results"]]
    bad = client.post("/api/v1/sites/match", params={"format": "pdf"}, json=BODY)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "format"
