"""The inquiry from the site selection's match results (issue 13), in Chinese on a phone: two results
set aside with their own buttons, asked about at once from the results, stored with both carriers in
the order chosen (the first routes it). The last result stays reachable under the tray."""

from collections.abc import Callable

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.browser.browser_page import PHONE, UserPage
from tests.browser.inquiry_form import stored_choice, submit_inquiry


def test_an_inquiry_from_the_match_results_in_chinese_on_a_phone(
    new_page: Callable[..., UserPage], live_server: str, db: Session, shots: Callable[[Page, str], None]
) -> None:
    user = new_page(viewport=PHONE, has_touch=True)
    page = user.open()
    page.locator("#sites-btn").click()
    page.locator("#sites form button[type=submit]").click()
    adds = page.locator("#sites [data-compare-add]")
    expect(adds.nth(2)).to_be_attached()
    ask = page.locator("#sites [data-inquire-chosen=match]")
    expect(ask).to_be_disabled()
    # Set aside in this order: the second result, then the last (at the foot of the sheet, under the tray the first one shows).
    ids = [int((adds.nth(i).get_attribute("data-compare-add") or ":0").split(":")[1]) for i in (1, adds.count() - 1)]
    names = [page.locator(f"#sites .site[data-id='{i}'] [data-focus]").inner_text() for i in ids]
    for i in ids:
        add = page.locator(f"#sites [data-compare-add='carrier:{i}']")
        add.click()
        expect(add).to_have_attribute("aria-pressed", "true")
        expect(add).to_have_text("已在对比中")
    expect(ask).to_have_text("咨询所选（2）")
    ask.click()

    dialog = page.locator("#inquiry-dialog")
    expect(dialog.locator("[data-inquiry-about]")).to_contain_text(f"{names[0]}、{names[1]}")
    expect(dialog.locator("[data-consent-text]")).to_contain_text("个人信息保护法")
    box = dialog.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    reference = submit_inquiry(
        dialog, {"company": "赣州选址对比材料有限公司", "contact_person": "王先生", "phone": "13607970000"}, "受理编号"
    )
    shots(page, "phone-zh-inquiry-from-match")
    assert stored_choice(db, reference) == (ids[0], ids, "match", "zh")
    user.assert_clean()
