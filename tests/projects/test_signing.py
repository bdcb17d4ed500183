"""签约: signing a target creates exactly one project with the data given, in one transaction; an
admin may undo it within the window; the intended park of a target lies in its area."""

import itertools
from datetime import date

import pytest
from sqlalchemy import text

from tests.support.chains import patch

_links = itertools.count(60)  # a link of its own per target: one enterprise per link and area
SIGNING = {"name": "稀土永磁电机项目", "signed_on": "2026-11-20", "investment_wan": 52000, "level": "municipal"}


def _target(client, admin, investor: dict, **fields) -> dict:
    body = {
        "enterprise_id": investor["id"],
        "link_id": next(_links),
        "region_adcode": "360700",
        "source": "test suite",
        "owner": "招商一科",
        **fields,
    }
    r = client.post("/api/v1/targets", json=body, headers=admin)
    assert r.status_code == 201, r.text
    return r.json()


def _negotiating(client, admin, investor: dict, **fields) -> dict:
    target = _target(client, admin, investor, **fields)
    for to in ("contacted", "visit", "negotiating"):
        r = client.post(f"/api/v1/targets/{target['id']}/transitions", json={"to": to}, headers=admin)
        assert r.status_code == 200, r.text
    return target


def _projects_of(engine, target_id: int) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT id, name, investment_wan, signed_on, park_id, region_adcode FROM projects WHERE target_id = :t"),
            {"t": target_id},
        ).all()


def test_signing_creates_exactly_one_project_with_the_data_given(client, admin, engine, investor, ganzhou_park) -> None:
    target = _negotiating(client, admin, investor, intended_park_id=ganzhou_park["id"])
    r = client.post(f"/api/v1/targets/{target['id']}/signing", json=SIGNING, headers=admin)
    assert r.status_code == 201, r.text
    project = r.json()
    assert r.headers["location"].endswith(f"/api/v1/projects/{project['id']}")
    assert (project["name"], project["investment_wan"], project["signed_on"], project["level"]) == (
        "稀土永磁电机项目",
        52000,
        "2026-11-20",
        "municipal",
    )
    assert (project["target_id"], project["enterprise_id"], project["link_id"]) == (
        target["id"],
        investor["id"],
        target["link_id"],
    )
    # The intended park, its county and location; the owner becomes the officer.
    assert (project["park_id"], project["region_adcode"]) == (ganzhou_park["id"], ganzhou_park["region_adcode"])
    assert project["officer"] == "招商一科" and project["stage"] == "signed" and project["location"]["type"] == "Point"
    assert [(h["from_stage"], h["to_stage"], h["happened_on"]) for h in project["history"]] == [(None, "signed", "2026-11-20")]
    assert _projects_of(engine, target["id"]) == [
        (project["id"], "稀土永磁电机项目", 52000, date(2026, 11, 20), ganzhou_park["id"], ganzhou_park["region_adcode"])
    ]
    after = client.get(f"/api/v1/targets/{target['id']}", headers=admin).json()
    assert after["stage"] == "signed" and after["history"][-1]["to_stage"] == "signed"
    # A second signing of the same target: refused, still one project.
    r = client.post(f"/api/v1/targets/{target['id']}/signing", json=SIGNING, headers=admin)
    assert r.status_code == 409 and "签约" in r.json()["error"]["message_zh"]
    assert len(_projects_of(engine, target["id"])) == 1


def test_a_signed_target_in_a_cluster_gives_its_cluster(client, admin, investor, ganzhou_park, engine) -> None:
    with engine.connect() as conn:
        park = conn.execute(text("SELECT park_id FROM cluster_parks WHERE cluster_id = 1 ORDER BY park_id LIMIT 1")).scalar_one()
    target = _negotiating(client, admin, investor, region_adcode=None, cluster_id=1, intended_park_id=park)
    project = client.post(f"/api/v1/targets/{target['id']}/signing", json=SIGNING, headers=admin).json()
    assert (project["cluster_id"], project["park_id"]) == (1, park)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"investment_wan": 0}, "investment_wan"),
        ({"signed_on": "20 Nov"}, "signed_on"),
        ({"planned_start_on": "2026-01-01"}, "planned_start_on"),  # before the signing
        ({"park_id": 99_999}, "park_id"),
        ({"park_id": None}, "park_id"),  # the target's area is a city, not a county: the park is needed
    ],
)
def test_bad_signing_data_leaves_the_target_unsigned(client, admin, engine, investor, change: dict, field: str) -> None:
    target = _negotiating(client, admin, investor)
    r = client.post(f"/api/v1/targets/{target['id']}/signing", json={**SIGNING, "park_id": 4, **change}, headers=admin)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == field
    after = client.get(f"/api/v1/targets/{target['id']}", headers=admin).json()
    assert after["stage"] == "negotiating" and after["signed_at"] is None and len(after["history"]) == 4
    assert _projects_of(engine, target["id"]) == []


