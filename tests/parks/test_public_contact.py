"""A park's public contact (issue 13): hotline, website and service centre, set by the park's
officers, shown to everyone (on the park's shared page too), checked for their form; the
officers' own contacts stay internal."""

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.support.principals import Callers
from tests.support.records import if_match

CONTACT = {"hotline": "0791-8888 6666", "website": "https://www.example.gov.cn/park", "service_address": "南昌市红谷滩区 1 号"}


def test_public_contact_fields(client: TestClient, callers: Callers, db: Session) -> None:
    park_id = db.execute(
        text(
            "SELECT p.id FROM parks p JOIN regions r ON r.adcode = p.region_adcode "
            "WHERE p.published AND r.parent_adcode = '360100' ORDER BY p.id DESC LIMIT 1"
        )
    ).scalar_one()
    path = f"/api/v1/parks/{park_id}"
    officer = callers["officer_in"]
    for field, bad in (("website", "javascript:alert(1)"), ("hotline", "call <me>"), ("service_address", "址" * 301)):
        r = client.patch(path, json={field: bad}, headers=if_match(client, path, officer))
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == field, r.text
    assert client.patch(path, json=CONTACT, headers=if_match(client, path, callers["officer_out"])).status_code == 403
    r = client.patch(path, json=CONTACT, headers=if_match(client, path, officer))
    assert r.status_code == 200, r.text

    public = client.get(path).json()
    assert {k: public[k] for k in CONTACT} == CONTACT
    assert "contacts" not in public
    page = client.get(f"/p/{park_id}").text
    assert "招商热线 0791-8888 6666" in page
    listed = client.get("/api/v1/parks", params={"limit": 500}).json()["items"]
    assert next(p for p in listed if p["id"] == park_id)["website"] == CONTACT["website"]
