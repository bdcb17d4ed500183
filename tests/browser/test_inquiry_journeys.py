"""Inquiries beyond the park drawer, in the real page (issue 13): sent in English from the site
selection's comparison (after an English search), carrying the carriers chosen there; an overdue inquiry as a leader sees it
(the badge and the overdue list); and an officer converting a contacted inquiry into a target."""

from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.enterprises.uscc import check_character
from app.inquiries.limiter import WindowLimiter
from tests.browser.browser_page import UserPage
from tests.browser.inquiry_form import stored_choice, submit_inquiry
from tests.support.apps import state
from tests.support.inquiries import form
from tests.support.principals import PASSWORD, create_user

PARK = "小蓝经开区"
LEADER, OFFICER = "inq_journey_leader", "inq_journey_officer"


def _signed_in(new_page: Callable[..., UserPage], base: str, username: str) -> UserPage:
    user = new_page()
    r = user.page.request.post(f"{base}/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.ok, r.text()
    return user


def test_an_inquiry_from_the_comparison_in_english(
    new_page: Callable[..., UserPage], live_server: str, db: Session, shots: Callable[[Page, str], None]
) -> None:
    user = new_page()
    page = user.open("?lang=en")
    # English mode: a park is found by its official English name, and suggested under it.
    page.locator("#search-input").fill("nanchang economic")
    expect(page.locator("#search-list .sugg-text b").first).to_have_text("Nanchang Economic and Technological Development Zone")
    page.locator("#search-input").fill("")
    page.keyboard.press("Escape")
    page.locator("#sites-btn").click()
    page.locator("#sites form button[type=submit]").click()
    adds = page.locator("#sites [data-compare-add]")
    expect(adds.first).to_be_visible()
    ask = page.locator("#sites [data-inquire-chosen=match]")
    expect(ask).to_be_disabled()
    ids = [int((adds.nth(i).get_attribute("data-compare-add") or ":0").split(":")[1]) for i in (1, 0)]
    names = [page.locator(f"#sites .site[data-id='{i}'] [data-focus]").inner_text() for i in ids]
    for i in ids:  # set aside in this order: the second result first
        page.locator(f"#sites [data-compare-add='carrier:{i}']").click()
    expect(ask).to_have_text("Inquire about selected (2)")
    page.locator("#sites [data-compare]").click()
    expect(page.locator("#sites table.compare thead th")).to_have_count(3)
    page.locator("#sites [data-inquire-chosen=compare]").click()

    dialog = page.locator("#inquiry-dialog")
    expect(dialog.locator("[data-inquiry-about]")).to_have_text(f"About: {names[0]}、{names[1]}")
    expect(dialog.locator("[data-consent-text]")).to_contain_text("Personal Information Protection Law")
    reference = submit_inquiry(
        dialog, {"company": "Ganjiang Compare Materials Ltd", "contact_person": "Ms Li", "email": "li@example.com"}, "Reference"
    )
    shots(page, "desktop-en-inquiry-from-comparison")
    assert stored_choice(db, reference) == (ids[0], ids, "compare", "en")
    user.assert_clean()


def test_overdue_for_a_leader_and_conversion_by_an_officer(
    new_page: Callable[..., UserPage], live_server: str, db: Session, client: TestClient
) -> None:
    park = httpx.get(f"{live_server}/api/v1/parks", params={"q": PARK}).json()["items"][0]
    county = httpx.get(f"{live_server}/api/v1/parks/{park['id']}").json()["region_adcode"]
    create_user(LEADER, "leader", [], PASSWORD)
    create_user(OFFICER, "officer", [county], PASSWORD)
    uscc = "91310000MA1K3Y9C4"
    uscc += check_character(uscc)
    # Sent through the in-process app, so the live server's per-address window stays the page's.
    state(client).inquiry_limiter = WindowLimiter()
    company = "逾期转化测试有限公司"
    r = client.post("/api/v1/inquiries", json=form(park["id"], company=company, uscc=uscc))
    assert r.status_code == 201, r.text
    reference = r.json()["reference"]
    # Sent four days ago: past the first-response time (48 hours by default).
    db.execute(text("UPDATE inquiries SET created_at = now() - interval '4 days' WHERE reference = :r"), {"r": reference})
    db.commit()

    leader = _signed_in(new_page, live_server, LEADER)
    page = leader.open()
    overdue = page.request.get(f"{live_server}/api/v1/inquiries/badge").json()["overdue"]
    assert overdue >= 1
    expect(page.locator("#inbox-btn [data-inbox-overdue]")).to_have_text(str(overdue))
    page.locator("#inbox-btn").click()
    page.locator("[data-inbox-filter=overdue]").click()
    rows = page.locator(".inbox-list [data-inquiry-open]")
    expect(rows).to_have_count(overdue)
    expect(rows.filter(has_text=company).locator("[data-overdue]")).to_be_visible()
    # A leader reads but does not act: no status moves, no conversion.
    rows.filter(has_text=company).click()
    expect(page.locator("[data-contacts]")).to_contain_text("王经理")
    expect(page.locator("[data-inquiry-move]")).to_have_count(0)
    leader.assert_clean()

    officer = _signed_in(new_page, live_server, OFFICER)
    page = officer.open()
    page.locator("#inbox-btn").click()
    page.locator("[data-inquiry-open]", has_text=company).click()
    page.locator("[data-inquiry-move=contacted]").click()
    convert = page.locator("[data-convert-form]")
    expect(convert.locator("[name=uscc]")).to_have_value(uscc)
    # Sent without a link: the error says which field, and nothing is converted.
    convert.locator("[data-convert-submit]").click()
    expect(page.locator("[data-inbox-error]")).to_contain_text("link_id")
    link = convert.locator("[data-convert-link] option[value]:not([value=''])").first
    link_id = int(link.get_attribute("value") or 0)
    convert.locator("[data-convert-link]").select_option(str(link_id))
    convert.locator("[name=lon]").fill("121.47")
    convert.locator("[name=lat]").fill("31.23")
    convert.locator("[data-convert-submit]").click()
    expect(page.locator("[data-detail-status]")).to_have_attribute("data-detail-status", "converted")
    target_id = int(page.locator("[data-converted-target]").get_attribute("data-converted-target") or 0)
    row = db.execute(
        text(
            "SELECT t.link_id, t.park_id, t.source, e.uscc, e.name FROM targets t JOIN enterprises e ON e.id = t.enterprise_id "
            "WHERE t.id = :t"
        ),
        {"t": target_id},
    ).one()
    assert tuple(row) == (link_id, park["id"], f"投资意向 {reference}", uscc, company)
    expected = (
        f"HTTP 422: {live_server}/api/v1/inquiries/",
        "console: Failed to load resource: the server responded with a status of 422",
    )
    officer.problems = [p for p in officer.problems if not p.startswith(expected)]
    officer.assert_clean()
