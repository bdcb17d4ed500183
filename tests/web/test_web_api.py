"""The map page's own endpoints: composed filters, regions, search suggestions, config, static files."""

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.errors import install_error_handlers
from app.web.basemaps import WebSettings, web_config
from app.web.static import install_frontend
from tests.support.records import if_match


def ids(items: list[dict[str, Any]]) -> list[int]:
    return sorted(i["id"] for i in items)


def test_map_parks_with_park_criteria_are_the_parks_api_set(client: TestClient) -> None:
    mine = client.get("/api/v1/map/parks", params={"level": "national", "type": "hitech", "limit": 1000}).json()
    theirs = client.get("/api/v1/parks", params={"level": "national", "type": "hitech", "limit": 1000}).json()
    assert ids(mine["items"]) == ids(theirs["items"]) and len(mine["items"]) == 9


def test_map_parks_with_carrier_criteria_keep_parks_that_offer_a_match(client: TestClient) -> None:
    criteria = {"kind": "land", "status": "available", "min_area": 100, "max_area": 300, "area_unit": "mu"}
    parks = client.get("/api/v1/map/parks", params={**criteria, "limit": 1000}).json()["items"]
    carriers = client.get("/api/v1/carriers", params={**criteria, "limit": 10_000}).json()["items"]
    per_park: dict[int, int] = {}
    for c in carriers:
        assert 100 * 10_000 / 15 - 0.01 <= c["area_m2"] <= 300 * 10_000 / 15 + 0.01
        per_park[c["park_id"]] = per_park.get(c["park_id"], 0) + 1
    assert ids(parks) == sorted(per_park)
    assert {p["id"]: p["matching_carriers"] for p in parks} == per_park
    assert 0 < len(parks) < 61


def test_map_carriers_follow_both_park_and_carrier_criteria(client: TestClient) -> None:
    national = {p["id"] for p in client.get("/api/v1/parks", params={"level": "national", "limit": 1000}).json()["items"]}
    fc = client.get(
        "/api/v1/map/carriers", params={"level": "national", "kind": "factory", "f": "geojson", "limit": 10_000, "count": "true"}
    ).json()
    everything = client.get("/api/v1/carriers", params={"kind": "factory", "limit": 10_000}).json()["items"]
    expected = sorted(c["id"] for c in everything if c["park_id"] in national)
    assert sorted(f["id"] for f in fc["features"]) == expected
    assert fc["numberMatched"] == len(expected) > 0
    # bbox limits the carriers, not the parks they belong to.
    bbox = "115.7,28.4,116.1,28.9"
    boxed = client.get("/api/v1/map/carriers", params={"bbox": bbox, "f": "geojson", "limit": 10_000}).json()
    direct = client.get("/api/v1/carriers", params={"bbox": bbox, "f": "geojson", "limit": 10_000}).json()
    assert sorted(f["id"] for f in boxed["features"]) == sorted(f["id"] for f in direct["features"]) != []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_area": 50, "max_area": 10}, "min_area"),
        ({"level": "galactic"}, "level"),
        ({"kind": "castle"}, "kind"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"published": "true"}, "published"),  # the page is public: no admin filters here
    ],
)
def test_map_endpoints_refuse_bad_input_in_both_languages(client: TestClient, params: dict[str, Any], field: str) -> None:
    for path in ("/api/v1/map/parks", "/api/v1/map/carriers"):
        r = client.get(path, params=params)
        assert r.status_code == 422, (path, r.text)
        err = r.json()["error"]
        assert err["message"] and err["message_zh"] and err["details"][0]["field"] == field


