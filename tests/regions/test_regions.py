import pytest
from shapely.geometry import Point

from tests.support.reference_files import bbox_intersects, regions


def test_levels_and_counts(client) -> None:
    body = client.get("/api/v1/regions", params={"limit": 1000, "count": "true"}).json()
    assert body["count"] == 112
    levels = [r["level"] for r in body["items"]]
    assert (levels.count("province"), levels.count("city"), levels.count("county")) == (1, 11, 100)


def test_counties_of_a_city(client) -> None:
    items = client.get("/api/v1/regions", params={"level": "county", "parent": "360700", "limit": 500}).json()["items"]
    expected = {a for a, r in regions().items() if r["parent_adcode"] == "360700"}
    assert {r["adcode"] for r in items} == expected
    assert "360702" in expected and len(expected) == 18  # 章贡区; Ganzhou has 18 county-level divisions


def test_one_region_has_its_outline(client) -> None:
    body = client.get("/api/v1/regions/360100").json()
    assert body["name"] == "南昌市" and body["level"] == "city" and body["parent_adcode"] == "360000"
    assert body["boundary"]["type"] == "MultiPolygon"


def test_unknown_region_is_404(client) -> None:
    r = client.get("/api/v1/regions/999999")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found" and "999999" in r.json()["error"]["message_zh"]


@pytest.mark.parametrize(
    ("lon", "lat", "city"),
    [
        (115.8922, 28.6765, "360100"),  # 南昌八一广场
        (114.9330, 25.8310, "360700"),  # 赣州市区
        (117.0700, 28.2600, "360600"),  # 鹰潭市区
        (116.3580, 27.9480, "361000"),  # 抚州市区
    ],
)
def test_lookup(client, lon: float, lat: float, city: str) -> None:
    body = client.get("/api/v1/regions/lookup", params={"lon": lon, "lat": lat}).json()
    point = Point(lon, lat)
    county = next(a for a, r in regions().items() if r["level"] == "county" and r["geom"].covers(point))
    assert (body["province"]["adcode"], body["city"]["adcode"], body["county"]["adcode"]) == ("360000", city, county)
    assert regions()[county]["parent_adcode"] == city


def test_lookup_outside_jiangxi(client) -> None:
    r = client.get("/api/v1/regions/lookup", params={"lon": 121.47, "lat": 31.23})  # Shanghai
    assert r.status_code == 404
    err = r.json()["error"]
    assert "outside Jiangxi" in err["message"] and "不在江西省内" in err["message"]


def test_lookup_needs_numbers(client) -> None:
    r = client.get("/api/v1/regions/lookup", params={"lon": "east", "lat": 28})
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "lon"


def test_bbox_matches_shapely(client) -> None:
    bbox = (115.5, 28.3, 116.2, 28.9)
    items = client.get("/api/v1/regions", params={"bbox": ",".join(map(str, bbox)), "limit": 500}).json()["items"]
    from shapely.geometry import mapping

    expected = {a for a, r in regions().items() if bbox_intersects(mapping(r["geom"]), bbox)}
    assert {r["adcode"] for r in items} == expected
