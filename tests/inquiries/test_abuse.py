"""Abuse of the public form (issue 13): a per-address limit (429 with Retry-After), a honeypot,
a limit on every field, identical submissions folded into one inquiry."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.core.settings import InquirySettings
from tests.support.apps import client_with
from tests.support.inquiries import form, published_park

NANCHANG = "360100"


def _count(db: Session) -> int:
    return int(db.execute(text("SELECT count(*) FROM inquiries")).scalar_one())


def test_rate_limit_per_address(db: Session, settings: Any) -> None:
    park_id, _ = published_park(db, NANCHANG)
    with client_with(inquiries=InquirySettings(per_ip_per_hour=2)) as client:
        for n in range(2):
            assert client.post("/api/v1/inquiries", json=form(park_id, company=f"限流企业 {n}")).status_code == 201
        r = client.post("/api/v1/inquiries", json=form(park_id, company="限流企业 3"))
        assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_requests"
        assert 3500 <= int(r.headers["retry-after"]) <= 3600
        # Bad bodies count too: the limit is taken before the body is read.
        assert client.post("/api/v1/inquiries", json={}).status_code == 429


def test_honeypot_keeps_nothing(inquiries_client: TestClient, db: Session) -> None:
    park_id, _ = published_park(db, NANCHANG)
    before = _count(db)
    r = inquiries_client.post("/api/v1/inquiries", json=form(park_id, company="机器人", website="http://spam.example"))
    assert r.status_code == 201 and r.json()["reference"].startswith("TZ")
    assert _count(db) == before
    assert inquiries_client.get(f"/api/v1/inquiries/status/{r.json()['status_token']}").status_code == 404


def test_every_field_is_checked(inquiries_client: TestClient, db: Session) -> None:
    park_id, _ = published_park(db, NANCHANG)
    cases = {
        "company": "企" * 201,
        "contact_person": "人" * 51,
        "message": "话" * 2001,
        "industry": "业" * 101,
        "phone": "12345678901",
        "email": "not-an-address",
        "uscc": "91360100MA35ABCD10",
        "investment_wan": -1,
        "area_mu": 0,
        "timeline": "tomorrow",
        "consent": False,
        "website": "x" * 201,
    }
    for field, value in cases.items():
        r = inquiries_client.post("/api/v1/inquiries", json=form(park_id, **{field: value}))
        assert r.status_code == 422, (field, r.text)
        assert r.json()["error"]["details"][0]["field"] == field, (field, r.text)
    r = inquiries_client.post("/api/v1/inquiries", json=form(park_id, phone=None, email=None))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "phone"
    r = inquiries_client.post("/api/v1/inquiries", json=form(None))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "park_id"
    r = inquiries_client.post("/api/v1/inquiries", json=form(999_999))
    assert r.status_code == 422 and "未知的园区" in r.json()["error"]["message_zh"]
    r = inquiries_client.post("/api/v1/inquiries", json=form(park_id, extra="?"))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "extra"


def test_identical_submissions_fold(inquiries_client: TestClient, db: Session) -> None:
    park_id, _ = published_park(db, NANCHANG, 1)
    body = form(park_id, company="重复提交企业")
    first = inquiries_client.post("/api/v1/inquiries", json=body).json()
    before = _count(db)
    again = inquiries_client.post("/api/v1/inquiries", json=body).json()
    assert again["reference"] == first["reference"] and again["status_token"] != first["status_token"]
    assert _count(db) == before
    submissions = db.execute(text("SELECT submissions FROM inquiries WHERE reference = :r"), {"r": first["reference"]})
    assert submissions.scalar_one() == 2
    for receipt in (first, again):  # each submission's own link works
        assert (
            inquiries_client.get(f"/api/v1/inquiries/status/{receipt['status_token']}").json()["reference"] == first["reference"]
        )
    other = inquiries_client.post("/api/v1/inquiries", json={**body, "message": "另一个问题"}).json()
    assert other["reference"] != first["reference"]
