"""Write scopes, confidential fields, hostile filters, the audit trail, record history, 412/428."""

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.support.records import if_match

NANCHANG_COUNTY = {"region_adcode": "360121", "location": {"type": "Point", "coordinates": [115.93, 28.52]}}
ZHANGGONG = {"region_adcode": "360702", "location": {"type": "Point", "coordinates": [114.93, 25.83]}}


def _park(name: str, **extra) -> dict:
    return {
        "name": name,
        "level": "provincial",
        "type": "industrial",
        "source": "test scopes",
        "contacts": [{"name": "王专员", "phone": "0791-00000000"}],
        **NANCHANG_COUNTY,
        **extra,
    }


@pytest.fixture
def nanchang_park(client, admin) -> Iterator[dict]:
    """A park of the test's own, removed afterwards (tests of other folders count the parks)."""
    r = client.post("/api/v1/parks", json=_park(f"范围测试园区 {time.monotonic_ns()}"), headers=admin)
    assert r.status_code == 201
    yield r.json()
    path = f"/api/v1/parks/{r.json()['id']}?cascade=true"
    assert client.delete(path, headers=if_match(client, path.split("?")[0], admin)).status_code == 204


def test_officer_writes_only_inside_scope(client, callers, nanchang_park) -> None:
    path = f"/api/v1/parks/{nanchang_park['id']}"
    r = client.patch(path, json={"short_name": "外地改"}, headers=if_match(client, path, callers["officer_out"]))
    assert r.status_code == 403 and "360121" in r.json()["error"]["message"]
    r = client.patch(path, json={"short_name": "本地改"}, headers=if_match(client, path, callers["officer_in"]))
    assert r.status_code == 200 and r.json()["short_name"] == "本地改"
    # Moving the park out of one's own scope is refused too, and nothing changes.
    r = client.patch(path, json=ZHANGGONG, headers=if_match(client, path, callers["officer_in"]))
    assert r.status_code == 403
    assert client.get(path, headers=callers["admin"]).json()["region_adcode"] == "360121"
    r = client.post("/api/v1/parks", json=_park("赣州越权园区", **ZHANGGONG), headers=callers["officer_in"])
    assert r.status_code == 403
    assert client.get("/api/v1/parks", params={"q": "赣州越权"}, headers=callers["admin"]).json()["items"] == []


def test_leader_reads_everything_and_writes_nothing(client, callers, nanchang_park) -> None:
    path = f"/api/v1/parks/{nanchang_park['id']}"
    assert client.get(path, headers=callers["leader"]).status_code == 200
    r = client.patch(path, json={"short_name": "x"}, headers=if_match(client, path, callers["leader"]))
    assert r.status_code == 403


def test_unpublished_records_are_invisible_to_the_public(client, callers, nanchang_park) -> None:
    path = f"/api/v1/parks/{nanchang_park['id']}"
    for who in ("anonymous", "key_regions_only"):
        assert client.get(path, headers=callers[who]).status_code in (403, 404)
    assert client.get(path).status_code == 404  # not 403: the public must not learn it exists
    names = [p["name"] for p in client.get("/api/v1/parks", params={"limit": 1000}).json()["items"]]
    assert nanchang_park["name"] not in names
    geo = client.get("/api/v1/parks", params={"limit": 1000, "f": "geojson"}).json()["features"]
    assert nanchang_park["name"] not in [f["properties"]["name"] for f in geo]


def test_contacts_are_for_staff_only(client, callers, admin, nanchang_park) -> None:
    path = f"/api/v1/parks/{nanchang_park['id']}"
    client.patch(path, json={"published": True}, headers=if_match(client, path, admin))
    public = client.get(path).json()
    assert "contacts" not in public and "0791" not in client.get(path).text
    feature = client.get(path, params={"f": "geojson"}).json()
    assert "contacts" not in feature["properties"]
    listing = client.get("/api/v1/parks", params={"q": nanchang_park["name"]}).text
    assert "0791-00000000" not in listing
    assert client.get(path, headers=callers["leader"]).json()["contacts"][0]["phone"] == "0791-00000000"


HOSTILE = ["' OR 1=1 --", "%", "_", "\\", "'; DROP TABLE parks; --", "\u0000", "x" * 5000]
TEXT_FILTERS = {
    "/api/v1/parks": ["q", "industry", "region", "sort"],
    "/api/v1/carriers": ["q", "region", "sort"],
    "/api/v1/clusters": ["q", "city", "sort"],
    "/api/v1/regions": ["parent", "sort"],
}


