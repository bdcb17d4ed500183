"""The enterprise drawer and a project's report versions, as a city officer sees them in one page:
a candidate's profile with its headquarters on the map, added as a target of the officer's own
city (and the same again refused as the API words it), a local enterprise that is no target, and
the monthly reports of a project with the version its correction replaced."""

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, text

from tests.browser.browser_page import UserPage
from tests.browser.test_chain_views import (  # noqa: F401 - fixtures
    PASSWORD,
    choose_area,
    get,
    open_workbench,
    staff_api,
    staff_page,
)
from tests.support.principals import create_user

CITY = "360100"
PROJECT = "浏览器测试档案项目"


@pytest.fixture(scope="module")
def officer(live_server: str) -> str:
    """An officer of 南昌市 only: the drawer's area is that city."""
    create_user("drawer-ui-officer", "officer", [CITY], PASSWORD)
    return "drawer-ui-officer"


@pytest.fixture(scope="module")
def candidate(staff_api: httpx.Client, engine: Engine) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:  # noqa: F811
    """The first link of the first chain with local enterprises in 南昌 and an enterprise from
    outside the province not yet on 南昌's list, and that enterprise; its targets removed afterwards."""
    chain = get(staff_api, "/chains", limit=1)["items"][0]

    def fresh(link: dict[str, Any]) -> list[dict[str, Any]]:
        found = get(staff_api, "/targets/candidates", link=link["id"], region=CITY)
        return [c for c in found if c["target_id"] is None and not c["is_local"]]

    def has_local(link: dict[str, Any]) -> bool:
        return bool(get(staff_api, "/enterprises", link=link["id"], region=CITY, is_local="true", limit=1)["items"])

    link, chosen = next((link, found[0]) for link in chain["links"] if has_local(link) for found in [fresh(link)] if found)
    yield link, chosen
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM targets WHERE enterprise_id = :e AND region_adcode = :r"), {"e": chosen["id"], "r": CITY})


@pytest.fixture(scope="module")
def corrected(staff_api: httpx.Client, engine: Engine) -> Iterator[dict[str, Any]]:  # noqa: F811
    """A project signed today with this month's report filed and then changed (version 2)."""
    enterprise = get(staff_api, "/enterprises", is_local="false", limit=1)["items"][0]
    park = get(staff_api, "/parks", region=CITY, limit=1)["items"][0]
    body = {"name": PROJECT, "enterprise_id": enterprise["id"], "park_id": park["id"], "investment_wan": 8000,
            "signed_on": date.today().isoformat(), "source": "browser test"}  # fmt: skip
    r = staff_api.post("/projects", json=body)
    assert r.status_code == 201, r.text
    project = r.json()
    month = date.today().isoformat()[:7]
    first = {"investment_month_wan": 300, "investment_total_wan": 300, "progress": "场地平整"}
    staff_api.post(f"/projects/{project['id']}/reports", json={"month": month, **first}).raise_for_status()
    second = {"investment_month_wan": 450, "investment_total_wan": 450, "progress": "场地平整完成", "reason": "补录设备款"}
    staff_api.put(f"/projects/{project['id']}/reports/{month}", json=second).raise_for_status()
    yield project
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM projects WHERE id = :p"), {"p": project["id"]})


