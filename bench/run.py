"""InvestMap's /ogc items and /tiles against tipg, side by side, on one machine, over loopback.

    .venv/bin/python bench/run.py [--plots 200000] [--duration 15] [--connections 8] [--workers 2]

Loads `investmap load demo --plots N` into its own database (investmap_bench, in the embedded
cluster unless DATABASE_URL says otherwise), installs tipg into bench/.venv-tipg, then starts each
server in turn with the same number of workers and loads it with wrk for a bounded time:

- items: bounding boxes around the busiest parks, each sized to hold about 1,000 land plots,
  `limit=1000`, GeoJSON (tipg: the same boxes with `kind=land` on the carriers table);
- tiles: the tiles containing those parks at zooms 8-14 (tipg: `kind=land` too);
- the same SQL of ours run by pgbench, to show what the database alone sustains.

InvestMap runs twice: with its in-process caches off (every request reaches PostgreSQL) and
with them on and warmed. Only 127.0.0.1 is contacted; every run stops after --duration seconds.
Results: a table on stdout and bench/results/<time>.json.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.support: the benchmarks start servers as the test suite does
from tests.support.serving import serving  # noqa: E402 - importable only once ROOT is on the path

BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
TIPG_VENV = BENCH / ".venv-tipg"
INVESTMAP = ROOT / ".venv" / "bin" / "investmap"
DB_NAME = "investmap_bench"
PLOTS_PER_BOX = 1000
ZOOMS = range(8, 15)
JIANGXI = (113.5, 24.4, 118.5, 30.1)


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p95_ms: float
    errors: int = 0


def sh(*args: str, env: dict[str, str] | None = None, timeout: float = 1800) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare_database(plots: int) -> str:
    env = {**os.environ, "INVESTMAP_DB_NAME": DB_NAME}
    sh(str(INVESTMAP), "db", "up", env=env)
    sh(str(INVESTMAP), "db", "migrate", env=env)
    sh(str(INVESTMAP), "load", "reference", env=env)
    sh(str(INVESTMAP), "load", "demo", "--plots", str(plots), env=env)
    url = sh(str(INVESTMAP), "db", "url", env=env).strip()
    sh("psql", url, "-qc", "VACUUM ANALYZE carriers")
    return url


def ensure_tipg() -> None:
    if not (TIPG_VENV / "bin" / "uvicorn").exists():
        sh(sys.executable, "-m", "venv", str(TIPG_VENV))
        sh(str(TIPG_VENV / "bin" / "pip"), "install", "-q", "tipg", "uvicorn")


def tipg_version() -> str:
    return sh(str(TIPG_VENV / "bin" / "python"), "-c", "import tipg; print(tipg.__version__)").strip()


# ----------------------------------------------------------------------------- workload


def psql_rows(url: str, sql: str) -> list[list[str]]:
    return [line.split("|") for line in sh("psql", url, "-AtXc", sql).splitlines() if line]


def busiest_parks(url: str, n: int) -> list[tuple[float, float]]:
    rows = psql_rows(
        url,
        f"""SELECT ST_X(p.location), ST_Y(p.location) FROM parks p
        JOIN carriers c ON c.park_id = p.id AND c.kind = 'land' GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT {n}""",
    )
    return [(float(x), float(y)) for x, y in rows]


def box_of_about(url: str, lon: float, lat: float, plots: int) -> tuple[float, float, float, float]:
    """A square around (lon, lat) meeting about `plots` land plots: bisection on its half width."""
    low, high = 0.0005, 0.2
    for _ in range(16):
        half = (low + high) / 2
        box = (round(lon - half, 5), round(lat - half, 5), round(lon + half, 5), round(lat + half, 5))
        n = int(
            psql_rows(
                url,
                f"SELECT count(*) FROM carriers WHERE kind = 'land' AND "
                f"ST_Intersects(geom, ST_MakeEnvelope({', '.join(map(str, box))}, 4326))",
            )[0][0]
        )
        if abs(n - plots) <= plots * 0.03:
            break
        low, high = (half, high) if n < plots else (low, half)
    return box


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    return z, int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def jiangxi_z8() -> list[tuple[int, int, int]]:
    _, x0, y0 = tile_of(JIANGXI[0], JIANGXI[3], 8)
    _, x1, y1 = tile_of(JIANGXI[2], JIANGXI[1], 8)
    return [(8, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


# ------------------------------------------------------------------------------ servers


@contextmanager
def server(name: str, cmd: list[str], env: dict[str, str], port: int, ready: str) -> Iterator[str]:
    RESULTS.mkdir(exist_ok=True)
    base = f"http://127.0.0.1:{port}"
    with (
        (RESULTS / f"{name}.log").open("wb") as log,
        serving(cmd, env, base + ready, timeout=90, log=log, cwd=Path(tempfile.gettempdir())),
    ):
        yield base


def investmap(port: int, workers: int) -> list[str]:
    return [str(INVESTMAP), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]


def investmap_env(url: str, caches: bool) -> dict[str, str]:
    size = "256" if caches else "0"
    return {**os.environ, "DATABASE_URL": url, "INVESTMAP_TILE_CACHE_MB": size, "INVESTMAP_OGC_CACHE_MB": size}


def tipg_env(url: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DATABASE_URL": url,
        "TIPG_DB_TABLES": '["public.carriers"]',
        "TIPG_TABLE_CONFIG__public_carriers__geomcol": "geom",
        "TIPG_TABLE_CONFIG__public_carriers__pk": "id",
    }


# ------------------------------------------------------------------------------ loaders


def warm(base: str, paths: list[str]) -> None:
    with httpx.Client(base_url=base, timeout=120) as client:
        for path in paths:
            r = client.get(path)
            if r.status_code != 200:
                raise RuntimeError(f"{base}{path}: {r.status_code} {r.text[:300]}")


def wrk(name: str, base: str, paths: list[str], duration: int, connections: int) -> Result:
    warm(base, paths)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
    out = sh(
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "60s",
        "-s",
        str(BENCH / "wrk_paths.lua"),
        base,
        env={**os.environ, "WRK_PATHS": f.name},
        timeout=duration + 120,
    )
    os.unlink(f.name)
    requests, micros, p50, p95, errors = (
        int(v) for v in next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1:]
    )
    return Result(name, requests / (micros / 1e6), p50 / 1000, p95 / 1000, errors)


def pgbench(name: str, url: str, sqls: list[str], duration: int, connections: int) -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, sql in enumerate(sqls):
            path = Path(tmp) / f"q{i}.sql"
            path.write_text(sql.replace("\n", " ") + ";\n")
            files += ["-f", f"{path}@1"]
        sh(
            "pgbench",
            "-n",
            "-T",
            str(duration),
            "-c",
            str(connections),
            "-j",
            "1",
            "-l",
            "--log-prefix",
            f"{tmp}/log",
            *files,
            url,
            timeout=duration + 120,
        )
        latencies = sorted(int(line.split()[2]) for log in Path(tmp).glob("log*") for line in log.read_text().splitlines())
    q = statistics.quantiles(latencies, n=100)
    return Result(name, len(latencies) / duration, q[49] / 1000, q[94] / 1000)


def our_sql(boxes: list[tuple[float, float, float, float]], tiles: list[tuple[int, int, int]]) -> tuple[list[str], list[str]]:
    """Our statements with the values written in, exactly as the service sends them."""
    from sqlalchemy.dialects import postgresql

    from app.core.auth import ANONYMOUS
    from app.core.settings import GapSettings
    from app.layers.caching import Audience
    from app.layers.catalogue import build_catalogue
    from app.ogc.items import Shape, page_select, parameters
    from app.ogc.params import ItemsParams
    from app.tiles.sql import statement

    dialect = postgresql.psycopg.dialect()
    land = build_catalogue(GapSettings())["land"]

    def literal(stmt: object) -> str:
        return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))  # type: ignore[attr-defined]

    items = []
    for box in boxes:
        p = ItemsParams(limit=PLOTS_PER_BOX, bbox=box)
        values = parameters(p, "http://127.0.0.1/self", ("http://127.0.0.1/?after=", "", "http://127.0.0.1/?before=", ""))
        items.append(literal(page_select(Shape.of(land, ANONYMOUS, p)).params(**values)))
    tile_sql = [literal(statement(land, Audience.of(ANONYMOUS)).params(z=z, x=x, y=y)) for z, x, y in tiles]
    return items, tile_sql


# ------------------------------------------------------------------------------- report


def table(rows: list[Result]) -> str:
    lines = [f"{'':44} {'req/s':>9} {'p50 ms':>9} {'p95 ms':>9} {'errors':>7}"]
    lines += [f"{r.name:44} {r.rps:9.1f} {r.p50_ms:9.1f} {r.p95_ms:9.1f} {r.errors:7d}" for r in rows]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plots", type=int, default=200_000)
    ap.add_argument("--duration", type=int, default=15, help="seconds per measurement")
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--boxes", type=int, default=10, help="distinct item queries")
    args = ap.parse_args()

    url = prepare_database(args.plots)
    ensure_tipg()
    parks = busiest_parks(url, args.boxes)
    boxes = [box_of_about(url, lon, lat, PLOTS_PER_BOX) for lon, lat in parks]
    tiles = sorted({tile_of(lon, lat, z) for lon, lat in parks[:5] for z in ZOOMS})
    ours_items = [f"/ogc/collections/land/items?bbox={','.join(map(str, b))}&limit={PLOTS_PER_BOX}" for b in boxes]
    tipg_items = [
        f"/collections/public.carriers/items?bbox={','.join(map(str, b))}&limit={PLOTS_PER_BOX}&kind=land" for b in boxes
    ]
    ours_tiles = [f"/tiles/land/{z}/{x}/{y}.mvt" for z, x, y in tiles]
    tipg_tiles = [f"/collections/public.carriers/tiles/WebMercatorQuad/{z}/{x}/{y}?kind=land" for z, x, y in tiles]
    run = {"duration": args.duration, "connections": args.connections}
    print(
        f"{args.plots} plots; {len(boxes)} item boxes; {len(tiles)} tiles z8-z14; {args.workers} workers; "
        f"wrk {args.connections} connections, {args.duration} s each",
        flush=True,
    )

    port = 8900
    with server("investmap-nocache", investmap(port, args.workers), investmap_env(url, False), port, "/healthz") as base:
        items_cold = wrk("items  InvestMap, cache off", base, ours_items, **run)
        tiles_cold = wrk("tiles  InvestMap, cache off", base, ours_tiles, **run)
        z8 = {
            path: len(httpx.get(base + path, timeout=60).content)
            for path in (f"/tiles/{layer}/{z}/{x}/{y}.mvt" for layer in ("land", "all") for z, x, y in jiangxi_z8())
        }
    with server("investmap-cache", investmap(port, args.workers), investmap_env(url, True), port, "/healthz") as base:
        items_warm = wrk("items  InvestMap, cache warm", base, ours_items, **run)
        tiles_warm = wrk("tiles  InvestMap, cache warm", base, ours_tiles, **run)
    version = tipg_version()
    tipg_cmd = [
        str(TIPG_VENV / "bin" / "uvicorn"),
        "tipg.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
    ]
    with server("tipg", tipg_cmd, tipg_env(url), port, "/collections") as base:
        items_tipg = wrk(f"items  tipg {version}", base, tipg_items, **run)
        tiles_tipg = wrk(f"tiles  tipg {version}", base, tipg_tiles, **run)
    items_sql, tiles_sql = our_sql(boxes, tiles)
    items_db = pgbench("items  PostgreSQL alone (pgbench, our SQL)", url, items_sql, **run)
    tiles_db = pgbench("tiles  PostgreSQL alone (pgbench, our SQL)", url, tiles_sql, **run)

    rows = [items_cold, items_warm, items_tipg, items_db, tiles_cold, tiles_warm, tiles_tipg, tiles_db]
    ratios = {
        "items, cache off / tipg": items_cold.rps / items_tipg.rps,
        "items, cache warm / tipg": items_warm.rps / items_tipg.rps,
        "items, cache off / PostgreSQL alone": items_cold.rps / items_db.rps,
        "tiles, cache off / tipg (target 1.5)": tiles_cold.rps / tiles_tipg.rps,
        "tiles, cache warm / tipg (target 20)": tiles_warm.rps / tiles_tipg.rps,
        "tiles, cache off / PostgreSQL alone": tiles_cold.rps / tiles_db.rps,
    }
    print(table(rows))
    for name, value in ratios.items():
        print(f"{name:44} {value:9.2f}x")
    largest = max(z8, key=z8.__getitem__)
    print(f"largest z8 tile over Jiangxi: {z8[largest] / 1024:.1f} KB ({largest}; limit 200 KB)")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / time.strftime("%Y%m%d-%H%M%S.json")
    out.write_text(
        json.dumps(
            {
                "args": vars(args),
                "results": [asdict(r) for r in rows],
                "ratios": ratios,
                "z8_bytes": z8,
                "boxes": boxes,
                "tiles": tiles,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