def test_signing_from_a_lead_is_a_skip(client, admin, engine, investor, ganzhou_park) -> None:
    target = _target(client, admin, investor, intended_park_id=ganzhou_park["id"])
    path = f"/api/v1/targets/{target['id']}/signing"
    r = client.post(path, json={**SIGNING, "confirm_skip": True}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "reason"
    r = client.post(path, json=SIGNING, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "confirm_skip"
    assert _projects_of(engine, target["id"]) == []
    r = client.post(path, json={**SIGNING, "confirm_skip": True, "reason": "企业决策快，一次会谈即签约"}, headers=admin)
    assert r.status_code == 201, r.text


def _signed(client, admin, investor: dict, park: dict) -> tuple[dict, dict]:
    target = _negotiating(client, admin, investor, intended_park_id=park["id"])
    r = client.post(f"/api/v1/targets/{target['id']}/signing", json=SIGNING, headers=admin)
    assert r.status_code == 201, r.text
    return target, r.json()


def test_an_admin_undoes_a_signing_within_the_window(client, admin, callers, engine, investor, ganzhou_park) -> None:
    target, project = _signed(client, admin, investor, ganzhou_park)
    path = f"/api/v1/targets/{target['id']}/signing/undo"
    r = client.post(path, json={"reason": "签约信息录入错误"}, headers=callers["officer_out"])
    assert r.status_code == 403  # an officer of the target's city, not an admin
    assert client.post(path, json={}, headers=admin).json()["error"]["details"][0]["field"] == "reason"
    r = client.post(path, json={"reason": "签约信息录入错误"}, headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stage"] == "negotiating" and body["signed_at"] is None
    assert (body["history"][-1]["from_stage"], body["history"][-1]["to_stage"]) == ("signed", "negotiating")
    assert "签约信息录入错误" in body["history"][-1]["reason"]
    assert client.get(f"/api/v1/projects/{project['id']}", headers=admin).status_code == 404
    with engine.connect() as conn:
        audited = conn.execute(
            text("SELECT actor FROM audit_log WHERE table_name = 'projects' AND record_id = :id AND action = 'delete'"),
            {"id": str(project["id"])},
        ).all()
    assert audited == [("user:admin",)]
    # Signed again, with other data: again exactly one project.
    r = client.post(f"/api/v1/targets/{target['id']}/signing", json={**SIGNING, "investment_wan": 30000}, headers=admin)
    assert r.status_code == 201 and [p[2] for p in _projects_of(engine, target["id"])] == [30000]


def test_no_undo_after_the_window_or_after_a_report(client, admin, engine, investor, ganzhou_park) -> None:
    target, project = _signed(client, admin, investor, ganzhou_park)
    with engine.begin() as conn:
        conn.execute(text("UPDATE targets SET signed_at = now() - interval '73 hours' WHERE id = :t"), {"t": target["id"]})
    r = client.post(f"/api/v1/targets/{target['id']}/signing/undo", json={"reason": "太晚了"}, headers=admin)
    assert r.status_code == 409 and "72 小时" in r.json()["error"]["message_zh"]
    assert client.get(f"/api/v1/projects/{project['id']}", headers=admin).status_code == 200

    other, reported = _signed(client, admin, investor, ganzhou_park)
    report = {"month": f"{date.today():%Y-%m}", "investment_month_wan": 100, "investment_total_wan": 100}
    assert client.post(f"/api/v1/projects/{reported['id']}/reports", json=report, headers=admin).status_code == 201
    r = client.post(f"/api/v1/targets/{other['id']}/signing/undo", json={"reason": "录入错误"}, headers=admin)
    assert r.status_code == 409 and "调度" in r.json()["error"]["message_zh"]
    assert client.get(f"/api/v1/targets/{other['id']}", headers=admin).json()["stage"] == "signed"


def test_the_intended_park_lies_in_the_targets_area(client, admin, investor, ganzhou_park, nanchang_park) -> None:
    r = client.post(
        "/api/v1/targets",
        json={
            "enterprise_id": investor["id"],
            "link_id": next(_links),
            "region_adcode": "360700",
            "intended_park_id": nanchang_park["id"],
            "source": "test suite",
        },
        headers=admin,
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "intended_park_id"
    assert "赣州市" in r.json()["error"]["details"][0]["problem_zh"]
    target = _target(client, admin, investor, intended_park_id=ganzhou_park["id"])
    # A patch that moves the park out of the area is refused as well.
    r = patch(client, admin, f"/api/v1/targets/{target['id']}", {"intended_park_id": nanchang_park["id"]})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "intended_park_id"
    # A park as the area: the intended park is that park.
    r = client.post(
        "/api/v1/targets",
        json={
            "enterprise_id": investor["id"],
            "link_id": next(_links),
            "park_id": ganzhou_park["id"],
            "intended_park_id": nanchang_park["id"],
            "source": "test suite",
        },
        headers=admin,
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "intended_park_id"
    # A cluster as the area: one of its parks (cluster 1 is 赣州's rare earths, not 南昌's).
    _target(client, admin, investor, region_adcode=None, cluster_id=1, intended_park_id=9)
    r = client.post(
        "/api/v1/targets",
        json={
            "enterprise_id": investor["id"],
            "link_id": next(_links),
            "cluster_id": 1,
            "intended_park_id": nanchang_park["id"],
            "source": "test suite",
        },
        headers=admin,
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "intended_park_id"
