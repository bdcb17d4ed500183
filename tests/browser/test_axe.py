"""axe-core (the npm package, loaded into the page from node_modules, nothing downloaded) on the
map page with a park's drawer open, in Chinese and English, on a phone and a desktop, and on the
inquiry form and its receipt: no serious or critical violation (issue 13)."""

import json
from collections.abc import Callable
from typing import Any

import httpx
from playwright.sync_api import Page

from app.core.settings import PROJECT_ROOT
from tests.browser.browser_page import DESKTOP, PHONE, UserPage

AXE = PROJECT_ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def _axe(page: Page, within: str | None = None) -> list[dict[str, Any]]:
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE))
    context = json.dumps({"include": [[within]]}) if within else "document"
    result = page.evaluate(f"async () => (await window.axe.run({context}, {{resultTypes: ['violations']}})).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def test_the_map_page_and_the_inquiry_pass_axe(new_page: Callable[..., UserPage], live_server: str) -> None:
    park = httpx.get(f"{live_server}/api/v1/parks", params={"limit": 1}).json()["items"][0]
    for viewport, lang in ((DESKTOP, "en"), (PHONE, "zh")):
        # bypass_csp: the page's Content-Security-Policy would refuse the injected axe script.
        desk = new_page(viewport=viewport, bypass_csp=True)
        page = desk.open(f"?open=park:{park['id']}&lang={lang}")
        page.wait_for_selector("#detail [data-inquire]")
        assert _axe(page) == [], (viewport, lang)
    user = new_page(viewport=PHONE, has_touch=True, bypass_csp=True)
    page = user.open(f"?open=park:{park['id']}")
    page.locator("#detail [data-inquire]").click()
    page.wait_for_selector("#inquiry-dialog [data-consent-text]")
    assert _axe(page, "#inquiry-dialog") == []
    form = page.locator("#inquiry-dialog")
    form.locator("#inq-company").fill("无障碍测试企业")
    form.locator("#inq-contact_person").fill("赵先生")
    form.locator("#inq-email").fill("zhao@example.com")
    form.locator("input[name=consent]").check()
    form.locator("[data-inquiry-submit]").click()
    page.wait_for_selector("[data-inquiry-receipt]")
    assert _axe(page, "#inquiry-dialog") == []
    user.assert_clean()
