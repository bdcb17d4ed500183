"""A park's investment policies (招商政策, issue 15): public, written by its officers, checked for
their form, read back by everyone; the brochures print them (tests/brochures)."""

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.support.principals import Callers
from tests.support.records import if_match

POLICY = {
    "title": "招商引资若干措施",
    "issuer": "南昌市人民政府",
    "issued_on": "2025-03-01",
    "url": "https://www.example.gov.cn/p",
}


def test_policies_are_checked_and_public(client: TestClient, callers: Callers, db: Session) -> None:
    park_id = db.execute(
        text(
            "SELECT p.id FROM parks p JOIN regions r ON r.adcode = p.region_adcode "
            "WHERE p.published AND r.parent_adcode = '360100' ORDER BY p.id LIMIT 1"
        )
    ).scalar_one()
    path = f"/api/v1/parks/{park_id}"
    officer = callers["officer_in"]
    for bad, field in (({**POLICY, "url": "javascript:alert(1)"}, "url"), ({**POLICY, "title": ""}, "title")):
        r = client.patch(path, json={"policies": [bad]}, headers=if_match(client, path, officer))
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"].endswith(field), r.text
    r = client.patch(path, json={"policies": [POLICY] * 21}, headers=if_match(client, path, officer))
    assert r.status_code == 422, r.text
    r = client.patch(path, json={"policies": [POLICY]}, headers=if_match(client, path, officer))
    assert r.status_code == 200, r.text
    try:
        assert client.get(path).json()["policies"] == [POLICY]  # anyone's
    finally:
        client.patch(path, json={"policies": []}, headers=if_match(client, path, officer))
