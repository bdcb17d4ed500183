"""Park reads: every filter returns exactly the parks the reference file says it should."""

from collections import Counter

import pytest

from tests.support.reference_files import bbox_intersects, counties_of, parks_csv


def _names(client, **params) -> list[str]:
    r = client.get("/api/v1/parks", params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    return [p["name"] for p in r.json()["items"]]


def _expected(pred) -> set[str]:
    return {row["name"] for row in parks_csv() if pred(row)}


def test_all_reference_parks_are_listed(client) -> None:
    assert set(_names(client)) == _expected(lambda r: True)


@pytest.mark.parametrize("level", ["national", "provincial"])
def test_level(client, level: str) -> None:
    assert set(_names(client, level=level)) == _expected(lambda r: r["level"] == level)


@pytest.mark.parametrize("type_", ["etdz", "hitech", "bonded", "chemical"])
def test_type(client, type_: str) -> None:
    assert set(_names(client, type=type_)) == _expected(lambda r: r["type"] == type_)


def test_every_national_zone_of_the_plan_is_there(client) -> None:
    counts = Counter((r["level"], r["type"]) for r in parks_csv())
    assert counts[("national", "etdz")] >= 10 and counts[("national", "hitech")] >= 9
    assert len(_names(client, level="national", type="hitech")) == counts[("national", "hitech")]


@pytest.mark.parametrize("adcode", ["360700", "360100", "360121", "360000"])
def test_region_includes_its_counties(client, adcode: str) -> None:
    inside = counties_of(adcode)
    assert set(_names(client, region=adcode)) == _expected(lambda r: r["region_adcode"] in inside)


def test_several_regions_at_once(client) -> None:
    inside = counties_of("360100") | counties_of("360402")  # 南昌市 and one county of 九江
    got = set(_names(client, region="360100,360402"))
    assert got == _expected(lambda r: r["region_adcode"] in inside) and got > set(_names(client, region="360100"))
    r = client.get("/api/v1/parks", params={"region": "360100;360402"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "region"


def test_industry_text_match(client) -> None:
    assert set(_names(client, industry="稀土")) == _expected(lambda r: "稀土" in r["leading_industries"])
    assert _names(client, industry="稀土")


def test_name_search_matches_short_names(client) -> None:
    assert set(_names(client, q="小蓝")) == _expected(lambda r: "小蓝" in r["name"] or "小蓝" in r["short_name"])


def test_cluster_filter(client) -> None:
    clusters = client.get("/api/v1/clusters", params={"limit": 100}).json()["items"]
    rare_earth = next(c for c in clusters if "稀土" in c["name"])
    assert set(_names(client, cluster=rare_earth["id"])) == _expected(
        lambda r: rare_earth["name"] in r["list_clusters"].split(";")
    )


def test_cooperation_parks(client) -> None:
    items = client.get("/api/v1/parks", params={"cooperation": "true", "limit": 100}).json()["items"]
    assert len(items) == 5
    nanshan = next(p for p in items if p["name"] == "井冈山经开区南山示范园")
    assert nanshan["cooperation"]["partner_region"] == "gba"
    assert nanshan["cooperation"]["partner_location"]["coordinates"] == [113.93, 22.53]


def test_bbox_matches_shapely(client) -> None:
    bbox = (114.5, 25.5, 115.5, 26.5)
    body = client.get("/api/v1/parks", params={"bbox": ",".join(map(str, bbox)), "limit": 1000}).json()
    got = {p["name"] for p in body["items"]}
    all_parks = client.get("/api/v1/parks", params={"limit": 1000}).json()["items"]
    expected = {p["name"] for p in all_parks if bbox_intersects(p["location"], bbox)}
    assert got == expected and got


def test_paging_walks_every_park_once(client) -> None:
    seen: list[int] = []
    url: str | None = "/api/v1/parks?limit=7&sort=name"
    while url:
        body = client.get(url).json()
        seen += [p["id"] for p in body["items"]]
        assert len(body["items"]) <= 7
        url = body["next"]
    assert len(seen) == len(set(seen)) == len(parks_csv())


def test_count_only_when_asked(client) -> None:
    assert "count" not in client.get("/api/v1/parks", params={"limit": 1}).json()
    assert client.get("/api/v1/parks", params={"limit": 1, "count": "true"}).json()["count"] == len(parks_csv())


def test_sort_descending_puts_nulls_last(client) -> None:
    items = client.get("/api/v1/parks", params={"sort": "-approved_area_ha", "limit": 1000}).json()["items"]
    areas = [p["approved_area_ha"] for p in items]
    known = [a for a in areas if a is not None]
    assert known == sorted(known, reverse=True)
    assert areas[: len(known)] == known


def test_sort_by_unknown_field_is_refused(client) -> None:
    r = client.get("/api/v1/parks", params={"sort": "password"})
    assert r.status_code == 422
    detail = r.json()["error"]["details"][0]
    assert detail["field"] == "sort" and "name" in detail["problem"] and "不能按" in detail["problem_zh"]


def test_geojson_output(client) -> None:
    r = client.get("/api/v1/parks", params={"f": "geojson", "level": "national", "type": "etdz", "limit": 100})
    assert r.headers["content-type"] == "application/geo+json"
    body = r.json()
    assert body["type"] == "FeatureCollection" and body["numberReturned"] == len(body["features"]) == 11
    feature = next(f for f in body["features"] if f["properties"]["name"] == "南昌小蓝经济技术开发区")
    row = next(r for r in parks_csv() if r["name"] == "南昌小蓝经济技术开发区")
    assert feature["geometry"] == {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}
    assert "location" not in feature["properties"]


def test_geojson_by_accept_header(client) -> None:
    r = client.get("/api/v1/parks", params={"limit": 2}, headers={"Accept": "application/geo+json"})
    assert r.json()["type"] == "FeatureCollection"
    assert r.json()["links"][0]["rel"] == "next"


def test_detail_has_counts_and_provenance(client) -> None:
    park = client.get("/api/v1/parks", params={"q": "小蓝经济", "limit": 1}).json()["items"][0]
    body = client.get(f"/api/v1/parks/{park['id']}").json()
    assert set(body["available_carriers"]) == {"land", "factory", "office"}
    assert body["source"] and body["as_of"] and body["published"] is True and body["is_demo"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "116,29,115,28"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"limit": 0}, "limit"),
        ({"limit": 10001}, "limit"),
        ({"level": "galactic"}, "level"),
        ({"region": "36"}, "region"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_query_parameters(client, params: dict, field: str) -> None:
    r = client.get("/api/v1/parks", params=params)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["details"][0]["field"] == field
    assert err["message"] and err["message_zh"]


def test_every_park_lies_in_its_county(db) -> None:
    from sqlalchemy import text

    outside = (
        db.execute(
            text(
                "SELECT p.name FROM parks p JOIN regions r ON r.adcode = p.region_adcode "
                "WHERE NOT ST_DWithin(r.geom::geography, p.location::geography, 2000)"
            )
        )
        .scalars()
        .all()
    )
    assert outside == []
