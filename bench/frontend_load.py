"""How fast the map page shows its parks, and how much JavaScript and CSS it ships.

Run against a running service loaded with the large demo set, e.g.:

    .venv/bin/investmap load demo --plots 200000
    .venv/bin/investmap serve --port 8000 &
    .venv/bin/python bench/frontend_load.py --url http://127.0.0.1:8000

Each run is a fresh browser context (nothing cached) in Debian's headless Chromium; the time
is from navigation start to the page's `parks-drawn` performance mark, set when the parks
layer is first on the map. Targets: median < 1.5 s; JS + CSS gzipped < 300 KB.

It also times the carriers layer, drawn from vector tiles: a fresh page opened at a city view
(zoom 10, grid cells) and a park view (zoom 13, every plot) over Nanchang, from navigation to
the `carriers-drawn` mark, with the bytes of carrier tiles the page fetched (reported, no target).
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, Response, sync_playwright

CHROMIUM = "/usr/bin/chromium"
TARGET_MEDIAN_S = 1.5
TARGET_SHIPPED_KB = 300.0
CARRIER_VIEWS = {"city z10": "?c=28.62,115.93,10&layers=carriers", "park z13": "?c=28.52,115.93,13&layers=carriers"}
RESULTS = Path(__file__).resolve().parent / "results"


def gzipped_size(url: str) -> int:
    """Bytes on the wire for `url` when the browser accepts gzip (what the server really sends)."""
    with httpx.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as r:
        r.raise_for_status()
        return sum(len(chunk) for chunk in r.iter_raw())


def time_carriers(browser: Browser, url: str, runs: int = 3) -> dict[str, Any]:
    """Navigation to the carriers layer's `carriers-drawn` mark, in fresh contexts (cold caches)."""
    marks: list[float] = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1366, "height": 800})
        page = context.new_page()
        tiles: list[Response] = []
        page.on("response", lambda r, tiles=tiles: tiles.append(r) if "/tiles/land,factories/" in r.url else None)
        page.goto(url)
        page.wait_for_selector("body[data-carriers-drawn]", state="attached", timeout=60_000)
        marks.append(page.evaluate("() => performance.getEntriesByName('carriers-drawn')[0].startTime") / 1000)
        drawn = int(page.locator("body").get_attribute("data-carriers-drawn") or 0)
        size = sum(len(r.body()) for r in tiles)
        context.close()
    return {"median_s": statistics.median(marks), "runs_s": marks, "features": drawn, "tiles": len(tiles), "tile_kb": size / 1024}


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
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        for _ in range(args.runs):
            context = browser.new_context(viewport={"width": 1366, "height": 800})
            page = context.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
            page.on("response", lambda r: assets.update([r.url] if r.request.resource_type in ("script", "stylesheet") else []))
            started = time.perf_counter()
            page.goto(base + "/")
            page.wait_for_selector("body[data-parks-drawn]", timeout=30_000)
            mark = page.evaluate("() => performance.getEntriesByName('parks-drawn')[0].startTime")
            times.append(mark / 1000)
            print(
                f"  run {len(times)}: parks drawn {mark / 1000:.3f} s after navigation "
                f"(wall {time.perf_counter() - started:.3f} s)"
            )
            context.close()
        carriers = {name: time_carriers(browser, base + "/" + view) for name, view in CARRIER_VIEWS.items()}
        browser.close()

    shipped = {url.removeprefix(base): gzipped_size(url) for url in sorted(assets)}
    total_kb = sum(shipped.values()) / 1024
    median = statistics.median(times)
    result = {
        "plots": plots,
        "runs_s": times,
        "median_s": median,
        "shipped_gzip_bytes": shipped,
        "shipped_gzip_kb": round(total_kb, 1),
        "carriers": carriers,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "frontend_load.json").write_text(json.dumps(result, indent=2))
    print(f"land plots loaded: {plots:,}")
    print(f"parks drawn, median of {len(times)}: {median:.3f} s (target < {TARGET_MEDIAN_S} s)")
    for url, size in shipped.items():
        print(f"  {url}: {size / 1024:.1f} KB gzipped")
    print(f"JS + CSS shipped gzipped: {total_kb:.1f} KB (target < {TARGET_SHIPPED_KB:.0f} KB)")
    for name, c in carriers.items():
        print(
            f"carriers, {name}: {c['features']:,} drawn from {c['tiles']} tiles ({c['tile_kb']:.0f} KB), "
            f"median {c['median_s']:.3f} s after navigation"
        )
    ok = median < TARGET_MEDIAN_S and total_kb < TARGET_SHIPPED_KB
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
