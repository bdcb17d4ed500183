"""Month closing and corrections of monthly reports: officers file and change a month until it
closes (INVESTMAP_PROJECT_MONTH_CLOSE_DAY of the next month), then only an admin or a leader,
with a reason; every change keeps the values it replaced as a version, and is audited."""

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from app.core.settings import ProjectSettings
from tests.support.apps import client_with
from tests.support.principals import ADMIN_PASSWORD, login

THIS = date.today().replace(day=1)
# Two months back: closed whatever today's day and the close day (≤ 28) are.
CLOSED = ((THIS - timedelta(days=1)).replace(day=1) - timedelta(days=1)).replace(day=1)
CLOSED_MONTH, THIS_MONTH = f"{CLOSED:%Y-%m}", f"{THIS:%Y-%m}"


def _closes_on(month: date, day: int) -> str:
    return (month + timedelta(days=32)).replace(day=day).isoformat()


@pytest.fixture(scope="module")
def project(client, admin, investor, ganzhou_park) -> dict:
    body = {
        "name": "测试关账",
        "enterprise_id": investor["id"],
        "park_id": ganzhou_park["id"],
        "investment_wan": 10000,
        "signed_on": (CLOSED - timedelta(days=40)).isoformat(),
        "source": "test suite",
    }
    r = client.post("/api/v1/projects", json=body, headers=admin)
    assert r.status_code == 201, r.text
    return r.json()


def _values(this_month: float, total: float, **fields) -> dict:
    return {"investment_month_wan": this_month, "investment_total_wan": total, **fields}


def _reports(client, headers, project) -> dict[str, dict]:
    r = client.get(f"/api/v1/projects/{project['id']}/reports", headers=headers)
    assert r.status_code == 200, r.text
    return {m["month"][:7]: m for m in r.json()}


def test_a_closed_month_is_read_only_for_officers(client, admin, callers, project) -> None:
    path = f"/api/v1/projects/{project['id']}/reports"
    officer, leader = callers["officer_out"], callers["leader"]  # 赣州: the project's city
    r = client.post(path, json={"month": CLOSED_MONTH, **_values(100, 100)}, headers=officer)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["message"].startswith(f"{CLOSED_MONTH} closed on {_closes_on(CLOSED, 10)}")
    # A leader files the missing month late, but only with a reason.
    r = client.post(path, json={"month": CLOSED_MONTH, **_values(100, 100)}, headers=leader)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "reason"
    r = client.post(path, json={"month": CLOSED_MONTH, **_values(100, 100), "reason": "项目单位延期报送"}, headers=leader)
    assert r.status_code == 201, r.text
    late = _reports(client, admin, project)[CLOSED_MONTH]
    assert (late["filed_by"], late["correction_reason"], late["closed"], late["version"], late["earlier"]) == (
        "user:leader",
        "项目单位延期报送",
        True,
        1,
        [],
    )
    assert late["closes_on"] == _closes_on(CLOSED, 10)
    # The officer files this month, open, and changes it: the first values stay as version 1.
    r = client.post(path, json={"month": THIS_MONTH, **_values(300, 400, progress="主体封顶")}, headers=officer)
    assert r.status_code == 201, r.text
    r = client.put(f"{path}/{THIS_MONTH}", json=_values(350, 450, progress="主体封顶，设备进场"), headers=officer)
    assert r.status_code == 200, r.text
    now = _reports(client, admin, project)[THIS_MONTH]
    assert (now["investment_total_wan"], now["version"], now["closed"], now["corrected_by"]) == (450, 2, False, "user:officer_gz")
    assert [(v["version"], v["content"]["investment_total_wan"], v["content"]["progress"]) for v in now["earlier"]] == [
        (1, 400, "主体封顶")
    ]
    # Nobody else: an officer out of scope, a leader while the month is open.
    assert client.put(f"{path}/{THIS_MONTH}", json=_values(1, 450), headers=callers["officer_in"]).status_code == 403
    r = client.put(f"{path}/{THIS_MONTH}", json=_values(1, 450, reason="x"), headers=leader)
    assert r.status_code == 403 and "关账前" in r.json()["error"]["message_zh"]
    assert client.put(f"{path}/{CLOSED_MONTH}", json=_values(1, 100), headers=officer).status_code == 409


def test_corrections_keep_the_original_and_are_audited(client, admin, callers, project, engine) -> None:
    path = f"/api/v1/projects/{project['id']}/reports/{CLOSED_MONTH}"
    leader = callers["leader"]
    r = client.put(path, json=_values(120, 120), headers=leader)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "reason"
    # Above the later month's cumulative 450: refused, naming the field.
    r = client.put(path, json=_values(120, 500, reason="更正"), headers=leader)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "investment_total_wan"
    r = client.put(path, json=_values(120, 120, reason="统计口径更正"), headers=leader)
    assert r.status_code == 200, r.text
    r = client.put(path, json=_values(130, 130, reason="二次更正"), headers=admin)
    assert r.status_code == 200, r.text
    report = _reports(client, admin, project)[CLOSED_MONTH]
    assert (report["investment_total_wan"], report["version"], report["corrected_by"], report["correction_reason"]) == (
        130,
        3,
        "user:admin",
        "二次更正",
    )
    assert [(v["version"], v["content"]["investment_total_wan"], v["replaced_by"], v["reason"]) for v in report["earlier"]] == [
        (1, 100, "user:leader", "统计口径更正"),
        (2, 120, "user:admin", "二次更正"),
    ]
    assert report["earlier"][0]["content"]["filed_by"] == "user:leader"
    with engine.connect() as conn:
        audited = conn.execute(
            text("SELECT actor, action FROM audit_log WHERE table_name = 'project_reports' AND record_id = :id ORDER BY id"),
            {"id": str(report["id"])},
        ).all()
    assert [tuple(a) for a in audited] == [("user:leader", "create"), ("user:leader", "update"), ("user:admin", "update")]
    r = client.put(
        f"/api/v1/projects/{project['id']}/reports/{(CLOSED - timedelta(days=1)):%Y-%m}",
        json=_values(1, 1, reason="x"),
        headers=admin,
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "month"
    assert client.put(f"/api/v1/projects/{project['id']}/reports/2025-13", json=_values(1, 1), headers=admin).status_code == 422


def test_the_close_day_is_a_setting(admin, project) -> None:
    with client_with(projects=ProjectSettings(month_close_day=28)) as other:
        headers = login(other, "admin", ADMIN_PASSWORD)
        reports = _reports(other, headers, project)
    assert reports[CLOSED_MONTH]["closes_on"] == _closes_on(CLOSED, 28)
    assert reports[THIS_MONTH]["closes_on"] == _closes_on(THIS, 28)
