"""The 招商册 from the map page (issue 15): the park drawer's buttons lead to the brochure, whose
web edition renders under the service's Content-Security-Policy with its own stylesheet and
images, nothing fetched from elsewhere."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.browser_page import UserPage
from tests.browser.test_map_page import api
from tests.browser.test_staff_pages import signed_in
from tests.support.principals import ADMIN_PASSWORD


def test_the_park_drawer_leads_to_its_brochure(
    new_page: Callable[..., UserPage], live_server: str, shots: Callable[[Page, str], None]
) -> None:
    park = api(live_server, "parks", q="小蓝经开区")["items"][0]
    user = new_page()
    page = user.open(f"?open=park:{park['id']}")
    links = page.locator("#detail [data-brochure='park'] a")
    expect(links).to_have_count(2)  # the public has no internal edition to open
    assert links.nth(0).get_attribute("href") == f"/api/v1/brochures/park/{park['id']}.pdf?lang=zh"
    web = links.nth(1).get_attribute("href")
    assert web == f"/api/v1/brochures/park/{park['id']}.html?lang=zh"

    page.goto(live_server + web)
    expect(page.locator("h1")).to_have_text(park["name"])
    # The stylesheet is the service's (the CSP refuses inline styles): the title is coloured by it.
    assert page.locator("h1").evaluate("e => getComputedStyle(e).color") == "rgb(142, 42, 30)"
    maps = page.locator("img.map")
    expect(maps).to_have_count(2)
    assert all(m.evaluate("e => e.complete && e.naturalWidth > 0") for m in maps.all())
    shots(page, "brochure-park-web")
    user.assert_clean()


def test_a_city_filter_offers_its_guide(new_page: Callable[..., UserPage]) -> None:
    user = new_page()
    page = user.open("?region=360100")
    links = page.locator("[data-guide='city'] [data-brochure='city'] a")
    expect(links).to_have_count(2)
    assert links.nth(0).get_attribute("href") == "/api/v1/brochures/city/360100.pdf?lang=zh"
    expect(page.locator("[data-start-booklet]")).to_have_count(0)  # the booklet is for staff
    user.assert_clean()


def test_staff_build_a_city_booklet_and_watch_it_progress(new_page: Callable[..., UserPage], admin: dict[str, str]) -> None:
    user = new_page()
    page = signed_in(user, "admin", ADMIN_PASSWORD, "?region=360200")  # 景德镇: two parks
    page.click("[data-start-booklet='360200']")
    ready = page.locator("[data-booklet-pdf]")
    expect(ready).to_be_visible(timeout=120_000)
    assert (ready.get_attribute("href") or "").startswith("/api/v1/brochures/booklets/360200-zh-")
    assert page.request.get(user.base + (ready.get_attribute("href") or "")).headers["content-type"] == "application/pdf"
    user.assert_clean()
