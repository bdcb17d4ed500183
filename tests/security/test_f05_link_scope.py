"""Finding 5 of issue 9: a write that links a record to another (a cluster's parks, a park's
clusters, an enterprise's park, a target's intended park) or unlinks them needs the other record
inside the writer's scope too; links left as they are do not."""

import pytest

from tests.security.support import ZHANGGONG_POINT, Records, cluster_body, park_body
from tests.support.chains import enterprise_body, patch
from tests.support.principals import PASSWORD, create_user, login


def _refused(r, field: str, what: str, record_id: int, place: str) -> None:
    """A bilingual 403 naming the field, the record and where it lies."""
    assert r.status_code == 403, r.text
    error = r.json()["error"]
    assert f"{field}: {what} {record_id} ({place})" in error["message"]
    assert f"{record_id}（{place}）不在您的可编辑范围内" in error["message_zh"]
    assert error["details"][0]["field"] == field


@pytest.fixture(scope="module")
def county_officer(client, admin) -> dict:
    """An officer of 南昌县 (360121) only."""
    create_user("f05_county_officer", "officer", ["360121"], PASSWORD)
    return login(client, "f05_county_officer", PASSWORD)


def test_an_officer_cannot_put_another_citys_park_into_a_cluster(client, admin, callers) -> None:
    with Records(client, admin) as rec:
        ganzhou = rec.make("/api/v1/parks", park_body("360702", ZHANGGONG_POINT))
        body = cluster_body(["360100"], park_ids=[ganzhou["id"]])
        r = client.post("/api/v1/clusters", json=body, headers=callers["officer_in"])
        _refused(r, "park_ids", "park", ganzhou["id"], "章贡区 360702")
        assert client.get("/api/v1/clusters", params={"q": body["name"]}, headers=admin).json()["items"] == []
        # Without that park the same cluster is the officer's to make.
        rec.adopt(client.post("/api/v1/clusters", json={**body, "park_ids": []}, headers=callers["officer_in"]))


def test_an_officer_cannot_put_their_park_into_another_citys_cluster(client, admin, callers) -> None:
    with Records(client, admin) as rec:
        park = rec.make("/api/v1/parks", park_body())
        ganzhou = rec.make("/api/v1/clusters", cluster_body(["360700"]))
        path = f"/api/v1/parks/{park['id']}"
        r = patch(client, callers["officer_in"], path, {"cluster_ids": [ganzhou["id"]]})
        _refused(r, "cluster_ids", "cluster", ganzhou["id"], "赣州市 360700")
        assert client.get(path, headers=admin).json()["cluster_ids"] == []
        assert client.get(f"/api/v1/clusters/{ganzhou['id']}", headers=admin).json()["park_ids"] == []
        # 赣州's officers may still write the cluster: its scope did not grow into 南昌.
        r = patch(client, callers["officer_out"], f"/api/v1/clusters/{ganzhou['id']}", {"description": "赣州改"})
        assert r.status_code == 200, r.text


def test_unlinking_needs_the_other_record_in_scope_and_unchanged_links_do_not(client, admin, callers) -> None:
    with Records(client, admin) as rec:
        ganzhou = rec.make("/api/v1/parks", park_body("360702", ZHANGGONG_POINT))
        cluster = rec.make("/api/v1/clusters", cluster_body(["360100"], park_ids=[ganzhou["id"]]))
        path = f"/api/v1/clusters/{cluster['id']}"
        r = patch(client, callers["officer_in"], path, {"park_ids": []})
        _refused(r, "park_ids", "park", ganzhou["id"], "章贡区 360702")
        r = patch(client, callers["officer_in"], path, {"description": "南昌改"})
        assert r.status_code == 200 and r.json()["park_ids"] == [ganzhou["id"]]


def test_a_park_in_a_cluster_of_several_cities_stays_editable(client, admin, callers) -> None:
    with Records(client, admin) as rec:
        park = rec.make("/api/v1/parks", park_body())
        shared = rec.make("/api/v1/clusters", cluster_body(["360100", "360700"], park_ids=[park["id"]]))
        path = f"/api/v1/parks/{park['id']}"
        r = patch(client, callers["officer_in"], path, {"short_name": "本地改"})
        assert r.status_code == 200 and r.json()["cluster_ids"] == [shared["id"]]
        r = patch(client, callers["officer_in"], path, {"cluster_ids": []})
        _refused(r, "cluster_ids", "cluster", shared["id"], "南昌市 360100、赣州市 360700")


def test_a_target_cannot_aim_at_a_park_outside_scope(client, admin, callers) -> None:
    external = client.get("/api/v1/enterprises", headers=admin, params={"is_local": "false", "limit": 1}).json()["items"]
    with Records(client, admin) as rec:
        ganzhou = rec.make("/api/v1/parks", park_body("360702", ZHANGGONG_POINT))
        nanchang = rec.make("/api/v1/parks", park_body())
        body = {"enterprise_id": external[0]["id"], "link_id": 3, "region_adcode": "360121", "source": "issue 9 tests"}
        r = client.post("/api/v1/targets", json={**body, "intended_park_id": ganzhou["id"]}, headers=callers["officer_in"])
        _refused(r, "intended_park_id", "park", ganzhou["id"], "章贡区 360702")
        made = rec.adopt(
            client.post("/api/v1/targets", json={**body, "intended_park_id": nanchang["id"]}, headers=callers["officer_in"])
        )
        target = f"/api/v1/targets/{made['id']}"
        r = patch(client, callers["officer_in"], target, {"intended_park_id": ganzhou["id"]})
        _refused(r, "intended_park_id", "park", ganzhou["id"], "章贡区 360702")


def test_an_enterprise_goes_only_into_a_park_in_scope(client, admin, county_officer) -> None:
    with Records(client, admin) as rec:
        # 南昌经开区's county (青山湖区 is 360111): the same city, another county.
        other_county = rec.make("/api/v1/parks", park_body("360111", [115.8, 28.75]))
        own_county = rec.make("/api/v1/parks", park_body())
        body = enterprise_body([115.93, 28.52], name="第九号问题企业")
        r = client.post("/api/v1/enterprises", json={**body, "park_id": other_county["id"]}, headers=county_officer)
        _refused(r, "park_id", "park", other_county["id"], f"{other_county['region_name']} 360111")
        rec.adopt(client.post("/api/v1/enterprises", json={**body, "park_id": own_county["id"]}, headers=county_officer))
