"""A target's dated activity log (calls, visits, meetings, attachment names) and its stage history."""

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from tests.support.chains import created, enterprise_body


@pytest.fixture(scope="module")
def target(client, admin, engine) -> Iterator[dict]:
    with created(
        client, admin, "/api/v1/enterprises", enterprise_body([121.47, 31.23], is_local=False, name="测试跟进企业")
    ) as made:
        body = {"enterprise_id": made["id"], "link_id": 3, "region_adcode": "360700", "source": "test suite"}
        r = client.post("/api/v1/targets", json=body, headers=admin)
        assert r.status_code == 201, r.text
        yield r.json()
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM targets WHERE enterprise_id = :e"), {"e": made["id"]})


def test_the_activity_log(client, admin, callers, target) -> None:
    path = f"/api/v1/targets/{target['id']}/activities"
    assert client.get(path, headers=admin).json() == []
    first = {"kind": "call", "happened_on": "2026-11-02", "summary": "电话联系董秘，约定考察时间"}
    second = {
        "kind": "meeting",
        "happened_on": "2026-11-20",
        "summary": "在深圳总部会谈，介绍赣州稀土产业基础",
        "attachments": ["会谈纪要.docx", "园区推介.pdf"],
    }
    assert client.post(path, json=first, headers=admin).status_code == 201
    r = client.post(path, json=second, headers=callers["officer_out"])  # an officer of 赣州, the target's area
    assert r.status_code == 201, r.text
    log = r.json()
    assert [(a["kind"], a["happened_on"], a["attachments"], a["recorded_by"]) for a in log] == [
        ("meeting", "2026-11-20", ["会谈纪要.docx", "园区推介.pdf"], "user:officer_gz"),
        ("call", "2026-11-02", [], "user:admin"),
    ]
    assert client.get(path, headers=admin).json() == log
    assert client.post(path, json=first, headers=callers["officer_in"]).status_code == 403  # 南昌: outside
    assert client.get(path).status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "lunch"}, "kind"),
        ({"happened_on": "yesterday"}, "happened_on"),
        ({"summary": ""}, "summary"),
        ({"attachments": ["x"] * 21}, "attachments"),
        ({"attachments": [""]}, "attachments.0"),
    ],
)
def test_bad_activities_are_named(client, admin, target, change: dict, field: str) -> None:
    body = {"kind": "visit", "happened_on": "2026-11-02", "summary": "拜访", **change}
    r = client.post(f"/api/v1/targets/{target['id']}/activities", json=body, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == field, r.text


def test_the_stage_history(client, admin, target) -> None:
    path = f"/api/v1/targets/{target['id']}"
    assert client.post(f"{path}/transitions", json={"to": "contacted"}, headers=admin).status_code == 200
    r = client.get(f"{path}/stages", headers=admin)
    assert r.status_code == 200, r.text
    history = r.json()
    assert [(h["from_stage"], h["to_stage"], h["changed_by"]) for h in history] == [
        (None, "lead", "user:admin"),
        ("lead", "contacted", "user:admin"),
    ]
    assert client.get("/api/v1/targets/999999/stages", headers=admin).status_code == 404
    assert client.get("/api/v1/targets/999999/activities", headers=admin).status_code == 404
