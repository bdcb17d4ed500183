"""The officer's story from target to project in headless Chromium (sign with the signing data,
the project in the project list, its first monthly report) and the leader's dashboard, on a
desktop and on a phone."""

import io
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import openpyxl
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, text

from tests.browser.browser_page import PHONE, UserPage
from tests.browser.test_chain_views import (  # noqa: F401 - fixtures
    PASSWORD,
    choose_area,
    get,
    linked_outside_enterprise,
    open_workbench,
    staff_api,
    staff_page,
)
from tests.support.chains import new_uscc
from tests.support.principals import create_user

OWNER = "浏览器签约组"


@pytest.fixture(scope="module")
def officer(live_server: str) -> str:
    """The province's officer of these tests (staff_api and staff_page sign in as `officer`)."""
    create_user("projects-ui-officer", "officer", ["360000"], PASSWORD)
    return "projects-ui-officer"


@pytest.fixture
def negotiating(staff_api: httpx.Client, engine: Engine) -> Iterator[dict[str, Any]]:  # noqa: F811
    """A target at 洽谈 with an intended park in its area; it and its project removed afterwards."""
    enterprise = linked_outside_enterprise(staff_api)
    park = get(staff_api, "/parks", region="360100", limit=1)["items"][0]
    r = staff_api.post(
        "/targets",
        json={
            "enterprise_id": enterprise["id"],
            "link_id": enterprise["link_ids"][0],
            "region_adcode": "360100",
            "intended_park_id": park["id"],
            "owner": OWNER,
            "source": "browser test",
        },
    )
    assert r.status_code == 201, r.text
    target = r.json()
    for to in ("contacted", "visit", "negotiating"):
        staff_api.post(f"/targets/{target['id']}/transitions", json={"to": to}).raise_for_status()
    yield target
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM projects WHERE target_id = :t"), {"t": target["id"]})
        conn.execute(text("DELETE FROM targets WHERE id = :t"), {"t": target["id"]})


@pytest.mark.parametrize(("viewport", "lang"), [(None, "zh"), (PHONE, "en")], ids=["desktop-zh", "phone-en"])
def test_sign_a_target_and_file_the_first_report(
    staff_page: Callable[..., UserPage],  # noqa: F811
    staff_api: httpx.Client,  # noqa: F811
    negotiating: dict[str, Any],
    shots: Callable[[Page, str], None],
    viewport: dict[str, int] | None,
    lang: str,
) -> None:
    user = staff_page(**({"viewport": viewport} if viewport else {}))
    page = user.open(f"?lang={lang}")
    open_workbench(page, "targets")
    page.locator("[data-filter=owner]").fill(OWNER)
    page.locator("[data-filter=owner]").press("Enter")
    row = page.locator(f"tr[data-target-id='{negotiating['id']}']")
    # The target's own view: its stage history, and a visit recorded with its attachments' names.
    row.locator("[data-open-target]").click()
    view = page.locator("dialog.tv-dialog")
    expect(view.locator("[data-tv-history] li")).to_have_count(4)
    view.locator("select[name=kind]").select_option("visit")
    view.locator("textarea[name=summary]").fill("拜访总部，介绍园区用地条件")
    view.locator("input[name=attachments]").fill("拜访纪要.docx，园区推介.pdf")
    view.locator("button[type=submit]").click()
    expect(view.locator("[data-tv-activities] li")).to_have_count(1)
    shots(page, f"projects-target-view-{lang}")
    view.locator("[data-tv-close]").click()
    log = get(staff_api, f"/targets/{negotiating['id']}/activities")
    assert [(a["kind"], a["summary"], a["attachments"]) for a in log] == [
        ("visit", "拜访总部，介绍园区用地条件", ["拜访纪要.docx", "园区推介.pdf"])
    ]
    row.locator("select[data-stage-for]").select_option("signed")
    dialog = page.locator("dialog.wb-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("select[name=park_id]")).to_have_value(str(negotiating["intended_park_id"]))
    dialog.locator("input[name=name]").fill("浏览器测试签约项目")
    dialog.locator("input[name=investment_wan]").fill("26000")
    shots(page, f"projects-signing-dialog-{lang}")
    dialog.locator("[data-ok]").click()
    expect(page.locator("[data-tt-message]")).to_contain_text("浏览器测试签约项目")
    signed = get(staff_api, f"/targets/{negotiating['id']}")
    assert signed["stage"] == "signed"
    projects = get(staff_api, "/projects", q="浏览器测试签约项目")["items"]
    assert [(p["target_id"], p["investment_wan"], p["park_id"]) for p in projects] == [
        (negotiating["id"], 26000, negotiating["intended_park_id"])
    ]

    page.locator("[data-wb-tab=projects]").click()
    project_row = page.locator(f"tr[data-project-id='{projects[0]['id']}']")
    expect(project_row).to_contain_text("浏览器测试签约项目")
    project_row.locator("[data-report-for]").click()
    dialog = page.locator("dialog.wb-dialog")
    month = projects[0]["signed_on"][:7]
    dialog.locator("input[name=month]").fill(month)
    dialog.locator("input[name=investment_month_wan]").fill("1200")
    dialog.locator("input[name=investment_total_wan]").fill("1200")
    dialog.locator("textarea[name=problems]").fill("施工用电待协调")
    dialog.locator("[data-ok]").click()
    expect(page.locator("[data-pt-message].is-ok")).to_contain_text(month)
    reports = get(staff_api, f"/projects/{projects[0]['id']}/reports")
    assert [(r["month"][:7], r["investment_total_wan"], r["problems"]) for r in reports] == [(month, 1200, "施工用电待协调")]
    # The same month again, while it is open: the report is changed, its first version kept.
    project_row.locator("[data-report-for]").click()
    dialog = page.locator("dialog.wb-dialog")
    expect(dialog).to_contain_text(month)
    dialog.locator("input[name=month]").fill(month)
    dialog.locator("input[name=investment_month_wan]").fill("1500")
    dialog.locator("input[name=investment_total_wan]").fill("1500")
    dialog.locator("[data-ok]").click()
    expect(page.locator("[data-pt-message].is-ok")).to_contain_text("已修改" if lang == "zh" else "changed")
    (report,) = get(staff_api, f"/projects/{projects[0]['id']}/reports")
    assert (report["investment_total_wan"], report["version"]) == (1500, 2)
    assert [v["content"]["investment_total_wan"] for v in report["earlier"]] == [1200]
    user.assert_clean()


@pytest.fixture(scope="module")
def cluster_target(engine: Engine) -> Iterator[int]:
    """A target of twice its latest revenue by 2028 for a cluster with a sourced revenue figure."""
    with engine.begin() as conn:
        cluster, value = conn.execute(
            text("SELECT cluster_id, value FROM cluster_figures WHERE metric = 'revenue_yi' ORDER BY year DESC LIMIT 1")
        ).one()
        before = conn.execute(text("SELECT target_revenue_yi, target_year FROM clusters WHERE id = :c"), {"c": cluster}).one()
        conn.execute(
            text("UPDATE clusters SET target_revenue_yi = :t, target_year = 2028 WHERE id = :c"), {"t": 2 * value, "c": cluster}
        )
    yield cluster
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE clusters SET target_revenue_yi = :t, target_year = :y WHERE id = :c"),
            {"t": before[0], "y": before[1], "c": cluster},
        )


