"""Carrier filters, compared with an independent computation over all demo carriers."""

import pytest

from tests.support.reference_files import bbox_intersects, counties_of

MU = 10_000 / 15


@pytest.fixture(scope="module")
def everything(client) -> list[dict]:
    body = client.get("/api/v1/carriers", params={"limit": 10_000, "count": "true"}).json()
    assert body["count"] == len(body["items"]) == 500  # 400 plots + 100 factories loaded by conftest
    return body["items"]


def _ids(client, **params) -> set[int]:
    r = client.get("/api/v1/carriers", params={"limit": 10_000, **params})
    assert r.status_code == 200, r.text
    return {c["id"] for c in r.json()["items"]}


def test_kind_and_status(client, everything) -> None:
    assert _ids(client, kind="land") == {c["id"] for c in everything if c["kind"] == "land"}
    got = _ids(client, kind="factory", status="available")
    assert got == {c["id"] for c in everything if c["kind"] == "factory" and c["status"] == "available"} and got


def test_area_range_in_mu(client, everything) -> None:
    got = _ids(client, min_area=30, max_area=80, area_unit="mu")
    assert got == {c["id"] for c in everything if 30 * MU <= c["area_m2"] <= 80 * MU} and got


def test_area_range_in_m2(client, everything) -> None:
    got = _ids(client, min_area=2000, max_area=6000)
    assert got == {c["id"] for c in everything if 2000 <= c["area_m2"] <= 6000} and got


def test_max_price_and_land_use(client, everything) -> None:
    got = _ids(client, max_price=20, land_use="industrial_2")
    expected = {
        c["id"]
        for c in everything
        if c["price_wan_per_mu"] is not None and c["price_wan_per_mu"] <= 20 and c["land_use"] == "industrial_2"
    }
    assert got == expected and got


def test_park_and_region(client, everything) -> None:
    park_id = everything[0]["park_id"]
    assert _ids(client, park=park_id) == {c["id"] for c in everything if c["park_id"] == park_id}
    parks = {p["id"]: p["region_adcode"] for p in client.get("/api/v1/parks", params={"limit": 1000}).json()["items"]}
    inside = counties_of("360700")
    got = _ids(client, region="360700")
    assert got == {c["id"] for c in everything if parks[c["park_id"]] in inside}
    inside |= counties_of("360100")  # several regions at once, as the map page's filter sends them
    got = _ids(client, region="360700,360100")
    assert got == {c["id"] for c in everything if parks[c["park_id"]] in inside} and got > _ids(client, region="360700")


def test_bbox_uses_the_true_shape(client, everything) -> None:
    plot = next(c for c in everything if c["kind"] == "land")
    (lon, lat) = plot["location"]["coordinates"]
    bbox = (lon - 0.05, lat - 0.05, lon + 0.05, lat + 0.05)
    got = _ids(client, bbox=",".join(map(str, bbox)))
    assert got == {c["id"] for c in everything if bbox_intersects(c["geometry"], bbox)}
    assert plot["id"] in got


def test_demo_plots_say_they_are_demo(everything) -> None:
    assert all(c["is_demo"] and c["name"].startswith("【演示 DEMO】") and "演示数据" in c["source"] for c in everything)


def test_plots_are_polygons_and_factories_points(everything) -> None:
    kinds = {(c["kind"], c["geometry"]["type"]) for c in everything}
    assert kinds == {("land", "Polygon"), ("factory", "Point")}


def test_carrier_geojson_feature(client, everything) -> None:
    plot = next(c for c in everything if c["kind"] == "land")
    feature = client.get(f"/api/v1/carriers/{plot['id']}", params={"f": "geojson"}).json()
    assert feature["type"] == "Feature" and feature["id"] == plot["id"]
    assert feature["geometry"] == plot["geometry"]
    assert feature["properties"]["area_mu"] == plot["area_mu"] and "geometry" not in feature["properties"]


def test_bad_area_range(client) -> None:
    r = client.get("/api/v1/carriers", params={"min_area": 10, "max_area": 5})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "min_area"


def test_missing_carrier(client) -> None:
    r = client.get("/api/v1/carriers/99999999")
    assert r.status_code == 404 and "载体" in r.json()["error"]["message_zh"]
