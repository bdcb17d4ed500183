"""Signed-in staff in the real page: sign-in, staff-only views, edit forms with geometry drawn
on the map, server validation next to the field, publish, the 412 path, history, admin page.

Every record a test edits is created here (unpublished, in Nanchang County) and deleted at the
end, so the public map and the other tests never see it.
"""

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from tests.browser.browser_page import PHONE, UserPage
from tests.support.principals import ADMIN_PASSWORD, replace_one_time_password
from tests.support.records import if_match

OFFICER = {"username": "wang_nc", "display_name": "王专员", "password": "officer-password-1"}
NANCHANG_CITY = "360100"  # covers Nanchang County (360121), where the test records lie
PARK_AT = [115.93, 28.52]


def _park_body(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "level": "provincial",
        "type": "industrial",
        "source": "browser test",
        "region_adcode": "360121",
        "location": {"type": "Point", "coordinates": PARK_AT},
        "published": False,
        **extra,
    }


def _plot_body(park_id: int, name: str, **extra: Any) -> dict[str, Any]:
    x, y = PARK_AT
    ring = [[x + dx, y + dy] for dx, dy in ((0.001, 0.001), (0.003, 0.001), (0.003, 0.003), (0.001, 0.003), (0.001, 0.001))]
    return {
        "kind": "land",
        "name": name,
        "park_id": park_id,
        "source": "browser test",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "published": False,
        **extra,
    }


@pytest.fixture(scope="module")
def officer(client: TestClient, admin: dict[str, str]) -> dict[str, str]:
    r = client.post(
        "/api/v1/admin/users",
        headers=admin,
        json={
            "username": OFFICER["username"],
            "display_name": OFFICER["display_name"],
            "role": "officer",
            "region_adcodes": [NANCHANG_CITY],
        },
    )
    assert r.status_code == 201, r.text
    replace_one_time_password(client, OFFICER["username"], r.json()["password"], OFFICER["password"])
    return OFFICER


@pytest.fixture(scope="module")
def records(client: TestClient, admin: dict[str, str]) -> Iterator[dict[str, int]]:
    """An unpublished park with one unpublished land plot, deleted again after the module."""
    park = client.post("/api/v1/parks", json=_park_body("浏览器测试园区", short_name="测试园"), headers=admin)
    assert park.status_code == 201, park.text
    park_id = park.json()["id"]
    plot = client.post("/api/v1/carriers", json=_plot_body(park_id, "测试地块 A-1"), headers=admin)
    assert plot.status_code == 201, plot.text
    yield {"park": park_id, "plot": plot.json()["id"]}
    for c in client.get("/api/v1/carriers", params={"park": park_id, "limit": 100}, headers=admin).json()["items"]:
        path = f"/api/v1/carriers/{c['id']}"
        assert client.delete(path, headers=if_match(client, path, admin)).status_code == 204
    path = f"/api/v1/parks/{park_id}"
    assert client.delete(path, headers=if_match(client, path, admin)).status_code == 204


def submit_login(page: Page, username: str, password: str) -> None:
    page.click("#user-area [data-login]")
    page.fill("#login-dialog input[name=username]", username)
    page.fill("#login-dialog input[name=password]", password)
    page.click("#login-dialog button[type=submit]")


def sign_in(page: Page, username: str, password: str) -> None:
    submit_login(page, username, password)
    expect(page.locator("#user-area [data-user-menu]")).to_be_visible()


def choose_password(page: Page, new: str, repeat: str | None = None, current: str | None = None) -> None:
    """Fill and send the change-password form (forced after a one-time password, or from the menu)."""
    form = "#password-dialog [data-password-form]"
    if current is not None:
        page.fill(f"{form} input[name=current_password]", current)
    page.fill(f"{form} input[name=new_password]", new)
    page.fill(f"{form} input[name=repeat]", new if repeat is None else repeat)
    page.click(f"{form} button[type=submit]")