def test_map_regions_are_generalised_with_label_points_and_cached(client: TestClient) -> None:
    r = client.get("/api/v1/map/regions", params={"level": "county"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    fc = r.json()
    assert len(fc["features"]) == 100
    full = client.get("/api/v1/regions", params={"level": "county", "f": "geojson", "limit": 200})
    assert len(r.content) < len(full.content) / 2  # generalised
    for f in fc["features"]:
        assert f["properties"]["label"]["type"] == "Point" and f["properties"]["parent_adcode"]
    again = client.get("/api/v1/map/regions", params={"level": "county"}, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/api/v1/map/regions", params={"level": "planet"}).status_code == 422


def test_label_point_lies_inside_its_region(client: TestClient) -> None:
    fc = client.get("/api/v1/map/regions", params={"level": "city"}).json()
    for f in fc["features"]:
        lon, lat = f["properties"]["label"]["coordinates"]
        found = client.get("/api/v1/regions/lookup", params={"lon": lon, "lat": lat}).json()
        assert found["city"]["adcode"] == f["id"]


def test_search_ranks_exact_and_prefix_matches_first(client: TestClient) -> None:
    items = client.get("/api/v1/search", params={"q": "南昌"}).json()["items"]
    assert items[0] == {**items[0], "kind": "region", "adcode": "360100", "name": "南昌市", "level": "city"}
    names = [i["name"] for i in items]
    assert all("南昌" in n or "南昌" in (i.get("short_name") or "") for n, i in zip(names, items, strict=True))
    park = next(i for i in items if i["kind"] == "park")
    assert park["context"].startswith("南昌市 · ") and len(park["location"]) == 2
    by_short = client.get("/api/v1/search", params={"q": "小蓝经开区"}).json()["items"]
    assert by_short[0]["name"] == "南昌小蓝经济技术开发区"
    county = client.get("/api/v1/search", params={"q": "章贡"}).json()["items"]
    assert county[0]["kind"] == "region" and county[0]["level"] == "county" and county[0]["context"] == "赣州市"
    w, s, e, n = county[0]["bbox"]
    assert 114 < w < e < 115.5 and 25 < s < n < 26.5


def test_search_shows_the_public_published_parks_only(client: TestClient, admin: dict[str, str]) -> None:
    park = client.get("/api/v1/parks", params={"q": "瑞金经济技术开发区"}).json()["items"][0]
    path = f"/api/v1/parks/{park['id']}"
    assert client.patch(path, json={"published": False}, headers=if_match(client, path, admin)).status_code == 200
    try:
        public = client.get("/api/v1/search", params={"q": "瑞金"}).json()["items"]
        assert [i["kind"] for i in public] == ["region"]
        officer = client.get("/api/v1/search", params={"q": "瑞金"}, headers=admin).json()["items"]
        assert park["id"] in [i.get("id") for i in officer]
    finally:
        client.patch(path, json={"published": True}, headers=if_match(client, path, admin))


@pytest.mark.parametrize(
    "params", [{"q": "   "}, {"q": ""}, {}, {"q": "x" * 51}, {"q": "南", "limit": 0}, {"q": "南", "limit": 21}]
)
def test_search_refuses_bad_input_in_both_languages(client: TestClient, params: dict[str, Any]) -> None:
    r = client.get("/api/v1/search", params=params)
    assert r.status_code == 422
    assert r.json()["error"]["message_zh"].startswith("输入有误")


def test_search_treats_like_wildcards_as_text(client: TestClient) -> None:
    assert client.get("/api/v1/search", params={"q": "%"}).json()["items"] == []
    assert client.get("/api/v1/search", params={"q": "_"}).json()["items"] == []


def test_config_offers_tianditu_only_with_a_key() -> None:
    plain = web_config(WebSettings(tianditu_key=None))
    assert [b.id for b in plain.basemaps] == ["offline", "osm", "amap"]
    assert {b.id: b.datum for b in plain.basemaps}["amap"] == "gcj02"
    keyed = web_config(WebSettings(tianditu_key="k123", osm_tile_url="", default_basemap="tianditu"))
    assert [b.id for b in keyed.basemaps] == ["offline", "tianditu", "amap"]
    tdt = keyed.basemaps[1]
    assert tdt.datum == "wgs84" and len(tdt.layers) == 2 and all("tk=k123" in u and "{x}" in u for u in tdt.layers)
    assert keyed.default_basemap == "tianditu"
    # A default that is not on offer falls back to the offline basemap.
    assert web_config(WebSettings(default_basemap="tianditu")).default_basemap == "offline"


def test_config_endpoint(client: TestClient) -> None:
    body = client.get("/api/v1/config").json()
    assert body["basemaps"][0]["id"] == "offline" and body["default_basemap"] == "offline"


def _app(dist: Path) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    install_frontend(app, dist)
    return TestClient(app)


def test_page_and_assets_are_served_with_the_right_caching(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>招商一张图</title>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    client = _app(tmp_path)
    page = client.get("/")
    assert page.status_code == 200 and "招商一张图" in page.text
    assert page.headers["cache-control"] == "no-cache" and page.headers["content-type"].startswith("text/html")
    assert client.get("/", headers={"If-None-Match": page.headers["etag"]}).status_code == 304
    asset = client.get("/assets/index-abc123.js")
    assert asset.status_code == 200 and asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/favicon.svg").headers["content-type"] == "image/svg+xml"
    missing = client.get("/assets/nope.js")
    assert missing.status_code == 404 and missing.json()["error"]["message_zh"]


def test_an_unbuilt_page_says_how_to_build_it(tmp_path: Path) -> None:
    client = _app(tmp_path / "dist")
    r = client.get("/")
    assert r.status_code == 503 and "make frontend" in r.text and "页面尚未构建" in r.text
    assert client.get("/favicon.svg").status_code == 404


def test_the_real_build_is_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and 'id="map"' in page.text
    scripts = [part.split('"')[0] for part in page.text.split('src="')[1:] if part.startswith("/assets/")]
    assert scripts, "the built page names its hashed script"
    js = client.get(scripts[0], headers={"Accept-Encoding": "gzip"})
    assert js.status_code == 200 and js.headers["content-encoding"] == "gzip"


def test_search_finds_a_park_by_its_official_english_name(client: TestClient) -> None:
    items = client.get("/api/v1/search", params={"q": "nanchang economic"}).json()["items"]
    assert [(i["kind"], i["name"], i["name_en"]) for i in items] == [
        ("park", "南昌经济技术开发区", "Nanchang Economic and Technological Development Zone")
    ]
    exact = client.get("/api/v1/search", params={"q": "Ganjiang New Area"}).json()["items"]
    assert exact[0]["name"] == "江西赣江新区" and exact[0]["name_en"] == "Ganjiang New Area"
