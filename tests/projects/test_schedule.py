"""Monthly schedule reports (月度调度), the status rules on hand-built timelines (exact status per
project on known days), the behind-schedule and escalation lists, stage moves, and scope."""

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import text

from tests.support.chains import delete, patch

AS_OF = "2025-03-10"


def _project(client, headers, investor: dict, park: dict, name: str, **fields) -> dict:
    body = {
        "name": name,
        "enterprise_id": investor["id"],
        "park_id": park["id"],
        "investment_wan": 10000,
        "signed_on": "2025-01-10",
        "source": "test suite",
        **fields,
    }
    r = client.post("/api/v1/projects", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def _report(client, headers, project: dict, month: str, this_month: float, total: float, **fields):
    """The months of 2025 have closed: the admin files them late, with a reason."""
    body = {"month": month, "investment_month_wan": this_month, "investment_total_wan": total, "reason": "测试补录", **fields}
    return client.post(f"/api/v1/projects/{project['id']}/reports", json=body, headers=headers)


@pytest.fixture(scope="module")
def timelines(client, admin, investor, ganzhou_park, engine) -> Iterator[dict[str, dict]]:
    """Six projects built so that on 2025-03-10 each meets one rule (README, app/projects/status.py)."""
    made = {
        # Reports for January and February, start planned in June, investment ahead of the path.
        "green": _project(
            client, admin, investor, ganzhou_park, "测试绿", planned_start_on="2025-06-01", planned_production_on="2026-06-01"
        ),
        # Start planned 2025-02-01: 37 days late on 2025-03-10 (> 30).
        "late": _project(client, admin, investor, ganzhou_park, "测试滞后", planned_start_on="2025-02-01"),
        # No report for February.
        "unreported": _project(client, admin, investor, ganzhou_park, "测试缺报"),
        # Path: 18,100 万元 over 181 days; by 2025-03-01 (50 days) 5,000 planned, 200 reported.
        "short": _project(
            client,
            admin,
            investor,
            ganzhou_park,
            "测试投资不足",
            investment_wan=18100,
            planned_start_on="2025-04-01",
            planned_production_on="2025-07-10",
        ),
        # Start planned 2024-11-01: 129 days late (> 90).
        "very_late": _project(
            client, admin, investor, ganzhou_park, "测试严重滞后", signed_on="2024-10-01", planned_start_on="2024-11-01"
        ),
        # Signed this month: no report due yet.
        "new": _project(client, admin, investor, ganzhou_park, "测试新签", signed_on="2025-03-02"),
    }
    for key in ("green", "late", "short"):
        total = 2000 if key == "green" else 100
        assert _report(client, admin, made[key], "2025-01", total, total).status_code == 201
        assert _report(client, admin, made[key], "2025-02", total, 2 * total).status_code == 201
    assert _report(client, admin, made["unreported"], "2025-01", 100, 100).status_code == 201
    assert _report(client, admin, made["very_late"], "2025-02", 0, 0).status_code == 201
    yield made
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM projects WHERE id = ANY(:ids)"), {"ids": [p["id"] for p in made.values()]})


def _behind(client, headers, **params) -> dict[int, dict]:
    r = client.get("/api/v1/projects/behind", params={"as_of": AS_OF, **params}, headers=headers)
    assert r.status_code == 200, r.text
    return {p["id"]: p for p in r.json()}


def test_status_on_known_days(client, admin, timelines) -> None:
    ids = {p["id"]: key for key, p in timelines.items()}
    behind = {ids[i]: p for i, p in _behind(client, admin).items() if i in ids}
    assert {k: p["status"] for k, p in behind.items()} == {
        "late": "amber",
        "unreported": "red",
        "short": "amber",
        "very_late": "red",
    }
    assert {k: p["status_reasons"] for k, p in behind.items()} == {
        "late": ["stage_late"],
        "unreported": ["no_report"],
        "short": ["investment_short"],
        "very_late": ["stage_late"],
    }
    assert (behind["late"]["days_late"], behind["very_late"]["days_late"]) == (37, 129)
    assert behind["late"]["next_planned_on"] == "2025-02-01"
    assert behind["unreported"]["report_due_month"] == "2025-02-01" and behind["unreported"]["report_missing"] is True
    assert (behind["short"]["investment_planned_to_date_wan"], behind["short"]["investment_reported_wan"]) == (5000, 200)
    # Red first: the escalation list (提级调度) is the red ones only.
    assert [ids[i] for i in _behind(client, admin) if i in ids][:2] == ["very_late", "unreported"]
    assert {ids[i] for i in _behind(client, admin, status="red") if i in ids} == {"unreported", "very_late"}
    # A month earlier: the late one 9 days late only; the very late one had no January report;
    # the short one had 100 of 2,200 planned (22 of 181 days).
    earlier = {ids[i]: p["status"] for i, p in _behind(client, admin, as_of="2025-02-10").items() if i in ids}
    assert earlier == {"very_late": "red", "short": "amber"}


def test_status_moves_with_the_day(client, admin, timelines) -> None:
    """The green project, two months on without a March report: red for the missing report."""
    later = _behind(client, admin, as_of="2025-04-15")
    assert later[timelines["green"]["id"]]["status"] == "red"
    assert later[timelines["green"]["id"]]["status_reasons"] == ["no_report"]
    assert timelines["new"]["id"] in later  # signed in March: April's check wants March's report


def test_today_is_the_default(client, admin, timelines) -> None:
    """Today (long after 2025) every one of them lacks last month's report: red in lists and items."""
    r = client.get("/api/v1/projects", params={"status": "red", "limit": 1000}, headers=admin)
    assert {p["id"] for p in timelines.values()} <= {p["id"] for p in r.json()["items"]}
    one = client.get(f"/api/v1/projects/{timelines['green']['id']}", headers=admin).json()
    assert one["status"] == "red" and "no_report" in one["status_reasons"]
    assert [m["month"] for m in one["reports"]] == ["2025-01-01", "2025-02-01"]


def test_one_report_per_project_month(client, admin, timelines) -> None:
    project = timelines["green"]
    r = _report(client, admin, project, "2025-02", 1, 4001)
    assert r.status_code == 409 and "2025-02" in r.json()["error"]["message"]
    r = _report(client, admin, project, "2025-03", 100, 3000)  # below February's 4,000
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "investment_total_wan"
    for month, field in (("2024-12", "month"), ("2099-01", "month"), ("2025-13", "month"), ("2025-3", "month")):
        r = _report(client, admin, project, month, 1, 5000)
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == field, (month, r.text)
    r = _report(client, admin, project, "2025-03", 500, 400)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "investment_total_wan"
    r = _report(client, admin, project, "2025-03", 0, 4000, progress_pct=101)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "progress_pct"
    reports = client.get(f"/api/v1/projects/{project['id']}/reports", headers=admin).json()
    assert [(m["month"], m["investment_total_wan"], m["filed_by"]) for m in reports] == [
        ("2025-01-01", 2000, "user:admin"),
        ("2025-02-01", 4000, "user:admin"),
    ]


def test_an_officer_files_only_in_scope(client, admin, callers, investor, ganzhou_park, nanchang_park) -> None:
    """An officer of 360100 (南昌) cannot file for a 360700 (赣州) project; one of 360700 can."""
    ganzhou = _project(client, admin, investor, ganzhou_park, "测试赣州项目")
    r = _report(client, callers["officer_in"], ganzhou, f"{date.today():%Y-%m}", 10, 10)
    assert r.status_code == 403
    this_month = f"{date.today():%Y-%m}"
    r = _report(
        client, callers["officer_out"], ganzhou, this_month, 10, 10, problems="用地指标待协调", coordination_dept="市自然资源局"
    )
    assert r.status_code == 201, r.text
    assert r.json()["reports"][0]["filed_by"] == "user:officer_gz"
    r = client.post(
        "/api/v1/projects",
        json={
            "name": "越权",
            "enterprise_id": investor["id"],
            "park_id": ganzhou_park["id"],
            "investment_wan": 1,
            "signed_on": "2025-01-01",
            "source": "t",
        },
        headers=callers["officer_in"],
    )
    assert r.status_code == 403
    mine = _project(client, callers["officer_in"], investor, nanchang_park, "测试南昌项目")
    assert mine["region_adcode"] == nanchang_park["region_adcode"]
    assert client.get("/api/v1/projects", headers={}).status_code == 401
    assert client.get("/api/v1/projects/behind", headers=callers["key_write"]).status_code == 403


def test_stage_moves(client, admin, investor, ganzhou_park, engine) -> None:
    project = _project(client, admin, investor, ganzhou_park, "测试阶段", signed_on="2025-01-10")
    path = f"/api/v1/projects/{project['id']}/transitions"
    r = client.post(path, json={"to": "producing", "on": "2025-05-01"}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "confirm_skip"
    r = client.post(path, json={"to": "producing", "on": "2025-05-01", "confirm_skip": True}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "reason"
    r = client.post(path, json={"to": "started", "on": "2024-12-31"}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "on"
    r = client.post(path, json={"to": "started", "on": "2025-03-01"}, headers=admin)
    assert r.status_code == 200 and (r.json()["stage"], r.json()["started_on"]) == ("started", "2025-03-01")
    r = client.post(path, json={"to": "signed"}, headers=admin)
    assert r.status_code == 409 and "→" in r.json()["error"]["message"]
    r = client.post(path, json={"to": "suspended"}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "reason"
    r = client.post(path, json={"to": "suspended", "reason": "资金未到位", "on": "2025-04-01"}, headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "red" and r.json()["status_reasons"][0] == "suspended"
    # Resumed at the stage it had reached, then forward.
    assert client.post(path, json={"to": "started", "on": "2025-05-01"}, headers=admin).json()["stage"] == "started"
    assert client.post(path, json={"to": "producing", "on": "2025-06-01"}, headers=admin).json()["producing_on"] == "2025-06-01"
    r = client.post(path, json={"to": "full", "on": "2025-09-01"}, headers=admin)
    assert r.status_code == 200 and (r.json()["status"], r.json()["full_on"]) == ("closed", "2025-09-01")
    r = client.post(path, json={"to": "terminated", "reason": "x"}, headers=admin)
    assert r.status_code == 409 and "达产" in r.json()["error"]["message_zh"]
    history = client.get(f"/api/v1/projects/{project['id']}", headers=admin).json()["history"]
    assert [(h["to_stage"], h["happened_on"]) for h in history] == [
        ("signed", "2025-01-10"),
        ("started", "2025-03-01"),
        ("suspended", "2025-04-01"),
        ("started", "2025-05-01"),
        ("producing", "2025-06-01"),
        ("full", "2025-09-01"),
    ]
    assert patch(client, admin, f"/api/v1/projects/{project['id']}", {"stage": "signed"}).status_code == 422
    assert delete(client, admin, f"/api/v1/projects/{project['id']}").status_code == 204
