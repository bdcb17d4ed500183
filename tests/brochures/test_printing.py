"""The PDF printer (issue 15): one Chromium per process, reused by every print and started again
when it died; a page that hangs, a browser that cannot start, a PDF too large or too many prints
at once are 503s that say so, never a request left waiting without end. One printer per module."""

import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.brochures.pdf import Printer
from app.core.errors import ServiceUnavailable

PAGE = "<!doctype html><meta charset=utf-8><p>打印测试 print test</p>"


def _browsers(before: set[int]) -> set[int]:
    """The Chromium browser processes (not their renderers and helpers, which are Chromium's
    children) started below this test process since `before`."""
    found = _descendants()
    return {
        pid
        for pid, (ppid, name) in found.items()
        if pid not in before and name == "chromium" and found.get(ppid, (0, ""))[1] != "chromium"
    }


def _descendants() -> dict[int, tuple[int, str]]:
    """This test process's descendant processes: pid → parent, command name."""
    parents: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            comm = stat[stat.index("(") + 1 : stat.rindex(")")]
            parents[int(entry.name)] = (int(stat[stat.rindex(")") + 2 :].split()[1]), comm)
    found: dict[int, tuple[int, str]] = {}
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, (ppid, _) in parents.items() if ppid in frontier}
        found |= {pid: parents[pid] for pid in frontier}
    return found


@pytest.fixture(scope="module")
def printer() -> Iterator[tuple[Printer, set[int]]]:
    """A printer, and the processes that were running before it started its browser."""
    before = set(_descendants())
    chromium = Printer(Path("/usr/bin/chromium"), max_prints=1)
    yield chromium, before
    chromium.close()


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_one_browser_prints_every_pdf_and_is_started_again_after_it_died(printer, tmp_path) -> None:
    chromium, before = printer
    assert not _browsers(before)
    chromium.start(30)  # a worker's warm-up
    browsers = _browsers(before)
    assert len(browsers) == 1
    first = chromium.print(PAGE, {}, {}, 30, 10**7)
    assert "打印测试 print test" in _text(first, tmp_path)
    assert _browsers(before) == browsers
    chromium.print(PAGE, {}, {}, 30, 10**7)
    assert _browsers(before) == browsers  # the same browser printed again
    for pid in browsers:
        os.kill(pid, signal.SIGKILL)
    again = chromium.print(PAGE, {}, {}, 30, 10**7)
    assert "打印测试 print test" in _text(again, tmp_path)
    restarted = _browsers(before)
    assert len(restarted) == 1 and restarted != browsers


def test_a_page_that_hangs_or_a_pdf_too_large_is_a_503(printer) -> None:
    chromium, _ = printer
    with pytest.raises(ServiceUnavailable) as raised:
        chromium.print("<script>for (;;) {}</script>", {}, {}, 1, 10**7)
    assert raised.value.code == "brochure_timeout" and "1 s" in raised.value.message
    with pytest.raises(ServiceUnavailable) as raised:
        chromium.print(PAGE, {}, {}, 30, 100)
    assert raised.value.code == "brochure_too_large" and "over the limit of 100" in raised.value.message


def test_prints_beyond_the_limit_wait_then_are_refused(printer) -> None:
    chromium, _ = printer
    assert chromium._slots.acquire(timeout=1)
    try:
        with pytest.raises(ServiceUnavailable) as raised:
            chromium.print(PAGE, {}, {}, 0.2, 10**7)
        assert raised.value.code == "brochure_busy"
    finally:
        chromium._slots.release()


def test_a_browser_that_cannot_start_is_a_503(tmp_path) -> None:
    missing = Printer(tmp_path / "no-chromium", max_prints=1)
    try:
        with pytest.raises(ServiceUnavailable) as raised:
            missing.print(PAGE, {}, {}, 30, 10**7)
        assert raised.value.code == "brochure_printer" and "no-chromium" in raised.value.message
    finally:
        missing.close()


def test_readyz_waits_for_the_brochure_warm_up_and_healthz_does_not(settings, monkeypatch) -> None:
    from tests.support.apps import client_with, state

    gate = threading.Event()
    monkeypatch.setattr(Printer, "start", lambda self, timeout_s: gate.wait(60))  # a browser slow to start
    with client_with(brochures=settings.brochures.model_copy(update={"warm_up": True})) as client:
        assert client.get("/healthz").status_code == 200
        r = client.get("/readyz")
        assert r.status_code == 503 and r.headers["retry-after"] == "1", r.text
        error = r.json()["error"]
        assert error["code"] == "warming_up" and [d["field"] for d in error["details"]] == ["brochures"]
        gate.set()
        for thread in state(client).brochures._warm_up:
            thread.join(60)
        assert client.get("/readyz").json()["status"] == "ready"
