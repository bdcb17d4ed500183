"""The import page in the real browser: a spreadsheet previewed with its problem shown by row and
column, the column mapping corrected on the page, previewed again, and imported."""

import io
from collections.abc import Callable

import openpyxl
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.browser.browser_page import UserPage
from tests.browser.test_staff_pages import open_menu_item, sign_in
from tests.support.gisfiles import park_place, squares
from tests.support.principals import ADMIN_PASSWORD


def test_preview_fix_the_mapping_and_import(
    new_page: Callable[..., UserPage], client: TestClient, admin: dict[str, str], engine, shots: Callable[[Page, str], None]
) -> None:
    with Session(engine) as db:
        place = park_place(db, "r.parent_adcode = '360100'")
    plots = squares(place, 2)
    book = openpyxl.Workbook()
    for row in (
        ["地块号", "名称", "面积", "WKT"],
        ["WEB-1", "网页地块一", "abc", plots[0].wkt],
        ["WEB-2", "网页地块二", "", plots[1].wkt],
    ):
        book.active.append(row)
    content = io.BytesIO()
    book.save(content)

    user = new_page()
    page = user.open()
    sign_in(page, "admin", ADMIN_PASSWORD)
    open_menu_item(page, "[data-menu=import]")
    page.select_option("#imp-park", str(place.park_id))
    page.set_input_files(
        "#imp-file", files=[{"name": "地块.xlsx", "mimeType": "application/octet-stream", "buffer": content.getvalue()}]
    )
    page.click("#imports [data-import-preview]")
    bad = page.locator("#imports tr[data-row='2']")
    expect(bad).to_contain_text("面积")
    expect(bad).to_contain_text("'abc' 不是有效面积")
    expect(page.locator("#imports [data-import-commit]")).to_be_disabled()
    shots(page, "import-preview-with-problem")

    page.select_option("#imports [data-map-column='地块号']", "code")
    page.select_option("#imports [data-map-column='面积']", "")
    page.click("#imports [data-import-preview]")
    expect(page.locator("#imports .import-counts")).to_have_text("共 2 行：新增 2，修改 0，无变化 0，有问题 0")
    page.click("#imports [data-import-commit]")
    expect(page.locator("#imports [data-import-done]")).to_be_visible()
    listed = client.get("/api/v1/carriers", params={"park": place.park_id, "q": "网页地块", "limit": 10}, headers=admin).json()
    assert sorted(c["code"] for c in listed["items"]) == ["WEB-1", "WEB-2"]

    # Parks: the rows name their parks; a level the catalogue does not know is shown on its row.
    parks = openpyxl.Workbook()
    for row in (["园区名称", "级别", "类型", "所在县（市、区）", "经度", "纬度"],
                ["网页导入园区", "县级", "工业园区", place.adcode, place.lon, place.lat]):  # fmt: skip
        parks.active.append(row)
    content = io.BytesIO()
    parks.save(content)
    page.select_option("#imp-what", "parks")
    expect(page.locator("#imp-park")).to_have_value("")
    page.set_input_files(
        "#imp-file", files=[{"name": "园区.xlsx", "mimeType": "application/octet-stream", "buffer": content.getvalue()}]
    )
    page.click("#imports [data-import-preview]")
    expect(page.locator("#imports tr[data-row='2']")).to_contain_text("'县级' 不是已知的园区级别")
    user.assert_clean()
