"""The PDF: the web edition printed by the headless Chromium the project installs, from a
temporary folder holding the page, its stylesheets and the font, so that nothing is fetched from
a network (host resolution is disabled too). Bounded in time and in size."""

import subprocess
import tempfile
import threading
from functools import cache
from pathlib import Path

from app.core.errors import ServiceUnavailable

_FLAGS = (
    "--headless",
    "--no-sandbox",  # the service may run as root in a container, where the sandbox cannot start
    "--disable-gpu",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-pdf-header-footer",  # the stylesheet's own running header and page numbers instead
    "--run-all-compositor-stages-before-draw",
)


@cache
def _printers(n: int) -> threading.BoundedSemaphore:
    """At most `n` Chromiums printing at once in this process, whatever the number of requests."""
    return threading.BoundedSemaphore(n)


def print_pdf(
    html: str, assets: dict[str, Path], texts: dict[str, str], chromium: Path, timeout_s: float, max_bytes: int, max_prints: int
) -> bytes:
    """`html` (whose links name `assets` and `texts` by file name) as a PDF; 503 when `max_prints`
    others are printing for longer than `timeout_s`, or Chromium fails, takes longer than
    `timeout_s` or prints more than `max_bytes`."""
    printers = _printers(max_prints)
    if not printers.acquire(timeout=timeout_s):
        raise ServiceUnavailable(
            f"{max_prints} brochures are being printed; try again shortly",
            f"正在生成 {max_prints} 份招商册，请稍后再试",
            "brochure_busy",
            10,
        )
    try:
        return _print(html, assets, texts, chromium, timeout_s, max_bytes)
    finally:
        printers.release()


def _print(html: str, assets: dict[str, Path], texts: dict[str, str], chromium: Path, timeout_s: float, max_bytes: int) -> bytes:
    with tempfile.TemporaryDirectory(prefix="investmap-brochure-") as tmp:
        folder = Path(tmp)
        page = folder / "brochure.html"
        page.write_text(html, encoding="utf-8")
        for name, path in assets.items():
            (folder / name).symlink_to(path)
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        out = folder / "brochure.pdf"
        command = [str(chromium), *_FLAGS, f"--user-data-dir={folder / 'profile'}", f"--print-to-pdf={out}", page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ServiceUnavailable(
                f"printing the brochure took longer than {timeout_s:g} s",
                f"生成招商册 PDF 超过 {timeout_s:g} 秒",
                "brochure_timeout",
                30,
            ) from exc
        except OSError as exc:
            raise ServiceUnavailable(
                f"the PDF printer {chromium} cannot run: {exc.strerror}",
                f"无法运行 PDF 打印程序 {chromium}",
                "brochure_printer",
                60,
            ) from exc
        if done.returncode != 0 or not out.is_file():
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise ServiceUnavailable(f"the PDF printer failed: {tail[0][:200]}", "PDF 打印程序出错", "brochure_printer", 30)
        size = out.stat().st_size
        if size > max_bytes:
            raise ServiceUnavailable(
                f"the brochure's PDF is {size} bytes, over the limit of {max_bytes}",
                f"招商册 PDF 为 {size} 字节，超过上限 {max_bytes}",
                "brochure_too_large",
                60,
            )
        return out.read_bytes()
