"""The site-selection panel in headless Chromium, as an enterprise uses it: a requirement, the
ranked sites with their reasons (as the API ranks them), numbered on the map, then three compared
side by side; in Chinese on a desktop and in English on a phone."""

import re
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.browser.browser_page import PHONE, UserPage

REQUIREMENT = {
    "kind": "land",
    "area": {"min": 20, "max": 80, "unit": "mu", "hard": True},
    "regions": {"adcodes": ["360100", "360400"], "hard": True},
    "distances": {"airport": {"km": 60, "hard": True}, "rail_station": {"km": 30, "hard": False}},
    "limit": 30,
}


def _fill(page: Page) -> None:
    page.locator("#sites-btn").click()
    form = page.locator("#sites form")
    expect(form).to_be_visible()
    form.locator("[name=area_min]").fill("20")
    form.locator("[name=area_max]").fill("80")
    for adcode in ("360100", "360400"):
        form.locator(f"input[name=city][value='{adcode}']").check()
    form.locator("[name=airport_km]").fill("60")
    form.locator("[name=airport_hard]").check()
    form.locator("[name=rail_km]").fill("30")
    form.locator("button[type=submit]").click()


def _expected(live_server: str) -> dict:
    r = httpx.post(f"{live_server}/api/v1/sites/match", json=REQUIREMENT)
    r.raise_for_status()
    return r.json()


def test_the_enterprise_story_on_a_desktop(
    new_page: Callable[..., UserPage], live_server: str, shots: Callable[[Page, str], None]
) -> None:
    expected = _expected(live_server)
    assert len(expected["results"]) >= 3
    user = new_page()
    page = user.open()
    _fill(page)
    sites = page.locator("#sites .site")
    expect(sites).to_have_count(len(expected["results"]))
    assert [int(i) for i in sites.evaluate_all("els => els.map(e => e.dataset.id)")] == [r["id"] for r in expected["results"]]
    expect(page.locator("#sites .sites-excluded")).to_have_text(expected["excluded"]["zh"])
    first = expected["results"][0]
    expect(sites.first.locator(".verdict-text")).to_have_text([v["zh"] for v in first["verdicts"]])
    expect(page.locator(".site-pin")).to_have_count(len(expected["results"]))
    # The map went to the matches: every ranked site is in view.
    for r in expected["results"]:
        lon, lat = r["location"]["coordinates"]
        assert page.evaluate(f"() => window.investmap.map.getBounds().contains([{lat}, {lon}])"), r["name"]
    for add in page.locator("#sites [data-compare-add]").all()[:3]:
        add.click()
    expect(page.locator("#compare-tray [data-tray-count]")).to_have_attribute("data-tray-count", "3")
    page.locator("#sites [data-compare]").click()
    table = page.locator("#sites table.compare")
    expect(table.locator("thead th")).to_have_count(4)
    # Opened from the match: the requirement's verdicts first, each criterion a row.
    expect(table.locator("tbody tr.compare-group th")).to_have_text("按匹配需求")
    expect(table.locator("tr[data-criterion=score] td")).to_have_text([str(r["score"]) for r in expected["results"][:3]])
    expect(table.locator("tr[data-criterion=area] td[data-verdict=met]")).to_have_count(3)
    expect(table.locator("tr[data-criterion=distance_airport] td")).to_have_text(
        [f"✓ {r['verdicts'][-2]['zh']}" for r in expected["results"][:3]]
    )
    expect(table.locator("tbody th", has_text="所在园区")).to_have_count(1)
    # Its link reopens it with the verdicts (the requirement rides along in req=).
    assert "req=" in page.url
    page.goto(page.url)
    expect(table.locator("tr[data-criterion=area] td[data-verdict=met]")).to_have_count(3)
    expect(table.locator("tr[data-criterion=score] td")).to_have_text([str(r["score"]) for r in expected["results"][:3]])
    assert table.locator(".best-mark").count() >= 1
    expect(page.locator("#sites")).to_contain_text("直线距离")
    shots(page, "sites-compare-desktop")
    user.assert_clean()


def test_the_same_story_in_english_on_a_phone(
    new_page: Callable[..., UserPage], live_server: str, shots: Callable[[Page, str], None]
) -> None:
    expected = _expected(live_server)
    user = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page = user.open()
    page.locator("#lang-btn").click()
    expect(page.locator("#sites-btn")).to_have_text("Site selection")
    _fill(page)
    expect(page.locator("#sites .site")).to_have_count(len(expected["results"]))
    expect(page.locator("#sites .sites-excluded")).to_have_text(expected["excluded"]["en"])
    panel = page.locator("#sites").bounding_box()
    assert panel is not None and panel["width"] == PHONE["width"]
    for add in page.locator("#sites [data-compare-add]").all()[:3]:
        add.click()
    page.locator("#sites [data-compare]").click()
    scroller = page.locator("#sites .compare-scroll")
    expect(scroller.locator("tbody tr.compare-group th")).to_have_text("Against the requirement")
    expect(scroller.locator("tbody th").filter(has_text=re.compile(r"^park$"))).to_have_count(1)
    # Four columns do not fit a phone: the table scrolls sideways inside the panel.
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    shots(page, "sites-compare-phone")
    user.assert_clean()
