"""The staff side (issue 13): who sees an inquiry and its contact details (404 for everyone else),
every read audited; status moves and their errors; conversion into a target; overdue; anonymisation."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.enterprises.uscc import check_character
from app.inquiries import service
from app.inquiries.worker import InquiryChores
from tests.support.database import suite_settings
from tests.support.inquiries import form, published_park
from tests.support.principals import Callers

NANCHANG = "360100"
SHANGHAI = {"type": "Point", "coordinates": [121.47, 31.23]}


def _uscc(body: str) -> str:
    return body + check_character(body)


@pytest.fixture
def inquiry(inquiries_client: TestClient, db: Session, callers: Callers, request: pytest.FixtureRequest) -> dict[str, Any]:
    """A new inquiry about a Nanchang park (routed to officer_nc, who covers the city): its id and receipt."""
    park_id, _ = published_park(db, NANCHANG)
    r = inquiries_client.post("/api/v1/inquiries", json=form(park_id, company=f"意向企业 {request.node.name}"))
    assert r.status_code == 201, r.text
    receipt = r.json()
    inquiry_id = db.execute(text("SELECT id FROM inquiries WHERE reference = :r"), {"r": receipt["reference"]}).scalar_one()
    return {"id": inquiry_id, "park_id": park_id, **receipt}


def _move(client: TestClient, who: dict[str, str], inquiry_id: int, **body: Any) -> Any:
    return client.post(f"/api/v1/inquiries/{inquiry_id}/transitions", json=body, headers=who)


def test_only_routed_officers_leaders_and_admins_read_contacts(
    inquiries_client: TestClient, callers: Callers, inquiry: dict[str, Any], db: Session
) -> None:
    path = f"/api/v1/inquiries/{inquiry['id']}"
    for who in ("anonymous", "officer_out", "key_write", "key_regions_only"):
        r = inquiries_client.get(path, headers=callers[who])
        assert r.status_code == 404, (who, r.text)
        assert "13800138000" not in r.text
    for who in ("officer_in", "leader", "admin"):
        r = inquiries_client.get(path, headers=callers[who])
        assert r.status_code == 200, (who, r.text)
        body = r.json()
        assert (body["phone"], body["email"], body["contact_person"]) == ("13800138000", "wang@example.com", "王经理")
        assert "officer_nc" in [p["username"] for p in body["recipients"]]
    reads = db.execute(
        text("SELECT actor FROM audit_log WHERE action = 'read' AND table_name = 'inquiries' AND record_id = :id ORDER BY id"),
        {"id": str(inquiry["id"])},
    ).scalars()
    assert list(reads) == ["user:officer_nc", "user:leader", "user:admin"]
    # The contact details themselves are never copied into the append-only trail.
    assert db.execute(text("SELECT count(*) FROM audit_log WHERE changes::text LIKE '%13800138000%'")).scalar_one() == 0

    # The inbox: staff only, without contact details; an officer of another region does not see it.
    assert inquiries_client.get("/api/v1/inquiries").status_code == 401
    assert inquiries_client.get("/api/v1/inquiries", headers=callers["key_write"]).status_code == 403
    theirs = inquiries_client.get("/api/v1/inquiries?limit=500", headers=callers["officer_out"]).json()["items"]
    assert inquiry["reference"] not in [i["reference"] for i in theirs]
    mine = inquiries_client.get("/api/v1/inquiries?limit=500", headers=callers["officer_in"])
    assert mine.status_code == 200 and inquiry["reference"] in mine.text and "13800138000" not in mine.text


def test_the_private_status_link(inquiries_client: TestClient, inquiry: dict[str, Any]) -> None:
    r = inquiries_client.get(f"/api/v1/inquiries/status/{inquiry['status_token']}")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    body = r.json()
    assert (body["reference"], body["status"], body["park_id"]) == (inquiry["reference"], "new", inquiry["park_id"])
    assert not {"phone", "email", "contact_person", "recipients"} & set(body)
    assert inquiries_client.get("/api/v1/inquiries/status/" + "x" * 32).status_code == 404
    assert inquiry["status_path"] == f"/#inquiry={inquiry['status_token']}"


def test_status_moves_and_their_errors(
    inquiries_client: TestClient, callers: Callers, inquiry: dict[str, Any], db: Session
) -> None:
    officer, i = callers["officer_in"], inquiry["id"]
    officer_id = db.execute(text("SELECT id FROM users WHERE username = 'officer_nc'")).scalar_one()
    leader_id = db.execute(text("SELECT id FROM users WHERE username = 'leader'")).scalar_one()
    r = _move(inquiries_client, officer, i, to="assigned", assignee_id=leader_id)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "assignee_id"
    assert _move(inquiries_client, officer, i, to="closed").json()["error"]["details"][0]["field"] == "reason"
    assert _move(inquiries_client, callers["leader"], i, to="contacted").status_code == 403  # leaders read only
    assert _move(inquiries_client, callers["officer_out"], i, to="contacted").status_code == 404
    r = _move(inquiries_client, officer, i, to="assigned")  # no assignee: the caller takes it
    assert r.status_code == 200 and (r.json()["status"], r.json()["assignee_id"]) == ("assigned", officer_id)
    r = _move(inquiries_client, officer, i, to="contacted", note="电话已联系")
    assert r.status_code == 200 and r.json()["first_response_at"] is not None
    r = _move(inquiries_client, officer, i, to="assigned", assignee_id=officer_id)
    assert r.status_code == 409 and "已联系" in r.json()["error"]["message_zh"]
    r = _move(inquiries_client, officer, i, to="closed", reason="企业已在外省落户")
    assert r.status_code == 200 and r.json()["close_reason"] == "企业已在外省落户"
    r = _move(inquiries_client, officer, i, to="contacted")
    assert r.status_code == 409 and "finished" in r.json()["error"]["message"]
    detail = inquiries_client.get(f"/api/v1/inquiries/{i}", headers=officer).json()
    assert [(e["from_status"], e["to_status"]) for e in detail["history"]] == [
        (None, "new"),
        ("new", "assigned"),
        ("assigned", "contacted"),
        ("contacted", "closed"),
    ]
    assert detail["history"][2]["changed_by"] == "user:officer_nc"


def test_conversion_creates_the_enterprise_and_a_target(
    inquiries_client: TestClient, callers: Callers, inquiry: dict[str, Any], db: Session
) -> None:
    officer, i = callers["officer_in"], inquiry["id"]
    link_id = db.execute(text("SELECT min(id) FROM chain_links")).scalar_one()
    path = f"/api/v1/inquiries/{i}/conversion"
    r = inquiries_client.post(path, json={"link_id": link_id, "location": SHANGHAI}, headers=officer)
    assert r.status_code == 409 and "contacted" in r.json()["error"]["message"]
    _move(inquiries_client, officer, i, to="contacted")
    r = inquiries_client.post(path, json={"link_id": link_id, "location": SHANGHAI}, headers=officer)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "uscc"
    code = _uscc("91310000MA1K3Y7B2")
    r = inquiries_client.post(path, json={"link_id": link_id, "uscc": code}, headers=officer)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "location"
    r = inquiries_client.post(path, json={"link_id": link_id, "uscc": code, "location": SHANGHAI}, headers=officer)
    assert r.status_code == 200, r.text
    converted = r.json()
    assert converted["status"] == "converted" and converted["target_id"] is not None
    target = inquiries_client.get(f"/api/v1/targets/{converted['target_id']}", headers=officer).json()
    assert (target["enterprise_uscc"], target["enterprise_name"]) == (code, inquiry_company(db, i))
    assert (target["source"], target["stage"], target["park_id"]) == (
        f"投资意向 {inquiry['reference']}",
        "lead",
        inquiry["park_id"],
    )
    r = inquiries_client.post(path, json={"link_id": link_id, "uscc": code}, headers=officer)
    assert r.status_code == 409


def inquiry_company(db: Session, inquiry_id: int) -> str:
    return str(db.execute(text("SELECT company FROM inquiries WHERE id = :i"), {"i": inquiry_id}).scalar_one())


def test_overdue_badge_and_list(inquiries_client: TestClient, callers: Callers, inquiry: dict[str, Any], db: Session) -> None:
    officer = callers["officer_in"]
    before = inquiries_client.get("/api/v1/inquiries/badge", headers=officer).json()
    assert before["unread"] >= 1 and before["new"] >= 1
    listed = inquiries_client.get("/api/v1/inquiries?overdue=true&limit=500", headers=callers["leader"]).json()["items"]
    assert inquiry["reference"] not in [x["reference"] for x in listed]
    db.execute(text("UPDATE inquiries SET created_at = now() - interval '49 hours' WHERE id = :i"), {"i": inquiry["id"]})
    db.commit()
    listed = inquiries_client.get("/api/v1/inquiries?overdue=true&limit=500", headers=callers["leader"]).json()["items"]
    flagged = next(x for x in listed if x["reference"] == inquiry["reference"])
    assert flagged["overdue"] is True and flagged["status"] == "new"
    after = inquiries_client.get("/api/v1/inquiries/badge", headers=officer).json()
    assert after["overdue"] == before["overdue"] + 1
    inquiries_client.get(f"/api/v1/inquiries/{inquiry['id']}", headers=officer)  # opening it reads it
    assert inquiries_client.get("/api/v1/inquiries/badge", headers=officer).json()["unread"] == before["unread"] - 1
    _move(inquiries_client, officer, inquiry["id"], to="contacted")
    listed = inquiries_client.get("/api/v1/inquiries?overdue=true&limit=500", headers=callers["leader"]).json()["items"]
    assert inquiry["reference"] not in [x["reference"] for x in listed]


def test_anonymisation_after_the_retention(
    inquiries_client: TestClient, callers: Callers, inquiry: dict[str, Any], db: Session
) -> None:
    _move(inquiries_client, callers["officer_in"], inquiry["id"], to="closed", reason="重复提交")
    db.execute(text("UPDATE inquiries SET status_changed_at = now() - interval '31 days' WHERE id = :i"), {"i": inquiry["id"]})
    db.commit()
    assert service.anonymise(db, days=30) == 1
    db.commit()
    body = inquiries_client.get(f"/api/v1/inquiries/{inquiry['id']}", headers=callers["admin"]).json()
    assert (body["phone"], body["email"], body["message"]) == (None, None, None)
    assert body["contact_person"] == service.ANONYMOUS_CONTACT and body["anonymised_at"] is not None
    assert body["company"] == inquiry_company(db, inquiry["id"])


def test_the_daily_chore_anonymises(inquiries_client: TestClient, callers: Callers, inquiry: dict[str, Any], db: Session) -> None:
    _move(inquiries_client, callers["officer_in"], inquiry["id"], to="closed", reason="已在他处落户")
    db.execute(text("UPDATE inquiries SET status_changed_at = now() - interval '400 days' WHERE id = :i"), {"i": inquiry["id"]})
    db.commit()
    InquiryChores(suite_settings()).tick()  # the default retention: 365 days
    assert db.execute(text("SELECT phone FROM inquiries WHERE id = :i"), {"i": inquiry["id"]}).scalar_one() is None
