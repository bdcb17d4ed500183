"""The PDF: the web edition printed by the headless Chromium the project installs, from a
temporary folder holding the page, its stylesheets and the font, so that nothing is fetched from
a network (host resolution is disabled too). Bounded in time and in size.

One Chromium per process (`Printer`), started at the first print and reused by every print
after it: starting a browser costs more than printing a brochure. Each print has a browser
context of its own (no state passes from one brochure to the next). A browser that died is
started again at the next print; the app closes its printer when it shuts down. Playwright's
async API runs on a thread of its own, whatever thread (request, booklet job) asks to print.
"""

import asyncio
import logging
import tempfile
import threading
from collections.abc import Coroutine
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, TypeVar

from playwright.async_api import Browser, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError

from app.core.errors import ServiceUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")
_FLAGS = (
    "--no-sandbox",  # the service may run as root in a container, where the sandbox cannot start
    "--disable-gpu",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--run-all-compositor-stages-before-draw",
)


def _busy(max_prints: int) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"{max_prints} brochures are being printed; try again shortly",
        f"正在生成 {max_prints} 份招商册，请稍后再试",
        "brochure_busy",
        10,
    )


def _timeout(timeout_s: float) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"printing the brochure took longer than {timeout_s:g} s", f"生成招商册 PDF 超过 {timeout_s:g} 秒", "brochure_timeout", 30
    )


def _failed(chromium: Path, exc: Exception) -> ServiceUnavailable:
    detail = str(exc).strip().splitlines()[:1] or ["no output"]
    return ServiceUnavailable(
        f"the PDF printer {chromium} failed: {detail[0][:200]}", f"PDF 打印程序 {chromium} 出错", "brochure_printer", 30
    )


class Printer:
    """This process's Chromium, printing at most `max_prints` brochures at once."""

    def __init__(self, chromium: Path, max_prints: int) -> None:
        self.chromium = chromium
        self.max_prints = max_prints
        self._slots = threading.BoundedSemaphore(max_prints)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._launching: asyncio.Lock | None = None

    def _run(self, job: Coroutine[Any, Any, T], timeout_s: float) -> T:
        """`job` run on the printer's thread (started at the first job), waited for `timeout_s`."""
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._loop.run_forever, name="brochure-printer", daemon=True)
                self._thread.start()
            loop = self._loop
        future = asyncio.run_coroutine_threadsafe(job, loop)
        try:
            return future.result(timeout_s)
        except FutureTimeout as exc:
            future.cancel()
            raise _timeout(timeout_s) from exc

    async def _browser_now(self, timeout_s: float) -> Browser:
        """The running browser, or a new one if there is none yet or it died."""
        if self._launching is None:
            self._launching = asyncio.Lock()
        async with self._launching:
            if self._browser is None or not self._browser.is_connected():
                if self._playwright is None:
                    self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self.chromium, args=list(_FLAGS), timeout=timeout_s * 1000
                )
            return self._browser

    async def _print_on(self, browser: Browser, page_uri: str, timeout_s: float) -> bytes:
        context = await browser.new_context()
        try:
            page = await context.new_page()
            await page.goto(page_uri, wait_until="load", timeout=timeout_s * 1000)
            await page.evaluate("document.fonts.ready.then(() => true)")
            return await page.pdf(prefer_css_page_size=True, print_background=True)
        finally:
            await context.close()

    async def _print(self, page_uri: str, timeout_s: float) -> bytes:
        browser = await self._browser_now(timeout_s)
        try:
            return await self._print_on(browser, page_uri, timeout_s)
        except PlaywrightError:
            if browser.is_connected():
                raise
        # The browser died since the last print: started again, once.
        return await self._print_on(await self._browser_now(timeout_s), page_uri, timeout_s)

    def start(self, timeout_s: float) -> None:
        """The browser started ahead of the first print (a worker's warm-up)."""
        try:
            self._run(self._browser_now(timeout_s), timeout_s)
        except (PlaywrightError, ServiceUnavailable):
            log.warning("the brochure printer %s did not start; the first print will try again", self.chromium, exc_info=True)

    def print(self, html: str, assets: dict[str, Path], texts: dict[str, str], timeout_s: float, max_bytes: int) -> bytes:
        """`html` (whose links name `assets` and `texts` by file name) as a PDF; 503 when
        `max_prints` others are printing for longer than `timeout_s`, or Chromium fails, takes
        longer than `timeout_s` or prints more than `max_bytes`."""
        if not self._slots.acquire(timeout=timeout_s):
            raise _busy(self.max_prints)
        try:
            with tempfile.TemporaryDirectory(prefix="investmap-brochure-") as tmp:
                folder = Path(tmp)
                page = folder / "brochure.html"
                page.write_text(html, encoding="utf-8")
                for name, path in assets.items():
                    (folder / name).symlink_to(path)
                for name, text in texts.items():
                    (folder / name).write_text(text, encoding="utf-8")
                try:
                    pdf = self._run(self._print(page.as_uri(), timeout_s), timeout_s)
                except PlaywrightError as exc:
                    raise _failed(self.chromium, exc) from exc
        finally:
            self._slots.release()
        if len(pdf) > max_bytes:
            raise ServiceUnavailable(
                f"the brochure's PDF is {len(pdf)} bytes, over the limit of {max_bytes}",
                f"招商册 PDF 为 {len(pdf)} 字节，超过上限 {max_bytes}",
                "brochure_too_large",
                60,
            )
        return pdf

    async def _close(self) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
        self._browser = self._playwright = None

    def close(self) -> None:
        """The browser closed and the printer's thread stopped (a print after this starts them again)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._close(), loop).result(30)
        except Exception:  # noqa: BLE001 - shutting down: a browser that will not close exits with the process
            log.warning("the brochure printer's browser did not close", exc_info=True)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(30)
            loop.close()
            self._launching = None
