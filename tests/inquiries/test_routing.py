"""Routing (issue 13): an inquiry goes to the officers of the item's county, else of its city,
else to the province's officers and the admins; a park may name its own receivers."""

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.inquiries.models import Inquiry, InquiryRecipient
from tests.support.inquiries import form, published_park
from tests.support.principals import PASSWORD, create_user, login

JIUJIANG, PINGXIANG = "360400", "360300"


def _recipients(db: Session, reference: str) -> set[str]:
    rows = (
        select(User.username)
        .join(InquiryRecipient, InquiryRecipient.user_id == User.id)
        .join(Inquiry, Inquiry.id == InquiryRecipient.inquiry_id)
        .where(Inquiry.reference == reference)
    )
    return set(db.execute(rows).scalars())


def _send(client: TestClient, park_id: int, company: str) -> str:
    r = client.post("/api/v1/inquiries", json=form(park_id, company=company))
    assert r.status_code == 201, r.text
    return str(r.json()["reference"])


def test_county_then_city_then_province(inquiries_client: TestClient, db: Session, admin: dict[str, str]) -> None:
    parks = [published_park(db, JIUJIANG, i) for i in range(8)]
    (covered_park, county), other = parks[0], next(p for p in parks if p[1] != parks[0][1])
    create_user("route_county", "officer", [county], PASSWORD)
    create_user("route_city", "officer", [JIUJIANG], PASSWORD)
    create_user("route_disabled", "officer", [county], PASSWORD)
    db.execute(text("UPDATE users SET disabled = true WHERE username = 'route_disabled'"))
    db.commit()

    assert _recipients(db, _send(inquiries_client, covered_park, "县级企业")) == {"route_county"}
    assert _recipients(db, _send(inquiries_client, other[0], "市级企业")) == {"route_city"}

    # Nobody covers Pingxiang: the admins (and officers of the whole province) receive it.
    pingxiang_park, _ = published_park(db, PINGXIANG)
    received = _recipients(db, _send(inquiries_client, pingxiang_park, "省级企业"))
    admins = set(db.execute(select(User.username).where(User.role == "admin", ~User.disabled)).scalars())
    province = set(db.execute(select(User.username).where(User.role == "officer", User.region_adcodes.any("360000"))).scalars())
    assert "admin" in received and received == admins | province
    assert not received & {"route_county", "route_city", "officer_gz", "officer_nc"}


def test_park_receivers_take_precedence(
    inquiries_client: TestClient, db: Session, callers: object, admin: dict[str, str]
) -> None:
    park_id, county = published_park(db, JIUJIANG, 1)
    create_user("route_park_receiver", "officer", [county], PASSWORD)
    receiver = db.execute(select(User.id).where(User.username == "route_park_receiver")).scalar_one()

    # An officer of another city may not name them; the admin may; unknown users are refused.
    outsider = login(inquiries_client, "officer_gz", PASSWORD)
    path = f"/api/v1/parks/{park_id}/inquiry-receivers"
    assert inquiries_client.put(path, json={"user_ids": [receiver]}, headers=outsider).status_code == 403
    r = inquiries_client.put(path, json={"user_ids": [receiver, 999999]}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "user_ids"
    r = inquiries_client.put(path, json={"user_ids": [receiver]}, headers=admin)
    assert r.status_code == 200 and [p["username"] for p in r.json()["receivers"]] == ["route_park_receiver"]

    assert _recipients(db, _send(inquiries_client, park_id, "园区指定企业")) == {"route_park_receiver"}
    inquiries_client.put(path, json={"user_ids": []}, headers=admin)
    assert "route_park_receiver" in _recipients(db, _send(inquiries_client, park_id, "区域分派企业"))


def test_an_inquiry_about_the_carriers_chosen_in_a_comparison(
    inquiries_client: TestClient, db: Session, admin: dict[str, str]
) -> None:
    """From the comparison or match results: every chosen carrier is kept in the order chosen,
    the first routes it (its park and county); an unknown or repeated carrier is refused."""
    rows = db.execute(
        text(
            "SELECT DISTINCT ON (c.park_id) c.id, c.name, c.park_id, p.name AS park, p.region_adcode FROM carriers c "
            "JOIN parks p ON p.id = c.park_id WHERE c.published AND p.published ORDER BY c.park_id, c.id LIMIT 3"
        )
    ).all()
    ids = [rows[1].id, rows[0].id, rows[2].id]
    body = form(None, carrier_ids=ids, origin="compare", company="对比意向企业")
    r = inquiries_client.post("/api/v1/inquiries", json=body)
    assert r.status_code == 201, r.text
    found = db.execute(
        select(Inquiry.id, Inquiry.carrier_id, Inquiry.park_id, Inquiry.region_adcode).where(
            Inquiry.reference == r.json()["reference"]
        )
    ).one()
    assert (found.carrier_id, found.park_id, found.region_adcode) == (rows[1].id, rows[1].park_id, rows[1].region_adcode)
    detail = inquiries_client.get(f"/api/v1/inquiries/{found.id}", headers=admin).json()
    assert detail["origin"] == "compare"
    assert [(c["id"], c["name"], c["park_name"]) for c in detail["chosen"]] == [
        (rows[i].id, rows[i].name, rows[i].park) for i in (1, 0, 2)
    ]

    def refused(**fields: object) -> str:
        bad = inquiries_client.post("/api/v1/inquiries", json={**body, "company": "拒绝", **fields})
        assert bad.status_code == 422, bad.text
        return str(bad.json()["error"]["details"][0]["field"])

    assert refused(carrier_ids=[ids[0], 99999999]) == "carrier_ids"
    assert refused(carrier_ids=[ids[0], ids[0]]) == "carrier_ids"
    assert refused(carrier_ids=[*ids, 1, 2]) == "carrier_ids"
    assert refused(park_id=rows[0].park_id) == "park_id"
    assert refused(origin="elsewhere") == "origin"