@pytest.mark.parametrize("path", sorted(TEXT_FILTERS))
def test_hostile_filter_values(client, path: str) -> None:
    for name in TEXT_FILTERS[path]:
        for value in HOSTILE:
            r = client.get(path, params={name: value})
            assert r.status_code in (200, 422), (path, name, value[:20], r.status_code)
            if r.status_code == 200:
                # Metacharacters match literally: no park has them in its name or industries.
                assert r.json()["items"] == [], (path, name, value[:20])
            else:
                assert r.json()["error"]["details"][0]["field"] == name
    assert client.get("/api/v1/parks", params={"limit": 1}).json()["items"]  # still there


def _audit(client, headers, **params) -> list[dict]:
    r = client.get("/api/v1/audit", params={"limit": 100, **params}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_every_kind_of_write_is_audited(client, callers, admin) -> None:
    officer = callers["officer_in"]
    created = client.post("/api/v1/parks", json=_park("审计测试园区"), headers=officer).json()
    path = f"/api/v1/parks/{created['id']}"
    client.patch(path, json={"short_name": "审计"}, headers=if_match(client, path, officer))
    client.patch(path, json={"published": True}, headers=if_match(client, path, officer))
    client.patch(path, json={"published": False}, headers=if_match(client, path, officer))
    client.delete(path, headers=if_match(client, path, officer))
    entries = _audit(client, callers["leader"], table="parks", record_id=str(created["id"]), sort="id")
    assert [e["action"] for e in entries] == ["create", "update", "publish", "unpublish", "delete"]
    assert {e["actor"] for e in entries} == {"user:officer_nc"} and entries[0]["ip"] == "testclient"
    assert entries[1]["changes"] == {"short_name": {"before": None, "after": "审计"}}
    assert entries[0]["changes"]["name"] == {"before": None, "after": "审计测试园区"}
    assert entries[4]["changes"]["name"] == {"before": "审计测试园区", "after": None}
    by_user = _audit(client, admin, actor="user:officer_nc")
    assert {e["record_id"] for e in by_user} >= {str(created["id"])}
    future = _audit(client, admin, since=datetime.now(UTC).isoformat())
    assert future == []
    assert client.get("/api/v1/audit", headers=callers["officer_in"]).status_code == 403


def test_the_audit_log_cannot_be_edited(db) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(text("UPDATE audit_log SET actor = 'nobody'"))
    db.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(text("DELETE FROM audit_log"))
    db.rollback()


def test_history_answers_what_a_park_looked_like(client, admin) -> None:
    created = client.post(
        "/api/v1/parks",
        json=_park("历史测试园区", chemical_status="recognised", chemical_status_date="2021-04-16"),
        headers=admin,
    ).json()
    path = f"/api/v1/parks/{created['id']}"
    time.sleep(0.05)
    between = datetime.now(UTC).isoformat()
    time.sleep(0.05)
    client.patch(
        path, json={"chemical_status": "revoked", "chemical_status_date": "2026-06-30"}, headers=if_match(client, path, admin)
    )
    versions = client.get(f"{path}/history", headers=admin).json()
    assert [v["data"]["chemical_status"] for v in versions] == ["recognised", "revoked"]
    assert versions[0]["valid_to"] == versions[1]["valid_from"] and versions[1]["valid_to"] is None
    then = client.get(f"{path}/history", params={"at": between}, headers=admin).json()
    assert then["data"]["chemical_status"] == "recognised" and then["version"] == 1
    assert client.get(f"{path}/history", params={"at": "2000-01-01T00:00:00Z"}, headers=admin).status_code == 404
    assert client.get(f"{path}/history").status_code == 401


def test_stale_or_missing_if_match(client, admin, nanchang_park) -> None:
    path = f"/api/v1/parks/{nanchang_park['id']}"
    stale = if_match(client, path, admin)
    assert client.patch(path, json={"short_name": "甲"}, headers=stale).status_code == 200
    r = client.patch(path, json={"short_name": "乙"}, headers=stale)  # the other officer's stale copy
    assert r.status_code == 412
    assert r.json()["current"]["short_name"] == "甲" and r.headers["etag"] != stale["If-Match"]
    assert "已被修改" in r.json()["error"]["message_zh"]
    r = client.patch(path, json={"short_name": "丙"}, headers=admin)
    assert r.status_code == 428 and "If-Match" in r.json()["error"]["message"]
    assert client.get(path, headers=admin).json()["short_name"] == "甲"


@pytest.mark.parametrize(("params", "field"), [({"bbox": "115,28,116,29"}, "bbox"), ({"f": "geojson"}, "f")])
def test_audit_log_refuses_geometry_parameters(client, callers, params: dict, field: str) -> None:
    r = client.get("/api/v1/audit", params=params, headers=callers["leader"])
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == field
    assert r.json()["error"]["details"][0]["problem_zh"]
