"""The officers' chain views in headless Chromium: the chain view (链图谱), the target list (目标清单),
the gap and target layers; and that the public gets none of them."""

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.browser.browser_page import PHONE, UserPage
from tests.support.principals import create_user

OFFICER, PASSWORD = "chains-ui-officer", "chains-ui-officer-password"
TEST_OWNER = "浏览器测试组"
BOXES_JS = (
    "els => els.map(e => ({id: +e.dataset.linkId, count: +e.querySelector('[data-count]').textContent, gap: e.dataset.gap}))"
)


@pytest.fixture(scope="module")
def officer(live_server: str) -> str:
    create_user(OFFICER, "officer", ["360000"], PASSWORD)
    return OFFICER


@pytest.fixture(scope="module")
def staff_api(live_server: str, officer: str) -> Iterator[httpx.Client]:
    """The API as the officer, apart from the browser: what the page shows is checked against it."""
    with httpx.Client(base_url=f"{live_server}/api/v1") as client:
        r = client.post("/auth/login", json={"username": officer, "password": PASSWORD})
        r.raise_for_status()
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        yield client


def get(client: httpx.Client, path: str, **params: Any) -> Any:
    r = client.get(path, params=params)
    r.raise_for_status()
    return r.json()


def linked_outside_enterprise(client: httpx.Client) -> dict[str, Any]:
    """An enterprise outside the area that still works in a chain link (other tests remove links)."""
    return next(e for e in get(client, "/enterprises", is_local="false", limit=100)["items"] if e["link_ids"])


@pytest.fixture
def staff_page(new_page: Callable[..., UserPage], live_server: str, officer: str) -> Callable[..., UserPage]:
    """A page of the signed-in officer: the login goes through the page's own cookie jar."""

    def make(**options: Any) -> UserPage:
        user = new_page(**options)
        r = user.page.request.post(f"{live_server}/api/v1/auth/login", data={"username": officer, "password": PASSWORD})
        assert r.ok, r.text()
        return user

    return make


def open_workbench(page: Page, tab: str = "chain") -> None:
    page.locator("#workbench-btn").click()
    if tab == "targets":
        page.locator("[data-wb-tab=targets]").click()
        page.wait_for_selector("[data-targets-table]")
    else:
        page.wait_for_selector("[data-flow]")


def choose_area(page: Page, kind: str, key: str, name: str) -> None:
    page.select_option("[data-pick=kind]", kind)
    page.select_option("[data-pick=area]", key)
    expect(page.locator("[data-area-name]")).to_have_text(name)


def link_boxes(page: Page) -> list[dict[str, Any]]:
    return page.locator(".link-box").evaluate_all(BOXES_JS)


def test_the_chain_view_shows_the_coverage_of_the_chosen_area(
    staff_page: Callable[..., UserPage], staff_api: httpx.Client, shots: Callable[[Page, str], None]
) -> None:
    chain = next(c for c in get(staff_api, "/chains", limit=100)["items"] if c["name"].startswith("稀土"))
    park = get(staff_api, "/parks", q="赣州经开区")["items"][0]
    user = staff_page()
    page = user.open()
    open_workbench(page)
    page.select_option("[data-pick=chain]", str(chain["id"]))
    for kind, key, params in (("city", "360700", {"region": "360700"}), ("park", str(park["id"]), {"park": park["id"]})):
        coverage = get(staff_api, f"/chains/{chain['id']}/coverage", **params)
        choose_area(page, kind, key, coverage["area"]["name"])
        expected = [{"id": link["id"], "count": link["enterprise_count"], "gap": link["gap_class"]} for link in coverage["links"]]
        assert link_boxes(page) == expected
        for gap_class, n in coverage["summary"].items():
            expect(page.locator(f"[data-summary={gap_class}] b")).to_have_text(str(n))
    # In the city every class occurs, so the colours and numbers above were really compared.
    city = get(staff_api, f"/chains/{chain['id']}/coverage", region="360700")
    assert all(city["summary"][c] > 0 for c in ("missing", "weak", "covered"))

    # A parent link (it counts its sub-links' enterprises too): the list and the map show exactly those.
    choose_area(page, "city", "360700", "赣州市")
    link = next(
        x
        for x in city["links"]
        if x["depth"] == 0 and x["enterprise_count"] > 0 and any(y["parent_id"] == x["id"] for y in city["links"])
    )
    page.locator(f".link-box[data-link-id='{link['id']}']").click()
    enterprises = get(staff_api, "/enterprises", link=link["id"], region="360700", is_local="true", limit=1000)["items"]
    assert len(enterprises) == link["enterprise_count"]
    listed = page.locator("[data-enterprises] [data-enterprise-id]")
    expect(listed).to_have_count(len(enterprises))
    ids = sorted(e["id"] for e in enterprises)
    assert sorted(listed.evaluate_all("els => els.map(e => +e.dataset.enterpriseId)")) == ids
    assert sorted(page.locator(".enterprise-dot").evaluate_all("els => els.map(e => +e.dataset.enterpriseId)")) == ids
    targets = get(staff_api, "/targets", link=link["id"], region="360700", count="true")
    expect(page.locator("[data-link-detail] h4").nth(1)).to_have_text(f"招商目标（{targets['count']}）")
    shots(page, "chains-desktop-link")
    user.assert_clean()