def create_officer_on_admin_page(page: Page, username: str, display_name: str, county: str) -> str:
    """On the open admin page: a new officer of `county`; the one-time password it shows."""
    page.fill("#a-username", username)
    page.fill("#a-display_name", display_name)
    page.select_option("#a-role", "officer")
    page.select_option("#admin [data-region-select=user]", county)
    page.click("#admin [data-region-add=user]")
    page.click("#admin form[data-create=user] button[type=submit]")
    return page.locator("#admin [data-secret]").input_value()


def signed_in(user: UserPage, username: str, password: str, query: str) -> Page:
    """Sign in on the page, then open `query` (the session cookie outlives the reload)."""
    sign_in(user.open(), username, password)
    return user.open(query)


def editing(user: UserPage, who: dict[str, str], query: str) -> Page:
    """Signed in as `who`, the record of `query` open in the editor."""
    page = signed_in(user, who["username"], who["password"], query)
    page.click("#detail [data-staff=edit]")
    return page


def open_menu_item(page: Page, item: str) -> None:
    page.click("#user-area [data-user-menu]")
    page.click(f"#user-area {item}")


def open_layer_control(page: Page) -> None:
    if not page.locator(".layer-control").evaluate("e => e.classList.contains('is-open')"):
        page.click(".lc-toggle")


