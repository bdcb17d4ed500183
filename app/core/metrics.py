"""Observability: Prometheus metrics at `/metrics`, a request id on every answer, and (opt-in,
INVESTMAP_JSON_LOGS) one JSON line per request.

Requests are counted and timed by route template (`/api/v1/carriers/{carrier_id}`, never the raw
path: a label per record id would grow without bound) and status. With several workers
(`investmap serve --workers N`) the counters live in PROMETHEUS_MULTIPROC_DIR, which `serve` sets,
so one scrape sees the sum of all workers; the pool gauges are each live worker's last report.
Who may read them: a caller with `Authorization: Bearer <INVESTMAP_METRICS_TOKEN>`, or without a
token set, callers on the loopback address only (a scraper on the host, or the proxy in deploy/,
which does not pass /metrics on).
"""

import hmac
import json
import logging
import os
import re
import time
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from sqlalchemy.pool import Pool, QueuePool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import Forbidden
from app.core.settings import settings

REQUESTS = Counter("investmap_requests", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram(
    "investmap_request_seconds",
    "time to answer, by route",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CACHE = Counter("investmap_cache_lookups", "lookups in the per-worker caches", ["cache", "result"])
REPLICA_READS = Counter("investmap_replica_reads", "requests whose reads a replica served", ["replica"])
REPLICA_LAG = Gauge(
    "investmap_replica_lag_bytes",
    "WAL a replica had still to replay, at its last check, of what this worker serves",
    ["replica"],
    multiprocess_mode="mostrecent",
)
REPLICA_UP = Gauge(
    "investmap_replica_up", "1: the replica answered its last check; 0: backed off", ["replica"], multiprocess_mode="mostrecent"
)
DATA_VERSION = Gauge("investmap_data_version", "data version of a table", ["table"], multiprocess_mode="max")
POOL = Gauge("investmap_db_pool_connections", "primary pool connections", ["state"], multiprocess_mode="livesum")
REQUEST_ID = "X-Request-ID"
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = logging.getLogger("investmap.access")
router = APIRouter(include_in_schema=False)


def _registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        from prometheus_client import REGISTRY

        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def _may_read(request: Request) -> bool:
    token = settings().observability.metrics_token
    if token:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return request.client is not None and request.client.host in {"127.0.0.1", "::1"}


@router.get("/metrics")
def metrics(request: Request) -> Response:
    if not _may_read(request):
        raise Forbidden(
            "/metrics: only the loopback address, or a caller with the metrics token (INVESTMAP_METRICS_TOKEN)",
            "/metrics：仅限本机地址或持有监控令牌（INVESTMAP_METRICS_TOKEN）的调用方",
        )
    return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)


def report_pool(pool: Pool) -> None:
    """The primary pool's use, as a request session hands its connection back."""
    if isinstance(pool, QueuePool):
        POOL.labels("checked_out").set(pool.checkedout())
        POOL.labels("idle").set(pool.checkedin())


class _JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = getattr(record, "fields", {}) or {"message": record.getMessage()}
        return json.dumps({"time": self.formatTime(record), "level": record.levelname, **line}, ensure_ascii=False)


def install_json_logs() -> None:
    """Each request as one JSON object on its own line, on standard error."""
    if any(isinstance(h.formatter, _JsonLines) for h in access_log.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(_JsonLines())
    access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False


def _template(scope: Scope) -> str:
    """The route template of a request: its path with each path parameter put back as `{name}`
    (a router's own template lacks the prefixes it is included under). Bounded: a request that
    matched no route, or whose parameters are not found as written, is labelled by a constant."""
    route = scope.get("route")
    if route is None:
        return "unmatched"
    path: str = scope["path"]
    start = 0
    for name, value in (scope.get("path_params") or {}).items():
        found = re.compile(rf"(?<=[/.]){re.escape(str(value))}(?=$|[/.])").search(path, start)
        if found is None:
            return str(getattr(route, "path", "unmatched"))
        path = f"{path[: found.start()]}{{{name}}}{path[found.end() :]}"
        start = found.start() + len(name) + 2
    return path


class Observe:
    """ASGI middleware: the request id (the caller's X-Request-ID if sane, else a new one) on the
    answer, the request counted and timed by its route template, a JSON line when asked for."""

    def __init__(self, app: ASGIApp, json_logs: bool) -> None:
        self.app = app
        self.json_logs = json_logs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(REQUEST_ID.lower().encode(), b"").decode("latin-1")
        request_id = given if _GIVEN_ID.match(given) else uuid.uuid4().hex
        status = 500
        started = time.perf_counter()

        async def identified(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, identified)
        finally:
            elapsed = time.perf_counter() - started
            route = _template(scope)
            REQUESTS.labels(route, scope["method"], str(status)).inc()
            LATENCY.labels(route, scope["method"]).observe(elapsed)
            if self.json_logs:
                fields = {
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "ms": round(elapsed * 1000, 1),
                    "client": (scope.get("client") or ("", 0))[0],
                }
                access_log.info("request", extra={"fields": fields})
