"""Requirement matching (POST /api/v1/sites/match) at the demo size: service p50 / p95 beside the
same SQL statement run alone, and the cost of keeping distances during the bulk load.

    .venv/bin/python bench/match.py [--plots 200000] [--factories 50000] [--workers 2] [--requests 200]

Loads reference data and `investmap load demo` into its own database (investmap_bench_match),
timing the load (with 100 demo enterprises; its COPY fires the distance triggers of migration 0012), starts `investmap serve`
with --workers, and sends --requests match requests of six criteria (area, two cities, land use,
price, airport and rail-station distance) from four client threads. Then it runs each request's
own SQL (matching.statement with literal values) in psycopg, one at a time, and again from four
connections at once (the service's concurrency), for the database's share. Only 127.0.0.1 is
contacted. Results: a table on stdout and bench/results/match-<time>.json.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The generated carriers are demo data, which the public sees only where the deployment shows it:
# without this, the server and the compiled SQL alike matched nothing (0 candidates).
os.environ["INVESTMAP_DEMO_PUBLIC"] = "true"
from app.core.auth import ANONYMOUS  # noqa: E402 - importable only once ROOT is on the path
from app.sites import matching  # noqa: E402
from app.sites.schemas import MatchRequest  # noqa: E402
from tests.support.serving import serving  # noqa: E402

RESULTS = ROOT / "bench" / "results"
INVESTMAP = ROOT / ".venv" / "bin" / "investmap"
DB_NAME = "investmap_bench_match"
GOAL_P95_MS = 300  # issue 12
GOAL_RATIO = 1.5  # service time at most 1.5x the SQL alone
CLIENTS = 4  # client threads sending match requests at once
CITY_PAIRS = [("360100", "360400"), ("360700", "360800"), ("361100", "360200"), ("360900", "360500"), ("361000", "360300")]


def sh(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=7200, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(plots: int, factories: int, load: bool, db: str) -> tuple[str, float | None]:
    env = {**os.environ, "INVESTMAP_DB_NAME": db}
    if not load:
        return sh(str(INVESTMAP), "db", "url", env=env).strip(), None
    sh(str(INVESTMAP), "db", "up", env=env)
    sh(str(INVESTMAP), "db", "migrate", env=env)
    sh(str(INVESTMAP), "load", "reference", env=env)
    started = time.perf_counter()
    sh(str(INVESTMAP), "load", "demo", "--plots", str(plots), "--factories", str(factories), "--enterprises", "100", env=env)
    loaded = time.perf_counter() - started
    return sh(str(INVESTMAP), "db", "url", env=env).strip(), loaded


def requirements(n: int) -> list[dict[str, object]]:
    out = []
    for i in range(n):
        cities = CITY_PAIRS[i % len(CITY_PAIRS)]
        out.append(
            {
                "kind": "land",
                "area": {"min": 20 + i % 30, "max": 80 + i % 40, "unit": "mu"},
                "regions": {"adcodes": list(cities)},
                "land_use": {"codes": ["industrial_1", "industrial_2"], "hard": False},
                "price": {"max": 20 + i % 25},
                "distances": {"airport": {"km": 60, "hard": True}, "rail_station": {"km": 30 + i % 20}},
                "limit": 20,
            }
        )
    return out


def percentiles(ms: list[float]) -> dict[str, float]:
    q = statistics.quantiles(ms, n=100)
    return {"p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "n": len(ms)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def service(url: str, workers: int, bodies: list[dict[str, object]]) -> dict[str, float]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [str(INVESTMAP), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with (
        serving(cmd, {**os.environ, "DATABASE_URL": url}, f"{base}/healthz", timeout=300),
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        for body in bodies[:10]:  # warm the workers' connections and plans
            client.post("/api/v1/sites/match", json=body).raise_for_status()

        def one(body: dict[str, object]) -> float:
            t = time.perf_counter()
            client.post("/api/v1/sites/match", json=body).raise_for_status()
            return (time.perf_counter() - t) * 1000

        with ThreadPoolExecutor(CLIENTS) as pool:
            return percentiles(list(pool.map(one, bodies)))


def _sql(body: dict[str, object]) -> str:
    """The request's own statement, with its values written in."""
    from sqlalchemy.dialects import postgresql

    stmt = matching.statement(MatchRequest.model_validate(body), ANONYMOUS)
    return str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def sql_alone(url: str, bodies: list[dict[str, object]], clients: int = 1) -> dict[str, float]:
    """The requests' own statements in psycopg, from `clients` connections at once."""
    statements = [_sql(b) for b in bodies]
    dsn = url.replace("postgresql+psycopg://", "postgresql://")

    def run(share: list[str]) -> list[float]:
        ms = []
        with psycopg.connect(dsn) as conn:
            for sql in share[:3]:  # warm the connection's caches
                conn.execute(sql).fetchone()
            for sql in share:
                t = time.perf_counter()
                conn.execute(sql).fetchone()
                ms.append((time.perf_counter() - t) * 1000)
        return ms

    with ThreadPoolExecutor(clients) as pool:
        return percentiles([m for ms in pool.map(run, [statements[i::clients] for i in range(clients)]) for m in ms])


def candidates(url: str, body: dict[str, object]) -> int:
    """The first request's candidates, to show the figures were measured on sites that match."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute(_sql(body)).fetchone()
        return int(json.loads(row[0])["candidates"]) if row else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plots", type=int, default=200_000)
    ap.add_argument("--factories", type=int, default=50_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--reuse", action="store_true", help="keep the data loaded by a previous run")
    ap.add_argument("--db", default=DB_NAME, help=f"the database to load or reuse (default {DB_NAME})")
    args = ap.parse_args()
    url, load_s = prepare(args.plots, args.factories, not args.reuse, args.db)
    bodies = requirements(args.requests)
    result = {
        "plots": args.plots,
        "factories": args.factories,
        "workers": args.workers,
        "demo_load_s": None if load_s is None else round(load_s, 1),
        "service": service(url, args.workers, bodies),
        "sql_alone": sql_alone(url, bodies),
        # The same concurrency as the service's clients: the ratio then compares like with like.
        "sql_concurrent": sql_alone(url, bodies, CLIENTS),
        "candidates": candidates(url, bodies[0]),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"match-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    service_p95, sql_p95 = result["service"]["p95_ms"], result["sql_alone"]["p95_ms"]
    print(f"{'':24}{'measured':>12}{'goal':>12}")
    print(f"{'service p95 (ms)':24}{service_p95:>12}{GOAL_P95_MS:>12}")
    print(f"{'service / SQL alone':24}{service_p95 / sql_p95:>12.2f}{GOAL_RATIO:>12}")
    concurrent_p95 = result["sql_concurrent"]["p95_ms"]
    print(f"{f'service / SQL x{CLIENTS} clients':24}{service_p95 / concurrent_p95:>12.2f}{GOAL_RATIO:>12}")
    print(f"{'candidates (first req.)':24}{result['candidates']:>12}")


if __name__ == "__main__":
    main()