@pytest.fixture(scope="module")
def unreported(staff_api: httpx.Client, engine: Engine) -> Iterator[int]:  # noqa: F811
    """A project signed long ago that never reported: red, on the escalation list."""
    enterprise = get(staff_api, "/enterprises", is_local="false", limit=1)["items"][0]
    park = get(staff_api, "/parks", region="360100", limit=1)["items"][0]
    body = {
        "name": "浏览器测试未报项目",
        "enterprise_id": enterprise["id"],
        "park_id": park["id"],
        "investment_wan": 5000,
        "signed_on": "2025-01-10",
        "leader": "王副市长",
        "source": "browser test",
    }
    r = staff_api.post("/projects", json=body)
    assert r.status_code == 201, r.text
    yield r.json()["id"]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM projects WHERE id = :p"), {"p": r.json()["id"]})


@pytest.mark.parametrize(("viewport", "lang"), [(None, "zh"), (PHONE, "en")], ids=["desktop-zh", "phone-en"])
def test_the_leaders_dashboard(
    staff_page: Callable[..., UserPage],  # noqa: F811
    staff_api: httpx.Client,  # noqa: F811
    cluster_target: int,
    unreported: int,
    shots: Callable[[Page, str], None],
    viewport: dict[str, int] | None,
    lang: str,
) -> None:
    """The goals, every cluster (未填报 where no source gives a figure), the charts drawn from the
    same numbers, the escalation list, and a table downloaded as XLSX."""
    user = staff_page(**({"viewport": viewport} if viewport else {}))
    page = user.open(f"?lang={lang}")
    page.locator("#workbench-btn").click()
    page.locator("[data-wb-tab=dashboard]").click()
    page.wait_for_selector("[data-dashboard]")
    board = get(staff_api, "/dashboard")
    expect(page.locator("[data-goal]")).to_have_count(6)
    revenue = page.locator("[data-goal=revenue_total_yi]")
    expect(revenue).to_contain_text("全省集群营业收入" if lang == "zh" else "revenue of all clusters")
    expect(revenue).to_contain_text("50,000")
    expect(page.locator("[data-dash-clusters] tbody tr")).to_have_count(len(board["clusters"]))
    missing = [c for c in board["clusters"] if c["revenue"] is None]
    for c in missing[:3]:
        expect(page.locator(f"tr[data-cluster-id='{c['id']}']")).to_contain_text("未填报" if lang == "zh" else "not reported")
    expect(page.locator("[data-dash-behind] tbody tr")).to_have_count(len(board["behind"]))
    escalated = page.locator(f"tr[data-behind-id='{unreported}']")
    expect(escalated).to_contain_text("王副市长")
    expect(escalated).to_contain_text("上月未填报调度" if lang == "zh" else "no report for last month")
    # A cluster against its own target: 未填报 where no target (or no figure) is recorded.
    without = [c for c in board["clusters"] if c["path"] is None]
    expect(page.locator("[data-path] .missing")).to_have_count(len(without))
    path = next(c["path"] for c in board["clusters"] if c["id"] == cluster_target)
    needed = f"{100 * path['growth_needed']:.1f}%"
    expect(page.locator(f"tr[data-cluster-id='{cluster_target}'] [data-path]")).to_contain_text(needed)
    # The charts: SVG drawn by the bundled ECharts, one category per cluster, legend in the page's language.
    chart = page.locator("[data-chart=revenue] svg")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("营业收入" if lang == "zh" else "Revenue")
    expect(page.locator("[data-chart=status] svg")).to_contain_text("严重滞后" if lang == "zh" else "Seriously behind")
    with page.expect_download() as download:
        page.locator("[data-dash-export=clusters] [data-export-format=xlsx]").click()
    content = download.value.path().read_bytes()
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [c["name"] for c in board["clusters"]]
    shots(page, f"projects-dashboard-{'phone' if viewport else 'desktop'}-{lang}")
    user.assert_clean()


