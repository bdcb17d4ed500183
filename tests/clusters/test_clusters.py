from shapely.geometry import shape
from shapely.ops import unary_union

from tests.support.records import if_match
from tests.support.reference_files import cluster_lists_csv, regions


def test_clusters_from_the_official_lists(client) -> None:
    items = client.get("/api/v1/clusters", params={"limit": 100}).json()["items"]
    assert {c["name"] for c in items} == {r["name"] for r in cluster_lists_csv()}
    rare_earth = next(c for c in items if "稀土" in c["name"])
    assert rare_earth["tier"] == "national_advanced" and rare_earth["city_adcodes"] == ["360700"]
    assert rare_earth["revenues"][0]["year"] == 2021 and rare_earth["revenues"][0]["revenue_yi"] == 410.9


def test_cluster_geometry_is_its_cities(client) -> None:
    fc = client.get("/api/v1/clusters", params={"f": "geojson", "limit": 100}).json()
    copper = next(f for f in fc["features"] if "铜基" in f["properties"]["name"])
    cities = unary_union([regions()[a]["geom"] for a in copper["properties"]["city_adcodes"]])
    assert abs(shape(copper["geometry"]).area - cities.area) / cities.area < 1e-6


def test_filter_by_city_and_tier(client) -> None:
    items = client.get("/api/v1/clusters", params={"city": "360600", "limit": 100}).json()["items"]
    expected = {r["name"] for r in cluster_lists_csv() if "360600" in r["city_adcodes"].split(";")}
    assert {c["name"] for c in items} == expected and expected
    national = client.get("/api/v1/clusters", params={"tier": "national_advanced"}).json()["items"]
    assert {c["name"] for c in national} == {r["name"] for r in cluster_lists_csv() if r["tier"] == "national_advanced"}


def test_create_and_refuse_bad_cluster(client, admin) -> None:
    body = {
        "name": "测试集群",
        "tier": "municipal",
        "lead_city_adcode": "360100",
        "city_adcodes": ["360100"],
        "revenues": [{"year": 2024, "revenue_yi": 12.5}],
        "source": "test suite",
    }
    r = client.post("/api/v1/clusters", json=body, headers=admin)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    try:
        bad = client.post("/api/v1/clusters", json={**body, "name": "另一个", "city_adcodes": ["360121"]}, headers=admin)
        assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "city_adcodes"
        path = f"/api/v1/clusters/{cid}"
        r = client.patch(
            path,
            json={"revenues": [{"year": 2024, "revenue_yi": 1}, {"year": 2024, "revenue_yi": 2}]},
            headers=if_match(client, path, admin),
        )
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "revenues"
        assert client.get(f"/api/v1/clusters/{cid}", headers=admin).json()["revenues"][0]["revenue_yi"] == 12.5
    finally:
        assert client.delete(path, headers=if_match(client, path, admin)).status_code == 204
