"""The 招商册 from the map page (issue 15): the park drawer's buttons lead to the brochure, whose
web edition renders under the service's Content-Security-Policy with its own stylesheet and
images, nothing fetched from elsewhere."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.browser_page import UserPage
from tests.browser.test_map_page import api


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
