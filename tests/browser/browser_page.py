"""What the browser tests share: the browser, viewports, a stub tile, and a page that records problems."""

import base64
from dataclasses import dataclass, field

from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
# A 1x1 grey PNG: what a stubbed basemap tile answers.
TILE_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII=")


@dataclass
class UserPage:
    page: Page
    base: str
    problems: list[str] = field(default_factory=list)

    def open(self, query: str = "") -> Page:
        self.page.goto(f"{self.base}/{query}")
        self.page.wait_for_selector("body[data-parks-drawn]", timeout=15_000)
        return self.page

    def assert_clean(self) -> None:
        assert self.problems == [], "the page reported problems:\n" + "\n".join(self.problems)
