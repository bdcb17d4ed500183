"""The map page for every visitor (issue 13): the filters keep focus and typed values when one
changes (keyboard only), and a link cut short or edited by hand never breaks the page: what
cannot be used is dropped with a notice, an inverted range is flagged beside its fields, and the
list still loads."""

from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect

from tests.browser.browser_page import PHONE, UserPage
from tests.support.principals import PASSWORD, create_user


def _state(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def test_keyboard_min_tab_max_tab_keeps_both(new_page: Callable[..., UserPage]) -> None:
    user = new_page()
    page = user.open()
    # The first Tab reaches the skip links; the second one leads to the list.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-links a").first).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_be_focused()
    page.locator("#filters summary").focus()
    page.keyboard.press("Enter")  # opens the filter form
    page.locator("#f-min_area").focus()
    page.keyboard.type("10")
    page.keyboard.press("Tab")
    expect(page.locator("#f-max_area")).to_be_focused()
    page.keyboard.type("50")
    page.keyboard.press("Tab")
    expect(page.locator("#f-max_price")).to_be_focused()
    expect(page.locator("#f-min_area")).to_have_value("10")
    expect(page.locator("#f-max_area")).to_have_value("50")
    state = _state(page)
    assert (state["min_area"], state["max_area"]) == ("10", "50")
    user.assert_clean()


def test_a_cut_or_edited_link_still_loads(new_page: Callable[..., UserPage]) -> None:
    user = new_page()
    page = user.open("?level=nati&region=3601&min_area=50&max_area=20&open=park:&type=etdz")
    notice = page.locator("#notice")
    expect(notice).to_contain_text("level")
    expect(notice).to_contain_text("region")
    expect(notice).to_contain_text("open")
    state = _state(page)
    assert "level" not in state and "region" not in state and state["type"] == "etdz"
    # The list loaded with what could be used: the economic-development zones.
    expect(page.locator("#list-count")).to_contain_text("共")
    page.locator("#filters summary").click()
    expect(page.locator("[data-area-error]")).to_contain_text("最小面积大于最大面积")
    expect(page.locator("#f-min_area")).to_have_attribute("aria-invalid", "true")
    user.assert_clean()


def test_the_drawer_holds_and_gives_back_keyboard_focus(new_page: Callable[..., UserPage]) -> None:
    """Enter on a list row opens the drawer with focus on its title; Tab and Shift+Tab stay in it
    (also once its carriers are drawn); Escape closes it and focus is back on that row."""
    user = new_page()
    page = user.open()
    row = page.locator("#results .result").nth(1)
    park_id = row.get_attribute("data-park-id")
    row.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#detail .detail-head h2")).to_be_focused()
    expect(page.locator("#detail [data-inquire]")).to_be_visible()
    inside = "() => document.activeElement.closest('#detail') !== null"
    controls = page.locator("#detail").evaluate(
        "d => [...d.querySelectorAll('a[href], button:not([disabled]), input, select, textarea, summary')]"
        ".filter(e => e.getClientRects().length).length"
    )
    assert controls >= 3
    for _ in range(controls + 2):  # once round and beyond: back at the start, never out
        page.keyboard.press("Tab")
        assert page.evaluate(inside)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(inside)
    page.keyboard.press("Escape")
    expect(page.locator("#detail")).to_be_hidden()
    expect(page.locator(f"#results [data-park-id='{park_id}']")).to_be_focused()
    user.assert_clean()


def test_on_a_phone_the_staff_toolbar_covers_nothing_and_the_filters_open_whole(
    new_page: Callable[..., UserPage], live_server: str
) -> None:
    create_user("phone_toolbar_officer", "officer", ["360100"], PASSWORD)
    user = new_page(viewport=PHONE, has_touch=True)
    r = user.page.request.post(
        f"{live_server}/api/v1/auth/login", data={"username": "phone_toolbar_officer", "password": PASSWORD}
    )
    assert r.ok, r.text()
    page = user.open()
    tools, chip = page.locator("#staff-tools"), page.locator(".map-chip")
    expect(tools).to_be_visible()
    expect(chip).to_be_visible()  # "zoom in to see carriers" at the province's zoom
    covered = [page.locator(s) for s in (".map-chip", "#inbox-btn", "#sites-btn", ".leaflet-control-zoom")]
    a = tools.bounding_box()
    assert a is not None
    for other in covered:
        b = other.bounding_box()
        assert b is not None and b["width"] > 30
        apart = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
        assert apart or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"], other
    page.locator("#filters summary").tap()
    expect(page.locator("#panel")).to_have_attribute("data-sheet", "full")
    expect(page.locator("#f-min_area")).to_be_in_viewport()
    expect(page.locator("#f-max_area")).to_be_in_viewport()
    # The whole form on screen once the sheet has slid up, and most of the screen's height.
    expect(page.locator("#filters .filter-form")).to_be_in_viewport(ratio=1)
    form = page.locator("#filters .filter-form").bounding_box()
    assert form is not None and form["height"] > PHONE["height"] / 2
    user.assert_clean()


def test_city_zoom_shades_squares_by_density_and_park_zoom_shows_plots(new_page: Callable[..., UserPage]) -> None:
    """At city zoom the carriers are counted into squares of the screen (no circle per cell), each
    shaded by its count; from the tiles' detail zoom (12) on, single plots and factories instead."""
    user = new_page()
    page = user.open("?c=28.62,115.95,9")
    page.wait_for_selector("body[data-carriers-drawn]")
    drawn = int(page.evaluate("document.body.dataset.carriersDrawn"))
    squares, carriers = (int(n) for n in page.evaluate("document.body.dataset.carrierSquares").split("/"))
    assert drawn == squares > 0 and carriers >= squares
    page.evaluate("() => { window.investmap.map.setZoom(12); }")
    expect(page.locator("body")).to_have_attribute("data-carrier-squares", "0/0", timeout=15_000)
    page.wait_for_selector("body[data-carriers-drawn]")
    assert int(page.evaluate("document.body.dataset.carriersDrawn")) > 0
    user.assert_clean()