def gap_shapes(feature: dict[str, Any]) -> int:
    """How many shapes Leaflet draws for a gap's area: a point each, one (multi)polygon."""
    geometry = feature["geometry"]
    return len(geometry["coordinates"]) if geometry["type"] == "MultiPoint" else 1


def severity(missing: int) -> str:
    """The layer's colour class of an area by its number of missing links."""
    return "missing7" if missing >= 7 else "missing4" if missing >= 4 else "missing1" if missing else "weak"


def test_gap_and_target_layers_are_for_staff_only(
    new_page: Callable[..., UserPage],
    staff_page: Callable[..., UserPage],
    staff_api: httpx.Client,
    shots: Callable[[Page, str], None],
) -> None:
    wanted = "?layers=regions,parks,gaps,targets"
    anonymous = new_page()
    asked: list[str] = []
    anonymous.page.on("request", lambda r: asked.append(r.url))
    page = anonymous.open(wanted)
    expect(page.locator("input[data-layer=regions]")).to_be_visible()
    assert page.locator("input[data-layer=gaps], input[data-layer=targets]").count() == 0
    assert page.locator("#workbench-btn, #workbench, .gap-area, .target-dot").count() == 0
    assert not [u for u in asked if any(p in u for p in ("/gaps", "/targets", "/coverage", "/enterprises"))]
    shots(page, "chains-anonymous")
    anonymous.assert_clean()

    gaps = get(staff_api, "/gaps", f="geojson", limit=10_000)["features"]
    by_area: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for g in gaps:
        p = g["properties"]
        by_area.setdefault((p["area_kind"], str(p["region_adcode"] or p["park_id"] or p["cluster_id"])), []).append(g)
    shapes = dict.fromkeys(["missing7", "missing4", "missing1", "weak"], 0)
    for group in by_area.values():
        shapes[severity(sum(g["properties"]["gap_class"] == "missing" for g in group))] += gap_shapes(group[0])
    targets = get(staff_api, "/targets", f="geojson", limit=10_000)["features"]
    assert gaps and targets
    staff = staff_page()
    page = staff.open(wanted)
    expect(page.locator("input[data-layer=gaps]")).to_be_checked()
    expect(page.locator("input[data-layer=targets]")).to_be_checked()
    assert len([n for n in shapes.values() if n]) > 1  # the colours tell areas apart
    for cls, n in shapes.items():
        expect(page.locator(f"path.gap-area.gap-{cls}")).to_have_count(n)
    expect(page.locator("path.gap-area")).to_have_count(sum(shapes.values()))
    expect(page.locator(".target-dot[data-target-id]")).to_have_count(len(targets))
    expect(page.locator("path.target-line")).to_have_count(sum(1 for f in targets if f["properties"]["intended_park_location"]))
    # Turning the target layer on again zooms out beyond Jiangxi to every headquarters.
    page.locator("input[data-layer=targets]").uncheck()
    page.evaluate("() => { window.moved = new Promise((done) => window.investmap.map.once('moveend', done)); }")
    page.locator("input[data-layer=targets]").check()
    page.evaluate("() => window.moved.then(() => true)")
    assert page.evaluate("() => window.investmap.map.getZoom()") < 6
    west, south, east, north = (
        float(v) for v in page.evaluate("() => window.investmap.map.getBounds().toBBoxString()").split(",")
    )
    lons = [f["geometry"]["coordinates"][0] for f in targets]
    lats = [f["geometry"]["coordinates"][1] for f in targets]
    assert west <= min(lons) and max(lons) <= east and south <= min(lats) and max(lats) <= north
    shots(page, "chains-target-layer")

    # Signing out takes every part of it away again, without reloading the page.
    page.locator("[data-user-menu]").click()
    page.locator("[data-logout]").click()
    expect(page.locator("#workbench-btn")).to_have_count(0)
    expect(page.locator("input[data-layer=gaps], input[data-layer=targets]")).to_have_count(0)
    assert page.locator("#workbench, .gap-area, .target-dot, .target-line").count() == 0
    staff.assert_clean()