def api_get(client: TestClient, path: str, headers: dict[str, str]) -> Any:
    r = client.get(path, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def map_box(page: Page) -> dict[str, float]:
    box = page.locator("#map").bounding_box()
    assert box is not None
    return box


def click_map(page: Page, dx: float, dy: float) -> list[float]:
    """Click the map at (dx, dy) px from its centre; the WGS-84 [lon, lat] there (offline basemap)."""
    box = map_box(page)
    x, y = box["width"] / 2 + dx, box["height"] / 2 + dy
    lonlat = page.evaluate(
        "([x, y]) => { const p = window.investmap.map.containerPointToLatLng([x, y]); return [p.lng, p.lat]; }", [x, y]
    )
    page.mouse.click(box["x"] + x, box["y"] + y)
    return lonlat


def without(problems: list[str], *expected: str) -> list[str]:
    """The page's problems less the ones a test provoked on purpose (e.g. the 412 it tests)."""
    return [p for p in problems if not any(re.search(e, p) for e in expected)]


def test_sign_in_shows_who_and_the_staff_views_and_sign_out_hides_them(
    new_page: Callable[..., UserPage], officer: dict[str, str], records: dict[str, int], shots: Callable[[Page, str], None]
) -> None:
    user = new_page()
    page = user.open(f"?c={PARK_AT[1]},{PARK_AT[0]},13")
    park_row = page.locator(f".result[data-park-id='{records['park']}']")
    # Before sign-in: no unpublished record, no staff layer, no staff tools, no draft marks.
    expect(page.locator("#user-area [data-login]")).to_have_text("登录")
    expect(park_row).to_have_count(0)
    expect(page.locator("[data-draft]")).to_have_count(0)
    expect(page.locator("#staff-tools")).to_be_hidden()
    open_layer_control(page)
    expect(page.locator("[data-layer=scope]")).to_have_count(0)

    sign_in(page, officer["username"], officer["password"])
    expect(page.locator("#user-area [data-user-name]")).to_have_text("王专员")
    expect(page.locator("#user-area [data-user-role]")).to_have_text("招商专员")
    expect(park_row).to_have_count(1)
    expect(park_row.locator("[data-draft]")).to_have_text("未公开")
    expect(page.locator("#staff-tools")).to_be_visible()
    open_layer_control(page)
    page.check("[data-layer=scope]")
    expect(page.locator("[data-scope-regions]")).to_have_text("南昌市")
    expect(page.locator(".scope-outline")).not_to_have_count(0)
    park_row.click()
    expect(page.locator("#detail [data-staff-bar] [data-staff=edit]")).to_be_visible()
    expect(page.locator("#detail .badge.draft")).to_have_text("未公开")
    shots(page, "staff-signed-in")

    # Sign out with the unpublished park open: it goes, and so does everything staff-only.
    open_menu_item(page, "[data-logout]")
    expect(page.locator("#user-area [data-login]")).to_be_visible()
    expect(page.locator("#detail [data-detail-error]")).to_contain_text("未找到")
    expect(page.locator("[data-staff-bar]")).to_have_count(0)
    expect(park_row).to_have_count(0)
    expect(page.locator("[data-draft]")).to_have_count(0)
    expect(page.locator("#staff-tools")).to_be_hidden()
    expect(page.locator("[data-layer=scope]")).to_have_count(0)
    expect(page.locator(".scope-outline")).to_have_count(0)
    assert without(user.problems, rf"HTTP 404: .*/api/v1/parks/{records['park']}$", "console: .* 404 ") == []


def test_edit_a_park_field_saves_it_audits_it_and_lists_it_in_history(
    new_page: Callable[..., UserPage],
    client: TestClient,
    admin: dict[str, str],
    officer: dict[str, str],
    records: dict[str, int],
    shots: Callable[[Page, str], None],
) -> None:
    user = new_page()
    page = editing(user, officer, f"?open=park:{records['park']}")
    form = page.locator("#editor form")
    expect(form.locator("#e-name")).to_have_value("浏览器测试园区")
    form.locator("#e-approved_area_ha").fill("321.5")
    form.locator("#e-leading_industries").fill("电子信息、新能源")
    shots(page, "staff-edit-park")
    page.click("#editor [data-save]")
    expect(page.locator("#editor")).to_be_hidden()
    expect(page.locator("#detail")).to_contain_text("321.5")

    park = api_get(client, f"/api/v1/parks/{records['park']}", admin)
    assert park["approved_area_ha"] == 321.5
    assert park["leading_industries"] == ["电子信息", "新能源"]
    audit = api_get(client, f"/api/v1/audit?table=parks&record_id={records['park']}&actor=user:{officer['username']}", admin)
    entry = audit["items"][0]
    assert entry["action"] == "update"
    assert entry["changes"]["approved_area_ha"]["after"] == 321.5

    page.click("#detail [data-staff=history]")
    versions = page.locator("[data-history-list] li")
    expect(versions.first).to_contain_text(officer["username"])
    expect(versions.first).to_contain_text("approved_area_ha")
    assert versions.count() == len(api_get(client, f"/api/v1/parks/{records['park']}/history", admin))
    user.assert_clean()


def test_server_validation_errors_are_shown_next_to_their_field_and_on_the_map(
    new_page: Callable[..., UserPage],
    client: TestClient,
    admin: dict[str, str],
    officer: dict[str, str],
    records: dict[str, int],
    shots: Callable[[Page, str], None],
) -> None:
    user = new_page()
    page = editing(user, officer, f"?open=carrier:{records['plot']}")
    page.fill("#e-plot_ratio-min", "3")
    page.fill("#e-plot_ratio-max", "1.2")
    page.click("#editor [data-save]")
    error = page.locator("#editor .field[data-field=plot_ratio] .field-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("最小值 3.0 大于最大值 1.2")
    assert api_get(client, f"/api/v1/carriers/{records['plot']}", admin)["plot_ratio"] == {"min": None, "max": None}

    # A parcel drawn as a bow tie crosses itself: the error goes under the parcel, and onto the map.
    page.fill("#e-plot_ratio-min", "1")
    page.click("#editor [data-geom=clear]")
    for dx, dy in ((-60, -40), (60, 40), (60, -40), (-60, 40)):
        click_map(page, dx, dy)
    expect(page.locator("#editor [data-geom-status]")).to_contain_text("4 个角点")
    page.click("#editor [data-save]")
    geometry_error = page.locator("#editor .field[data-field=geometry] .field-error")
    expect(geometry_error).to_contain_text("自相交")
    expect(page.locator("#editor .field[data-field=plot_ratio] .field-error")).to_be_hidden()
    expect(page.locator(".edit-problem-tip")).to_contain_text("自相交")
    shots(page, "staff-validation-error")
    assert without(user.problems, rf"HTTP 422: .*/api/v1/carriers/{records['plot']}$", "console: .* 422 ") == []


def test_draw_a_new_land_plot_and_save_it(
    new_page: Callable[..., UserPage],
    client: TestClient,
    admin: dict[str, str],
    officer: dict[str, str],
    records: dict[str, int],
    shots: Callable[[Page, str], None],
) -> None:
    user = new_page()
    page = signed_in(
        user, officer["username"], officer["password"], f"?open=park:{records['park']}&c={PARK_AT[1]},{PARK_AT[0]},16"
    )
    page.click("#detail [data-staff=new-carrier]")
    expect(page.locator("#editor h2")).to_have_text("新增载体")
    expect(page.locator("#e-park_id")).to_have_value(str(records["park"]))
    page.fill("#e-name", "新绘地块 B-7")
    page.select_option("#e-land_use", "industrial_2")
    corners = [click_map(page, dx, dy) for dx, dy in ((-70, -50), (70, -50), (80, 45), (-60, 55))]
    expect(page.locator("#editor [data-geom-status]")).to_contain_text("4 个角点")
    expect(page.locator(".leaflet-editing-pane .edit-vertex")).to_have_count(4)
    shots(page, "staff-draw-plot")
    page.click("#editor [data-save]")
    expect(page.locator("#editor")).to_be_hidden()
    expect(page.locator("#detail h2")).to_have_text("新绘地块 B-7")

    made = [
        c
        for c in api_get(client, f"/api/v1/carriers?park={records['park']}&limit=100", admin)["items"]
        if c["name"] == "新绘地块 B-7"
    ]
    assert len(made) == 1
    ring = made[0]["geometry"]["coordinates"][0]
    assert made[0]["geometry"]["type"] == "Polygon" and made[0]["published"] is False
    assert ring[0] == ring[-1] and len(ring) == 5
    for got, want in zip(ring[:-1], corners, strict=True):
        assert got == pytest.approx(want, abs=2e-6)
    assert made[0]["area_m2"] > 0  # measured by the server from the drawn parcel
    user.assert_clean()


def test_the_publish_switch_flips_published(
    new_page: Callable[..., UserPage], client: TestClient, admin: dict[str, str], officer: dict[str, str], records: dict[str, int]
) -> None:
    plot = client.post("/api/v1/carriers", json=_plot_body(records["park"], "待公开地块 C-2"), headers=admin).json()
    user = new_page()
    page = editing(user, officer, f"?open=carrier:{plot['id']}")
    switch = page.locator("#e-published")
    expect(switch).not_to_be_checked()
    page.click("#editor .field[data-field=published] .switch")
    expect(switch).to_be_checked()
    page.click("#editor [data-save]")
    expect(page.locator("#editor")).to_be_hidden()
    assert api_get(client, f"/api/v1/carriers/{plot['id']}", admin)["published"] is True
    expect(page.locator("#detail .badge.draft")).to_have_count(0)

    page.click("#detail [data-staff=edit]")
    page.click("#editor .field[data-field=published] .switch")
    page.click("#editor [data-save]")
    expect(page.locator("#detail .badge.draft")).to_have_text("未公开")
    assert api_get(client, f"/api/v1/carriers/{plot['id']}", admin)["published"] is False
    user.assert_clean()


def test_a_record_changed_behind_the_page_gives_the_conflict_message_and_a_reload(
    new_page: Callable[..., UserPage],
    client: TestClient,
    admin: dict[str, str],
    officer: dict[str, str],
    records: dict[str, int],
    shots: Callable[[Page, str], None],
) -> None:
    user = new_page()
    page = editing(user, officer, f"?open=park:{records['park']}")
    expect(page.locator("#e-short_name")).to_be_visible()

    path = f"/api/v1/parks/{records['park']}"
    r = client.patch(path, json={"short_name": "别人改的"}, headers=if_match(client, path, admin))
    assert r.status_code == 200, r.text

    page.fill("#e-profile", "我的修改")
    page.click("#editor [data-save]")
    conflict = page.locator("#editor .form-message.is-conflict")
    expect(conflict).to_contain_text("此记录已被他人修改")
    shots(page, "staff-conflict")
    assert api_get(client, path, admin)["profile"] is None  # nothing was overwritten

    conflict.locator("[data-reload]").click()
    expect(page.locator("#e-short_name")).to_have_value("别人改的")
    page.fill("#e-profile", "我的修改")
    page.click("#editor [data-save]")
    expect(page.locator("#editor")).to_be_hidden()
    body = api_get(client, path, admin)
    assert body["profile"] == "我的修改" and body["short_name"] == "别人改的"
    assert without(user.problems, rf"HTTP 412: .*{path}$", "console: .* 412 ") == []


def test_admin_creates_a_key_sees_its_secret_once_and_revokes_it(
    new_page: Callable[..., UserPage],
    live_server: str,
    admin: dict[str, str],
    officer: dict[str, str],
    shots: Callable[[Page, str], None],
) -> None:
    user = new_page()
    page = user.open()
    sign_in(page, "admin", ADMIN_PASSWORD)
    expect(page.locator("#user-area [data-user-role]")).to_have_text("管理员")
    open_menu_item(page, "[data-menu=admin]")
    expect(page.locator("#admin [data-users]")).to_contain_text(officer["display_name"])
    page.click("#admin [data-admin-tab=keys]")
    page.fill("#a-name", "省政务云 GIS")
    page.check("#admin input[name=collections][value=clusters]")
    page.select_option("#admin [data-region-select=key]", NANCHANG_CITY)
    page.click("#admin [data-region-add=key]")
    page.fill("#a-expires_at", "2099-12-31")
    page.click("#admin form[data-create=key] button[type=submit]")

    secret = page.locator("#admin [data-secret]")
    expect(secret).to_be_visible()
    key = secret.input_value()
    row = page.locator("#admin tr[data-key='省政务云 GIS']")
    expect(row).to_contain_text("南昌市")
    expect(row).to_contain_text("园区、载体、产业集群")
    assert key.split("_")[1] == row.locator("code").inner_text().rstrip("…")  # imk_<prefix>_<secret>
    shots(page, "admin-key-created")
    headers = {"Authorization": f"Bearer {key}"}
    assert httpx.get(f"{live_server}/api/v1/clusters?limit=1", headers=headers).status_code == 200

    # Shown once: after leaving the tab the secret is nowhere on the page.
    page.click("#admin [data-admin-tab=users]")
    page.click("#admin [data-admin-tab=keys]")
    expect(row).to_be_visible()
    expect(page.locator("#admin [data-secret]")).to_have_count(0)
    assert key not in page.content()

    row.locator("[data-revoke]").click()
    expect(row.locator("[data-revoke]")).to_have_text("确认吊销？")
    with page.expect_response(lambda r: r.request.method == "DELETE") as revoked:
        row.locator("[data-revoke]").click()  # the second click confirms
    assert revoked.value.status == 200, (revoked.value.status, user.problems)
    expect(row).to_contain_text("已吊销")
    assert httpx.get(f"{live_server}/api/v1/clusters?limit=1", headers=headers).status_code == 401

    page.click("#admin [data-admin-tab=audit]")
    expect(page.locator("#admin [data-audit-table] tbody tr").first).to_contain_text("api_keys")
    user.assert_clean()


def test_admin_creates_an_officer_who_can_then_sign_in(new_page: Callable[..., UserPage], admin: dict[str, str]) -> None:
    user = new_page()
    page = user.open()
    sign_in(page, "admin", ADMIN_PASSWORD)
    open_menu_item(page, "[data-menu=admin]")
    password = create_officer_on_admin_page(page, "li_ji", "李专员", "360121")
    assert len(password) >= 10
    expect(page.locator("#admin tr[data-user=li_ji]")).to_contain_text("南昌县")
    page.click("#admin [data-admin-close]")
    open_menu_item(page, "[data-logout]")
    submit_login(page, "li_ji", password)
    # A one-time password: the user chooses their own first (tests/browser/test_f14_password.py).
    choose_password(page, "li ji's own passphrase")
    expect(page.locator("#password-dialog")).to_be_hidden(timeout=30_000)  # Argon2 twice: slow when the machine is busy
    expect(page.locator("#user-area [data-user-name]")).to_have_text("李专员")
    user.assert_clean()


def test_the_editor_works_on_a_phone(
    new_page: Callable[..., UserPage], officer: dict[str, str], records: dict[str, int], shots: Callable[[Page, str], None]
) -> None:
    user = new_page(viewport=PHONE, has_touch=True)
    page = editing(user, officer, f"?open=carrier:{records['plot']}")
    editor = page.locator("#editor").bounding_box()
    assert editor is not None and editor["width"] == PHONE["width"]
    assert editor["y"] > PHONE["height"] * 0.35  # the map above it stays usable for drawing
    expect(page.locator("#editor [data-save]")).to_be_in_viewport()
    vertices = page.locator(".leaflet-editing-pane .edit-vertex")
    expect(vertices).to_have_count(4)
    page.wait_for_timeout(400)  # the map's zoom animation
    # The parcel is brought into the part of the map above the editor, where it can be edited.
    for i in range(4):
        box = vertices.nth(i).bounding_box()
        assert box is not None and 60 < box["y"] and box["y"] + box["height"] < editor["y"], (i, box, editor)
    shots(page, "phone-editor")
    user.assert_clean()


def test_a_parks_policies_are_added_checked_removed_and_saved_in_its_form(
    new_page: Callable[..., UserPage],
    client: TestClient,
    admin: dict[str, str],
    officer: dict[str, str],
    records: dict[str, int],
    shots: Callable[[Page, str], None],
) -> None:
    user = new_page()
    page = editing(user, officer, f"?open=park:{records['park']}")
    form = page.locator("#editor form")
    rows = form.locator("[data-policy]")
    expect(rows).to_have_count(0)
    page.click("#editor [data-policy-add]")
    page.click("#editor [data-policy-add]")
    expect(rows).to_have_count(2)
    expect(form.locator("[name='policies.1.title']")).to_be_focused()
    for name, value in (("title", "招商引资若干措施"), ("issuer", "南昌县人民政府"), ("issued_on", "2025-03-01")):
        form.locator(f"[name='policies.0.{name}']").fill(value)
    form.locator("[name='policies.0.url']").fill("javascript:alert(1)")
    form.locator("[name='policies.1.title']").fill("待删除的政策")
    page.click("#editor [data-save]")

    # The server's problems land under the field of their row, nowhere else.
    def error(field: str) -> Any:
        return form.locator(f".field[data-field='{field}'] > .field-error")

    expect(error("policies.0.url")).to_be_visible()
    expect(error("policies.1.issuer")).to_be_visible()
    assert form.locator(".field-error:visible").count() == 2
    form.locator("[data-policy='1']").scroll_into_view_if_needed()
    shots(page, "staff-policies-errors")

    page.click("#editor [data-policy-remove='1']")
    expect(rows).to_have_count(1)
    expect(form.locator("[name='policies.0.title']")).to_have_value("招商引资若干措施")  # what was typed stays
    form.locator("[name='policies.0.url']").fill("https://www.example.gov.cn/p")
    form.locator("[name='policies.0.summary']").fill("设备投资补助 10%")
    page.click("#editor [data-save]")
    expect(page.locator("#editor")).to_be_hidden()
    stored = {
        "title": "招商引资若干措施",
        "issuer": "南昌县人民政府",
        "issued_on": "2025-03-01",
        "summary": "设备投资补助 10%",
        "url": "https://www.example.gov.cn/p",
    }
    assert api_get(client, f"/api/v1/parks/{records['park']}", admin)["policies"] == [stored]

    # Read back into the form as stored: saving it unchanged sends nothing.
    page.click("#detail [data-staff=edit]")
    expect(form.locator("[name='policies.0.issued_on']")).to_have_value("2025-03-01")
    page.click("#editor [data-save]")
    expect(page.locator("#editor .form-message")).to_contain_text("没有修改")
    assert without(user.problems, rf"HTTP 422: .*/api/v1/parks/{records['park']}$", "console: .* 422 ") == []
