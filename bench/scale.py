"""Issue 17's table: the same requests at two sizes of data, caches off (every request reaches
PostgreSQL), so that what grows with the data shows.

    INVESTMAP_DB_NAME=investmap_bench .venv/bin/python bench/scale.py [--requests 30] [--city 360100]

Serves the database of the environment (load it first: `investmap load demo --plots N`) with
one worker and its in-process caches off, and sends each request `--requests` times, one at a
time, after one warm-up: p50 and p95 latency, and the rows it matched. Requests: the OGC land
items and the REST carriers of a city's bounding box (limit=1000), the land tiles over the
city's centre at zooms 8, 10, 12 and 14, and a z8 tile with a filter the grid counts answer
(status) and one they do not (min_area). Results: a table on stdout (paste it in bench/RESULTS.md).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # after PYTHONPATH: another checkout given there is measured
from tests.support.serving import serving  # noqa: E402 - importable only once ROOT is on the path
from tests.support.tiles import tile_of  # noqa: E402

INVESTMAP = ROOT / ".venv" / "bin" / "investmap"
PORT = 8917


def psql(url: str, sql: str) -> list[str]:
    done = subprocess.run(["psql", url, "-AtXc", sql], capture_output=True, text=True, check=True)
    return done.stdout.split()


def database_ms(url: str, bbox: tuple[float, float, float, float], tiles: dict[str, tuple[int, int, int]], runs: int) -> None:
    """The median execution time PostgreSQL reports (EXPLAIN ANALYZE) for the page and tile
    statements of the `app` on the path: steadier than HTTP timings on a busy machine, and what
    grows with the data. Run with PYTHONPATH=<other checkout> to measure another version."""
    from sqlalchemy import create_engine

    from app.core.auth import ANONYMOUS
    from app.core.settings import GapSettings
    from app.layers.caching import Audience
    from app.layers.catalogue import build_catalogue
    from app.ogc.items import Shape, page_select, parameters
    from app.ogc.params import ItemsParams
    from app.tiles.sql import statement

    land = build_catalogue(GapSettings())["land"]
    p = ItemsParams(limit=1000, bbox=bbox)
    page = parameters(p, "http://x/self", ("http://x/?after=", "", "http://x/?before=", ""))
    statements = {"OGC land items, city bbox, limit=1000": (page_select(Shape.of(land, ANONYMOUS, p)), page)}
    for name, (z, x, y) in tiles.items():
        statements[name] = (statement(land, Audience.of(ANONYMOUS)), {"z": z, "x": x, "y": y, "clip": True})
    engine = create_engine(url.replace("postgresql:", "postgresql+psycopg:"))
    print(f"{'statement (database time, EXPLAIN ANALYZE)':60} {'median ms':>10}")
    with engine.connect() as conn, conn.connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_custom_plan")
        for name, (stmt, values) in statements.items():
            compiled = stmt.compile(engine)
            times = []
            for _ in range(runs):
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + compiled.string, compiled.construct_params(values))
                row = cursor.fetchone()
                assert row is not None
                times.append(row[0][0]["Execution Time"])
            print(f"{name:60} {statistics.median(times):10.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--city", default="360100", help="adcode of the city whose bounding box is asked for")
    ap.add_argument("--database-only", action="store_true", help="only the statements' database time")
    args = ap.parse_args()
    url = (
        os.environ.get("DATABASE_URL")
        or subprocess.run([str(INVESTMAP), "db", "url"], capture_output=True, text=True, check=True).stdout.strip()
    )
    w, s, e, n = map(
        float,
        psql(
            url,
            f"SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM "
            f"(SELECT ST_Extent(geom) b FROM regions WHERE adcode = '{args.city}') r",
        )[0].split("|"),
    )
    bbox = f"{w},{s},{e},{n}"
    carriers = psql(url, "SELECT count(*) FROM carriers")[0]
    matches = psql(
        url, f"SELECT count(*) FROM carriers WHERE kind = 'land' AND ST_Intersects(geom, ST_MakeEnvelope({bbox}, 4326))"
    )[0]
    lon, lat = (w + e) / 2, (s + n) / 2
    paths = {
        f"OGC land items, city bbox, limit=1000 ({matches} matches)": f"/ogc/collections/land/items?bbox={bbox}&limit=1000",
        "REST /api/v1/carriers, same bbox, limit=1000": f"/api/v1/carriers?bbox={bbox}&limit=1000",
        **{f"tile land z{z}": "/tiles/land/{}/{}/{}.mvt".format(z, *tile_of(lon, lat, z)) for z in (8, 10, 12, 14)},
        "tile land z8, status=available (grid counts)": "/tiles/land/8/{}/{}.mvt?status=available".format(*tile_of(lon, lat, 8)),
        "tile land z8, min_area=5000 (raw count)": "/tiles/land/8/{}/{}.mvt?min_area=5000".format(*tile_of(lon, lat, 8)),
    }
    zooms = {f"tile land z{z}": (z, *tile_of(lon, lat, z)) for z in (8, 10, 12, 14)}
    database_ms(url, (w, s, e, n), zooms, args.requests)
    if args.database_only:
        return
    env = {**os.environ, "DATABASE_URL": url, "INVESTMAP_TILE_CACHE_MB": "0", "INVESTMAP_OGC_CACHE_MB": "0"}
    cmd = [str(INVESTMAP), "serve", "--host", "127.0.0.1", "--port", str(PORT), "--workers", "1"]
    base = f"http://127.0.0.1:{PORT}"
    print(f"{int(carriers):,} carriers; city {args.city} bbox {bbox}; {args.requests} requests each, one at a time, caches off")
    print(f"{'request':60} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>9}")
    with (
        open(os.devnull, "wb") as log,
        serving(cmd, env, base + "/healthz", timeout=90, log=log),
        httpx.Client(base_url=base, timeout=120) as client,
    ):
        for name, path in paths.items():
            first = client.get(path)
            assert first.status_code == 200, (path, first.status_code, first.text[:300])
            times = []
            for _ in range(args.requests):
                start = time.perf_counter()
                client.get(path).raise_for_status()
                times.append((time.perf_counter() - start) * 1000)
            q = statistics.quantiles(times, n=20)
            print(f"{name:60} {statistics.median(times):8.1f} {q[18]:8.1f} {len(first.content):9,}", flush=True)


if __name__ == "__main__":
    main()
