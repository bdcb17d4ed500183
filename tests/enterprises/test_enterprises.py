"""Enterprises: the county comes from the point, bad input is named, and the public sees only
published local enterprises."""

import pytest
import shapely
from shapely.geometry import shape

from tests.support.chains import created, delete, enterprise_body, new_uscc, patch, point_in
from tests.support.reference_files import regions

SHENZHEN = [114.06, 22.54]


def test_the_county_is_derived_from_the_point(client, admin, db) -> None:
    point = point_in(db, "360783")
    body = enterprise_body(
        point,
        name="龙南测试企业",
        tags=["high_tech", "chain_leader", "high_tech"],
        link_ids=[1, 2],
        revenue_yi=12.5,
        employees=300,
        year=2024,
        uscc=" " + new_uscc().lower(),
    )
    with created(client, admin, "/api/v1/enterprises", body) as made:
        assert made["region_adcode"] == "360783" and made["region_name"] == "龙南市" and made["city_adcode"] == "360700"
        assert made["uscc"] == body["uscc"].strip().upper()
        assert made["tags"] == ["high_tech", "chain_leader"] and made["link_ids"] == [1, 2]
        assert {lk["chain_id"] for lk in made["links"]} == {1}
        assert (made["revenue_yi"], made["employees"], made["year"]) == (12.5, 300, 2024)
        assert made["location"] == {"type": "Point", "coordinates": point}
        assert made["published"] is False and made["is_demo"] is False
        # Moving it moves its county.
        moved = patch(
            client,
            admin,
            f"/api/v1/enterprises/{made['id']}",
            {"location": {"type": "Point", "coordinates": point_in(db, "361102")}},
        ).json()
        assert moved["region_adcode"] == "361102" and moved["tags"] == ["high_tech", "chain_leader"]


def test_an_external_enterprise_may_be_anywhere_in_china(client, admin) -> None:
    with created(client, admin, "/api/v1/enterprises", enterprise_body(SHENZHEN, is_local=False)) as made:
        assert made["is_local"] is False and made["region_adcode"] is None


@pytest.mark.parametrize(
    ("change", "field", "problem_zh"),
    [
        ({"location": {"type": "Point", "coordinates": SHENZHEN}}, "location", "不在江西省内"),
        ({"location": {"type": "Point", "coordinates": [2.35, 48.85]}, "is_local": False}, "location", "远在中国范围之外"),
        ({"location": {"type": "Point", "coordinates": [28.5, 115.9]}}, "location", "纬度"),
        ({"park_id": 1, "is_local": False, "location": {"type": "Point", "coordinates": SHENZHEN}}, "park_id", "本地企业"),
        ({"park_id": 99999}, "park_id", "未知的园区"),
        ({"link_ids": [1, 99999]}, "link_ids", "未知的产业链环节"),
        ({"tags": ["famous"]}, "tags.0", "取值不在允许范围内"),
        ({"revenue_yi": -1}, "revenue_yi", "数值过小"),
        ({"year": 1900}, "year", "数值过小"),
        ({"name": ""}, "name", "文本过短"),
        ({"homepage": "x"}, "homepage", "未知字段"),
    ],
)
def test_bad_input_is_named(client, admin, change: dict, field: str, problem_zh: str) -> None:
    r = client.post("/api/v1/enterprises", json={**enterprise_body([115.93, 28.52]), **change}, headers=admin)
    assert r.status_code == 422, r.text
    detail = r.json()["error"]["details"][0]
    assert detail["field"] == field and problem_zh in detail["problem_zh"]


