"""How long a 招商册 takes: one park's PDF cold and warm, a city's, and every park of that city one
after another (what a city booklet would cost), against a real server over loopback.

    .venv/bin/python bench/brochures.py [--plots 2000] [--city 360700]

Uses the benchmarks' database (investmap_bench, loaded with `investmap load demo --plots N`, as
bench/run.py does). Goals (issue 15): a park PDF under 3 s cold and under 100 ms cached; the
booklet of a city under 60 s. Results on stdout and in bench/results/brochures-<time>.json.
"""

import argparse
import importlib
import json
import os
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.support.serving import serving  # noqa: E402

# The benchmarks' own database and helpers (bench/run.py), a module of this tree, not a package.
_run = importlib.import_module("bench.run")
INVESTMAP, RESULTS, prepare_database, psql_rows = _run.INVESTMAP, _run.RESULTS, _run.prepare_database, _run.psql_rows

PORT = 8765


def timed(client: httpx.Client, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    r = client.get(path)
    r.raise_for_status()
    return time.perf_counter() - started, len(r.content)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plots", type=int, default=2000)
    parser.add_argument("--city", default="360700")
    args = parser.parse_args()
    url = prepare_database(args.plots)
    park = psql_rows(
        url,
        "SELECT p.id FROM parks p JOIN carriers c ON c.park_id = p.id WHERE p.published "
        "GROUP BY p.id ORDER BY count(*) DESC LIMIT 1",
    )[0][0]
    city_parks = [
        row[0]
        for row in psql_rows(
            url,
            "SELECT p.id FROM parks p JOIN regions r ON r.adcode = p.region_adcode "
            f"WHERE p.published AND r.parent_adcode = '{int(args.city)}' ORDER BY p.id",
        )
    ]
    env = {**os.environ, "DATABASE_URL": url, "PORT": str(PORT)}
    base = f"http://127.0.0.1:{PORT}"
    results: dict[str, object] = {"plots": args.plots, "city": args.city, "park": park}
    with serving([str(INVESTMAP), "serve"], env, f"{base}/healthz"), httpx.Client(base_url=base, timeout=120) as client:
        results["park_pdf_cold_s"], results["park_pdf_bytes"] = timed(client, f"/api/v1/brochures/park/{park}.pdf")
        results["park_pdf_warm_s"], _ = timed(client, f"/api/v1/brochures/park/{park}.pdf")
        results["park_html_cold_s"], _ = timed(client, f"/api/v1/brochures/park/{park}.html?lang=en")
        results["city_pdf_cold_s"], results["city_pdf_bytes"] = timed(client, f"/api/v1/brochures/city/{args.city}.pdf")
        started = time.perf_counter()
        for park_id in city_parks:
            timed(client, f"/api/v1/brochures/park/{park_id}.pdf?lang=en")
        results["city_parks"] = len(city_parks)
        results["every_park_of_the_city_s"] = time.perf_counter() - started
    for key, value in results.items():
        print(f"{key:28} {value:.3f}" if isinstance(value, float) else f"{key:28} {value}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"brochures-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
