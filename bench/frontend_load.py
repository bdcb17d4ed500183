"""How fast the map page shows its parks, and how much JavaScript and CSS it ships.

Run against a running service loaded with the large demo set, e.g.:

    .venv/bin/investmap load demo --plots 200000
    .venv/bin/investmap serve --port 8000 &
    .venv/bin/python bench/frontend_load.py --url http://127.0.0.1:8000

Each run is a fresh browser context (nothing cached) in Debian's headless Chromium; the time
is from navigation start to the page's `parks-drawn` performance mark, set when the parks
layer is first on the map. Targets: median < 1.5 s; JS + CSS gzipped < 300 KB.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
TARGET_MEDIAN_S = 1.5
TARGET_SHIPPED_KB = 300.0
RESULTS = Path(__file__).resolve().parent / "results"


def gzipped_size(url: str) -> int:
    """Bytes on the wire for `url` when the browser accepts gzip (what the server really sends)."""
    with httpx.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as r:
        r.raise_for_status()
        return sum(len(chunk) for chunk in r.iter_raw())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="base URL of the running service")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = args.url.rstrip("/")

    plots = httpx.get(f"{base}/api/v1/carriers", params={"kind": "land", "limit": 1, "count": "true"}).json()["count"]
    times: list[float] = []
    assets: set[str] = set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for _ in range(args.runs):
            context = browser.new_context(viewport={"width": 1366, "height": 800})
            page = context.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
            page.on("response", lambda r: assets.update([r.url] if r.request.resource_type in ("script", "stylesheet")
                                                        else []))
            started = time.perf_counter()
            page.goto(base + "/")
            page.wait_for_selector("body[data-parks-drawn]", timeout=30_000)
            mark = page.evaluate("() => performance.getEntriesByName('parks-drawn')[0].startTime")
            times.append(mark / 1000)
            print(f"  run {len(times)}: parks drawn {mark / 1000:.3f} s after navigation "
                  f"(wall {time.perf_counter() - started:.3f} s)")
            context.close()
        browser.close()

    shipped = {url.removeprefix(base): gzipped_size(url) for url in sorted(assets)}
    total_kb = sum(shipped.values()) / 1024
    median = statistics.median(times)
    result = {"plots": plots, "runs_s": times, "median_s": median, "shipped_gzip_bytes": shipped,
              "shipped_gzip_kb": round(total_kb, 1)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "frontend_load.json").write_text(json.dumps(result, indent=2))
    print(f"land plots loaded: {plots:,}")
    print(f"parks drawn, median of {len(times)}: {median:.3f} s (target < {TARGET_MEDIAN_S} s)")
    for url, size in shipped.items():
        print(f"  {url}: {size / 1024:.1f} KB gzipped")
    print(f"JS + CSS shipped gzipped: {total_kb:.1f} KB (target < {TARGET_SHIPPED_KB:.0f} KB)")
    ok = median < TARGET_MEDIAN_S and total_kb < TARGET_SHIPPED_KB
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