def test_a_park_in_another_city_is_refused(client, admin, db) -> None:
    ganzhou_park = client.get("/api/v1/parks", params={"q": "龙南经济技术开发区"}).json()["items"][0]
    in_nanchang = enterprise_body(point_in(db, "360121"), park_id=ganzhou_park["id"])
    r = client.post("/api/v1/enterprises", json=in_nanchang, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "park_id"
    with created(
        client, admin, "/api/v1/enterprises", enterprise_body(point_in(db, "360783"), park_id=ganzhou_park["id"])
    ) as made:
        assert made["park_name"] == "龙南经济技术开发区"


def test_a_code_is_used_once(client, admin) -> None:
    body = enterprise_body([115.93, 28.52])
    with created(client, admin, "/api/v1/enterprises", body):
        r = client.post("/api/v1/enterprises", json={**body, "uscc": body["uscc"].lower()}, headers=admin)
        assert r.status_code == 409 and "uscc" in r.json()["error"]["message"]


@pytest.fixture(scope="module")
def public(client) -> list[dict]:
    body = client.get("/api/v1/enterprises", params={"limit": 10_000, "count": "true"}).json()
    assert body["count"] == len(body["items"]) > 0
    return body["items"]


@pytest.fixture(scope="module")
def everything(client, admin) -> list[dict]:
    return client.get("/api/v1/enterprises", params={"limit": 10_000}, headers=admin).json()["items"]


def test_the_public_sees_published_local_enterprises_only(client, public, everything) -> None:
    assert {e["id"] for e in public} == {e["id"] for e in everything if e["is_local"] and e["published"]}
    assert any(not e["is_local"] for e in everything)
    assert client.get("/api/v1/enterprises", params={"is_local": "false"}).json()["items"] == []
    external = next(e for e in everything if not e["is_local"])
    assert client.get(f"/api/v1/enterprises/{external['id']}").status_code == 404
    features = client.get("/api/v1/enterprises", params={"f": "geojson", "limit": 10_000}).json()["features"]
    assert all(f["properties"]["is_local"] for f in features) and len(features) == len(public)


def _ids(client, admin, **params) -> set[int]:
    r = client.get("/api/v1/enterprises", params={"limit": 10_000, **params}, headers=admin)
    assert r.status_code == 200, r.text
    return {e["id"] for e in r.json()["items"]}


def test_filters_match_an_independent_reading(client, admin, everything, db) -> None:
    chain_of = {lk["id"]: lk["chain_id"] for e in everything for lk in e["links"]}
    assert _ids(client, admin, chain=2) == {e["id"] for e in everything if 2 in {chain_of[i] for i in e["link_ids"]}}
    assert _ids(client, admin, tag="chain_leader") == {e["id"] for e in everything if "chain_leader" in e["tags"]}
    assert _ids(client, admin, is_local="false") == {e["id"] for e in everything if not e["is_local"]}
    assert _ids(client, admin, q="演示】深圳") == {e["id"] for e in everything if "演示】深圳" in e["name"]}
    counties = {a for a, r in regions().items() if r["parent_adcode"] == "360900"}
    in_yichun = {
        e["id"]
        for e in everything
        if e["is_local"] and any(regions()[c]["geom"].covers(shapely.Point(e["location"]["coordinates"])) for c in counties)
    }
    assert _ids(client, admin, region="360900") == in_yichun and in_yichun
    box = (115.5, 28.3, 116.2, 28.9)
    assert _ids(client, admin, bbox=",".join(map(str, box))) == {
        e["id"] for e in everything if shapely.box(*box).covers(shape(e["location"]))
    }


def test_sorting_by_revenue(client, admin) -> None:
    items = client.get("/api/v1/enterprises", params={"sort": "-revenue_yi", "limit": 50}, headers=admin).json()["items"]
    revenues = [e["revenue_yi"] for e in items]
    assert revenues == sorted(revenues, reverse=True)


def test_an_enterprise_on_a_target_list_stays(client, admin, db) -> None:
    target = client.get("/api/v1/targets", params={"limit": 1}, headers=admin).json()["items"][0]
    r = delete(client, admin, f"/api/v1/enterprises/{target['enterprise_id']}")
    assert r.status_code == 409 and "target" in r.json()["error"]["message"]