@pytest.fixture
def target_record(staff_api: httpx.Client) -> Iterator[dict[str, Any]]:
    """An overdue lead of the test's own owner, removed afterwards."""
    enterprise = linked_outside_enterprise(staff_api)
    r = staff_api.post(
        "/targets",
        json={
            "enterprise_id": enterprise["id"],
            "link_id": enterprise["link_ids"][0],
            "region_adcode": "360100",
            "priority": "high",
            "owner": TEST_OWNER,
            "next_action": "电话回访",
            "next_action_date": (date.today() - timedelta(days=3)).isoformat(),
            "source": "browser test",
        },
    )
    assert r.status_code == 201, r.text
    target = r.json()
    yield target
    current = staff_api.get(f"/targets/{target['id']}")
    staff_api.delete(f"/targets/{target['id']}", headers={"If-Match": current.headers["etag"]}).raise_for_status()


def test_the_target_list_moves_a_stage_and_shows_the_refusal(
    staff_page: Callable[..., UserPage],
    staff_api: httpx.Client,
    target_record: dict[str, Any],
    shots: Callable[[Page, str], None],
) -> None:
    user = staff_page()
    page = user.open()
    open_workbench(page, "targets")
    page.locator("[data-filter=owner]").fill(TEST_OWNER)
    page.locator("[data-filter=owner]").press("Enter")
    row = page.locator(f"tr[data-target-id='{target_record['id']}']")
    expect(page.locator("[data-targets-table] tbody tr")).to_have_count(1)
    expect(row).to_have_class(re.compile(r"\bis-overdue\b"))
    expect(row.locator("[data-next] .overdue-mark")).to_have_text("逾期")

    stage = row.locator("select[data-stage-for]")
    stage.select_option("contacted")
    expect(page.locator("[data-tt-message]")).to_contain_text("已变更为接洽")
    assert get(staff_api, f"/targets/{target_record['id']}")["stage"] == "contacted"

    stage.select_option("lead")  # backwards: the server refuses it
    refusal = staff_api.post(f"/targets/{target_record['id']}/transitions", json={"to": "lead"})
    assert refusal.status_code == 409
    expect(page.locator("[data-tt-message].is-error")).to_contain_text(refusal.json()["error"]["message_zh"])
    expect(stage).to_have_value("contacted")
    assert get(staff_api, f"/targets/{target_record['id']}")["stage"] == "contacted"
    shots(page, "chains-target-refused")
    # The refusal is the one answer the page got that was not a success, and the browser logs it.
    assert user.problems == [
        f"HTTP 409: {user.base}/api/v1/targets/{target_record['id']}/transitions",
        "console: Failed to load resource: the server responded with a status of 409 (Conflict)",
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_buttons_download_the_filtered_rows(
    staff_page: Callable[..., UserPage], staff_api: httpx.Client, shots: Callable[[Page, str], None], fmt: str
) -> None:
    user = staff_page()
    page = user.open()
    open_workbench(page, "targets")
    page.select_option("[data-filter=priority]", "high")
    page.locator("th button[data-sort=enterprise_name]").click()
    expected = get(staff_api, "/targets", priority="high", sort="enterprise_name", limit=1000, count="true")
    assert 0 < expected["count"] < get(staff_api, "/targets", count="true", limit=1)["count"]
    expect(page.locator("[data-targets-table] tbody tr")).to_have_count(expected["count"])
    with page.expect_download() as download:
        page.locator(f"[data-export={fmt}]").click()
    content = open(download.value.path(), "rb").read()
    if fmt == "xlsx":
        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    else:
        assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel and WPS need
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][0] == "目标企业"
    assert [r[0] for r in rows[1:]] == [t["enterprise_name"] for t in expected["items"]]
    assert {r[rows[0].index("优先级")] for r in rows[1:]} == {"高"}
    if fmt == "xlsx":
        shots(page, "chains-target-list")
    user.assert_clean()


def test_the_chain_view_works_on_a_phone(
    staff_page: Callable[..., UserPage], staff_api: httpx.Client, shots: Callable[[Page, str], None]
) -> None:
    user = staff_page(viewport=PHONE, has_touch=True)
    page = user.open()
    open_workbench(page)
    coverage = get(staff_api, f"/chains/{page.locator('[data-pick=chain]').input_value()}/coverage")
    assert link_boxes(page) == [{"id": x["id"], "count": x["enterprise_count"], "gap": x["gap_class"]} for x in coverage["links"]]
    sheet = page.locator("#workbench").bounding_box()
    assert sheet is not None and sheet["width"] == PHONE["width"] and PHONE["height"] * 0.3 < sheet["y"] < PHONE["height"] * 0.6
    # The columns stack: nothing is wider than the phone.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    columns = page.locator(".chain-flow-col").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)")
    assert max(columns) <= PHONE["width"]
    link = next(x for x in coverage["links"] if x["enterprise_count"] > 0)
    page.locator(f".link-box[data-link-id='{link['id']}']").click()
    expect(page.locator("[data-enterprises] [data-enterprise-id]")).to_have_count(link["enterprise_count"])
    expect(page.locator("[data-link-detail] h3")).to_be_in_viewport()
    shots(page, "chains-phone-link")
    user.assert_clean()
