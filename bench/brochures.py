"""How long a 招商册 takes, beside the goals of issue 15: how long a fresh server takes to be ready
(/readyz: its warm-up done), one park's PDF as the first request after that, cold (not cached,
the worker warm) and warm (cached); a city's PDF; and a city's booklet (every park in one PDF,
what the background job builds).

    .venv/bin/python bench/brochures.py [--plots 2000] [--city 360700] [--no-load]

Loads the benchmarks' database (investmap_bench, or DATABASE_URL's when set) with `investmap load
demo --plots N` as bench/run.py does, unless --no-load; serves it as `make run` does (demo records
public). The booklet is built in this process by the job's own function, after the same warm-up a
worker does. Results on stdout and in bench/results/brochures-<time>.json.
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
INVESTMAP, RESULTS, prepare_database, psql_rows, sh = _run.INVESTMAP, _run.RESULTS, _run.prepare_database, _run.psql_rows, _run.sh

PORT = 8765
# name → the goal in seconds (issue 15), None where the issue sets none.
GOALS = {
    "server_ready_s": None,
    "park_pdf_first_request_s": 3.0,
    "park_pdf_cold_s": 3.0,
    "park_pdf_warm_s": 0.1,
    "park_html_cold_s": None,
    "city_pdf_cold_s": None,
    "city_booklet_s": 60.0,
}


def timed(client: httpx.Client, path: str) -> float:
    started = time.perf_counter()
    r = client.get(path)
    r.raise_for_status()
    return time.perf_counter() - started


def booklet_seconds(url: str, city: str) -> float:
    """The city's booklet as its background job builds it, in a warmed-up process."""
    os.environ.update(DATABASE_URL=url, INVESTMAP_DEMO_PUBLIC="true")
    from sqlalchemy.orm import Session

    from app.brochures import maps  # noqa: F401 - the worker's warm-up: the map renderer imported
    from app.brochures.model import Lang
    from app.brochures.service import build_booklet, printer
    from app.core.database import get_engine
    from app.core.settings import from_environment, using

    settings = from_environment()
    with using(settings):
        chromium = printer()
        chromium.start(settings.brochures.pdf_timeout_s)
        try:
            with Session(get_engine(settings.database)) as session:
                started = time.perf_counter()
                build_booklet(chromium, session, city, Lang.ZH, "http://bench", 1)
                return time.perf_counter() - started
        finally:
            chromium.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plots", type=int, default=2000)
    parser.add_argument("--city", default="360700")
    parser.add_argument("--no-load", action="store_true", help="use the database as it is loaded")
    args = parser.parse_args()
    url = sh(str(INVESTMAP), "db", "url").strip() if args.no_load else prepare_database(args.plots)
    busiest = psql_rows(
        url,
        "SELECT p.id FROM parks p JOIN carriers c ON c.park_id = p.id JOIN regions r ON r.adcode = p.region_adcode "
        f"WHERE p.published AND r.parent_adcode = '{int(args.city)}' GROUP BY p.id ORDER BY count(*) DESC LIMIT 2",
    )
    first, other = busiest[0][0], busiest[1][0]
    city_parks = psql_rows(
        url,
        "SELECT count(*) FROM parks p JOIN regions r ON r.adcode = p.region_adcode "
        f"WHERE p.published AND r.parent_adcode = '{int(args.city)}'",
    )[0][0]
    plots = psql_rows(url, "SELECT count(*) FROM carriers WHERE kind = 'land'")[0][0]
    env = {**os.environ, "DATABASE_URL": url, "PORT": str(PORT), "INVESTMAP_DEMO_PUBLIC": "true"}
    base = f"http://127.0.0.1:{PORT}"
    figures: dict[str, float] = {}
    started = time.perf_counter()
    # Ready (/readyz) once the worker's warm-up is done: the first request then waits for none of it.
    with serving([str(INVESTMAP), "serve"], env, f"{base}/readyz"), httpx.Client(base_url=base, timeout=120) as client:
        figures["server_ready_s"] = time.perf_counter() - started
        figures["park_pdf_first_request_s"] = timed(client, f"/api/v1/brochures/park/{first}.pdf")
        figures["park_pdf_cold_s"] = timed(client, f"/api/v1/brochures/park/{other}.pdf")
        figures["park_pdf_warm_s"] = timed(client, f"/api/v1/brochures/park/{first}.pdf")
        figures["park_html_cold_s"] = timed(client, f"/api/v1/brochures/park/{first}.html?lang=en")
        figures["city_pdf_cold_s"] = timed(client, f"/api/v1/brochures/city/{args.city}.pdf")
    figures["city_booklet_s"] = booklet_seconds(url, args.city)
    print(f"land plots {plots}, city {args.city} with {city_parks} published parks, parks {first} and {other}")
    print(f"{'':28} {'measured':>10} {'goal':>8}")
    for name, value in figures.items():
        goal = GOALS[name]
        verdict = "" if goal is None else ("ok" if value < goal else "OVER")
        print(f"{name:28} {value:10.3f} {'' if goal is None else f'{goal:8g}':>8} {verdict}")
    RESULTS.mkdir(exist_ok=True)
    out = {"plots": plots, "city": args.city, "city_parks": city_parks, "parks": [first, other], **figures}
    (RESULTS / f"brochures-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
