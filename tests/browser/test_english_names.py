"""English mode of the map page (issue 13): a browser asking for English gets it without lang=,
and lists, the region filter, the search, the drawer and the map's labels show English names,
pinyin marked as a romanisation where a park has no official English name."""

from collections.abc import Callable

from playwright.sync_api import expect

from tests.browser.browser_page import UserPage

OFFICIAL = "Nanchang Economic and Technological Development Zone"


def test_an_english_browser_sees_english_names_everywhere(new_page: Callable[..., UserPage]) -> None:
    user = new_page(locale="en-US")
    page = user.open("?level=national&type=etdz")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    results = page.locator("#results")
    expect(results.locator(".result b", has_text=OFFICIAL)).to_have_count(1)
    pinyin = results.locator("[data-pinyin]", has_text="Ganzhou Jingji Jishu Kaifaqu")
    expect(pinyin).to_have_attribute("title", "Pinyin romanisation of the Chinese name, not an official English name")
    assert "经济技术开发区" not in results.inner_text()
    expect(page.locator(".region-label", has_text="Ganzhou City")).to_have_count(1)

    page.locator("#filters summary").click()
    page.locator("[data-region-toggle]").click()
    options = page.locator("#f-region-options")
    expect(options).to_contain_text("Nanchang City")
    expect(options).to_contain_text("Honggutan District")

    page.locator("#search-input").press_sequentially("nanchang etdz", delay=20)
    suggestions = page.locator(".sugg[data-index] .sugg-text b")
    expect(suggestions).to_have_text([OFFICIAL, "Nanchang Xiaolan Jingji Jishu Kaifaqu"])
    suggestions.first.click()
    head = page.locator("#detail .detail-head")
    expect(head.locator("h2")).to_have_text(OFFICIAL)
    expect(page.locator("#search-input")).to_have_value(OFFICIAL)
    expect(head.locator(".detail-sub")).to_have_text("南昌经济技术开发区")
    expect(page.locator("#detail")).to_contain_text("Nanchang City · Qingshanhu District")
    assert "lang=en" in page.url
    user.assert_clean()
