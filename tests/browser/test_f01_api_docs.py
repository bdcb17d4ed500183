"""Issue 9, finding 1 (and issue 13's offline intranet): the API documentation pages work under
the Content-Security-Policy with the network cut: Swagger UI at /docs and ReDoc at /redoc load
only the service's own files and list the operations of /openapi.json."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.browser.browser_page import UserPage

REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def _operations(client: TestClient) -> set[str]:
    spec = client.get("/openapi.json").json()
    return {op["operationId"] for item in spec["paths"].values() for op in item.values()}


def test_swagger_ui_lists_the_operations_offline(new_page: Callable[..., UserPage], client: TestClient) -> None:
    user = new_page()
    page = user.page
    page.goto(f"{user.base}/docs")
    spec = client.get("/openapi.json").json()
    tags = {tag for item in spec["paths"].values() for op in item.values() for tag in op["tags"]}
    sections = page.locator(".opblock-tag-section")
    expect(sections).to_have_count(len(tags), timeout=20_000)  # folded: one heading per tag
    shown: set[str] = set()
    for i in range(len(tags)):  # each tag opened in turn lists its operations, then folds again
        section = sections.nth(i)
        section.locator(".opblock-tag").click()
        expect(section.locator(".opblock").first).to_be_visible()
        ids = section.locator(".opblock").evaluate_all("els => els.map(e => e.id)")
        shown |= {_operation_of(element_id) for element_id in ids}
        section.locator(".opblock-tag").click()
    assert shown == _operations(client)
    page.locator("input.operation-filter-input").fill("inquiries 投资意向")  # the filter finds a tag
    expect(sections).to_have_count(1)
    sections.first.locator(".opblock-tag").click()
    sections.first.locator(".opblock-summary").first.click()  # an operation opens (the UI runs, not just its first paint)
    expect(page.locator(".opblock-body").first).to_be_visible()
    user.assert_clean()


def _operation_of(element_id: str) -> str:
    """The operationId in Swagger UI's element id `operations-<tag>-<operationId>`: what follows the
    last '-' (a tag may hold one, FastAPI's operationIds do not)."""
    return element_id.rsplit("-", 1)[-1]


def test_redoc_lists_the_operations_offline(new_page: Callable[..., UserPage], client: TestClient) -> None:
    user = new_page()
    user.page.goto(f"{user.base}/redoc")
    sections = user.page.locator("[data-section-id^='operation/']")
    # ReDoc lays out ~300 kB of OpenAPI in the browser: seconds on a quiet machine, far more on a loaded one.
    expect(sections.first).to_be_attached(timeout=60_000)
    # An operation with two tags is listed under each: compare the operations, not the sections.
    shown = sections.evaluate_all("els => els.map(e => e.dataset.sectionId.split('/').pop())")
    assert set(shown) == _operations(client)
    # ReDoc's footer asks for its logo on a CDN: the policy blocks it inside the browser (it never
    # reaches the network, where the test's router would see it), and ReDoc drops the image.
    blocked = sorted(p for p in user.problems if REDOC_LOGO in p)
    assert len(blocked) == 2 and "Content Security Policy" in blocked[0] and blocked[1] == f"failed: {REDOC_LOGO} csp"
    user.problems[:] = [p for p in user.problems if REDOC_LOGO not in p]
    user.assert_clean()
