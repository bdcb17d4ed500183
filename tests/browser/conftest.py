"""Headless Chromium (Debian's, never a downloaded one) driving the real page.

Every page records what a user would call broken: console errors, uncaught exceptions,
failed requests and 4xx/5xx answers. A test ends by asserting that list is empty. The
network outside the machine is cut: any request to another host fails the test, except
basemap tiles a test stubs on purpose.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, Route, sync_playwright

from tests.browser.browser_page import CHROMIUM, DESKTOP, TILE_PNG, UserPage


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield b
        b.close()


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[Callable[..., UserPage]]:
    contexts = []

    def make(viewport: dict[str, int] = DESKTOP, stub_tiles: str | None = None, **options: object) -> UserPage:
        context = browser.new_context(viewport=viewport, **{"locale": "zh-CN", **options})  # type: ignore[arg-type]
        contexts.append(context)
        page = context.new_page()
        user = UserPage(page, live_server)

        def route(r: Route) -> None:
            url = r.request.url
            if url.startswith(live_server):
                r.continue_()
            elif stub_tiles and stub_tiles in url:
                r.fulfill(status=200, content_type="image/png", body=TILE_PNG)
            else:
                user.problems.append(f"request outside the service: {url}")
                r.abort()

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                user.problems.append(f"console: {message.text}")

        def failed(request: Request) -> None:
            # ERR_ABORTED is the page cancelling a request a newer one replaced: that is by design.
            if request.failure != "net::ERR_ABORTED":
                user.problems.append(f"failed: {request.url} {request.failure}")

        def answered(response: Response) -> None:
            if response.status >= 400:
                user.problems.append(f"HTTP {response.status}: {response.url}")

        page.route("**/*", route)
        page.on("console", console)
        page.on("pageerror", lambda e: user.problems.append(f"page error: {e}"))
        page.on("requestfailed", failed)
        page.on("response", answered)
        return user

    yield make
    for c in contexts:
        c.close()


@pytest.fixture
def shots(artifacts: Path) -> Callable[[Page, str], None]:
    """Save a screenshot of a main state to test-artifacts/ (not committed) for people to look at."""

    def save(page: Page, name: str) -> None:
        page.screenshot(path=str(artifacts / f"browser-{name}.png"))

    return save