def test_candidates_for_a_gap_become_targets(
    staff_page: Callable[..., UserPage],  # noqa: F811
    staff_api: httpx.Client,  # noqa: F811
    engine: Engine,
    shots: Callable[[Page, str], None],
) -> None:
    user = staff_page()
    page = user.open()
    open_workbench(page)
    chain = get(staff_api, "/chains", limit=1)["items"][0]
    choose_area(page, "city", "360700", "赣州市")
    # The first link with an enterprise from outside the province not yet on 赣州's list.
    link, found, fresh = next(
        (link, found, fresh[0])
        for link in chain["links"]
        for found in [get(staff_api, "/targets/candidates", link=link["id"], region="360700")]
        for fresh in [[c for c in found if c["target_id"] is None and not c["is_local"]]]
        if fresh
    )
    page.locator(f".link-box[data-link-id='{link['id']}']").click()
    page.locator("[data-show-candidates]").click()
    listed = page.locator("[data-candidates] [data-candidate-id]")
    expect(listed).to_have_count(len(found))
    assert listed.evaluate_all("els => els.map(e => +e.dataset.candidateId)") == [c["id"] for c in found]
    button = page.locator(f"[data-add-candidate='{fresh['id']}']")
    button.click()
    expect(button).to_be_disabled()
    shots(page, "projects-candidates")
    made = get(staff_api, "/targets", link=link["id"], region="360700", limit=1000)["items"]
    mine = [t for t in made if t["enterprise_id"] == fresh["id"] and t["region_adcode"] == "360700"]
    assert len(mine) == 1
    # An enterprise not yet known: a name like a recorded one shows that one first; a new one is
    # recorded (outside the province, on the link) and added.
    form = page.locator("[data-new-enterprise]")
    form.locator("summary").click()
    form.locator("input[name=name]").fill(fresh["name"])
    form.locator("input[name=uscc]").fill(new_uscc())
    form.locator("input[name=lng]").fill("114.06")
    form.locator("input[name=lat]").fill("22.54")
    form.locator("[data-ne-submit]").click()
    expect(form.locator(f"[data-duplicate-id='{fresh['id']}']")).to_be_visible()
    form.locator("input[name=name]").fill("浏览器测试新录入企业")
    good = new_uscc("440300")
    form.locator("input[name=uscc]").fill(good[:17] + ("1" if good[17] != "1" else "2"))  # wrong check character
    form.locator("[data-ne-submit]").click()
    expect(form.locator("[data-ne-error]")).to_contain_text("校验")
    expect(form.locator("input[name=name]")).to_have_value("浏览器测试新录入企业")  # what was typed is kept
    # That refusal is the one problem the page reports (the 422 and its console line).
    refused = [p for p in user.problems if "422" in p]
    assert len(refused) == 2 and "/enterprises/duplicates" in refused[0]
    user.problems[:] = [p for p in user.problems if p not in refused]
    form.locator("input[name=uscc]").fill(good)
    form.locator("[data-ne-submit]").click()
    expect(page.locator("[data-cand-message]")).to_contain_text("浏览器测试新录入企业")
    made = get(staff_api, "/targets", link=link["id"], region="360700", limit=1000)["items"]
    recorded = [t for t in made if t["enterprise_name"] == "浏览器测试新录入企业"]
    assert len(recorded) == 1
    enterprise = get(staff_api, f"/enterprises/{recorded[0]['enterprise_id']}")
    assert (enterprise["is_local"], enterprise["link_ids"], enterprise["location"]["coordinates"]) == (
        False,
        [link["id"]],
        [114.06, 22.54],
    )
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM targets WHERE id = ANY(:t)"), {"t": [mine[0]["id"], recorded[0]["id"]]})
        conn.execute(text("DELETE FROM enterprises WHERE id = :e"), {"e": enterprise["id"]})
    user.assert_clean()