def degrees(value: float) -> str:
    """As the page writes a coordinate: at most 4 decimals, no trailing zeros."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def test_the_drawer_adds_a_target_and_the_versions_show(
    staff_page: Callable[..., UserPage],  # noqa: F811
    staff_api: httpx.Client,  # noqa: F811
    live_server: str,
    candidate: tuple[dict[str, Any], dict[str, Any]],
    corrected: dict[str, Any],
    shots: Callable[[Page, str], None],
) -> None:
    link, fresh = candidate
    enterprise = get(staff_api, f"/enterprises/{fresh['id']}")
    # The public never reads an enterprise from outside the province, drawer or not.
    assert httpx.get(f"{live_server}/api/v1/enterprises/{fresh['id']}").status_code == 404
    user = staff_page()
    page = user.open()
    open_workbench(page)
    choose_area(page, "city", CITY, "南昌市")
    page.locator(f".link-box[data-link-id='{link['id']}']").click()
    page.locator("[data-show-candidates]").click()
    page.locator(f"[data-candidates] [data-open-enterprise='{fresh['id']}']").click()

    drawer = page.locator(f"dialog[data-enterprise-drawer='{fresh['id']}']")
    expect(drawer.locator("h3")).to_have_text(enterprise["name"])
    expect(drawer.locator("[data-ed-uscc]")).to_have_text(enterprise["uscc"])
    expect(drawer.locator(".ed-links li")).to_have_text([f"{x['chain_name']} / {x['name']}" for x in enterprise["links"]])
    lng, lat = enterprise["location"]["coordinates"]
    expect(drawer.locator("[data-ed-hq]")).to_have_text(f"{degrees(lng)}, {degrees(lat)}")
    expect(page.locator("[data-ed-marker]")).to_have_count(1)
    # The area is the officer's city, the parks offered are those in it.
    form = drawer.locator("[data-ed-form]")
    assert form.locator("select[name=region_adcode] option").evaluate_all("els => els.map(e => e.value)") == [CITY]
    parks = get(staff_api, "/parks", region=CITY, limit=1000)["items"]
    expect(form.locator("select[name=intended_park_id] option")).to_have_count(len(parks) + 1)
    form.locator("select[name=link_id]").select_option(str(link["id"]))
    form.locator("select[name=intended_park_id]").select_option(str(parks[0]["id"]))
    form.locator("input[name=owner]").fill("档案测试组")
    form.locator("[data-ed-add]").click()
    expect(form.locator("[data-ed-message].is-ok")).to_contain_text(enterprise["name"])
    shots(page, "enterprise-drawer-added")
    made = get(staff_api, "/targets", link=link["id"], region=CITY, q=enterprise["name"], limit=100)["items"]
    assert [(x["enterprise_id"], x["intended_park_id"], x["owner"], x["stage"]) for x in made] == [
        (fresh["id"], parks[0]["id"], "档案测试组", "lead")
    ]
    # The same again: the API's refusal, as it words it.
    form.locator("[data-ed-add]").click()
    expect(form.locator("[data-ed-message].is-error")).to_contain_text(f"目标 {made[0]['id']}")
    assert user.problems == [
        f"HTTP 409: {live_server}/api/v1/targets",
        "console: Failed to load resource: the server responded with a status of 409 (Conflict)",
    ]
    user.problems.clear()
    drawer.locator("[data-ed-close]").click()
    expect(page.locator("[data-ed-marker]")).to_have_count(0)
    # The candidates under the drawer know it too.
    expect(page.locator(f"[data-add-candidate='{fresh['id']}']")).to_be_disabled()
    page.locator("[data-candidates] [data-close]").click()

    # A local enterprise of the link: its profile, and no target form.
    page.locator("[data-enterprises] [data-open-enterprise]").first.click()
    expect(page.locator("dialog[data-enterprise-drawer] [data-ed-local]")).to_be_visible()
    expect(page.locator("dialog[data-enterprise-drawer] [data-ed-form]")).to_have_count(0)
    page.locator("dialog[data-enterprise-drawer] [data-ed-close]").click()

    # The project's reports: this month as it stands (version 2) and the version it replaced.
    page.locator("[data-wb-tab=projects]").click()
    page.locator("[data-pfilter=q]").fill(PROJECT)
    page.locator("[data-pfilter=q]").press("Enter")
    page.locator(f"tr[data-project-id='{corrected['id']}'] [data-history-for]").click()
    history = page.locator(f"[data-report-history='{corrected['id']}']")
    month = history.locator(f"[data-rh-month='{date.today().isoformat()[:7]}']")
    expect(month.locator("h4")).to_contain_text("第 2 版")
    expect(month.locator("[data-rh-corrected]")).to_contain_text("补录设备款")
    expect(month.locator(".rh-values [data-rh-value=investment_total_wan]").first).to_have_text("450")
    earlier = month.locator("[data-rh-version='1']")
    expect(earlier).to_contain_text("drawer-ui-officer")
    expect(earlier.locator("[data-rh-value=investment_total_wan]")).to_have_text("300")
    expect(earlier.locator("[data-rh-value=progress]")).to_have_text("场地平整")
    shots(page, "project-report-versions")
    user.assert_clean()
