"""Finding 8: no limits on request or geometry size. An anonymous 41 MB body stalled the server; a
1,000,000-vertex plot was accepted (35 s with the event loop blocked) and copied whole into the
audit trail and history; the audit page's default sort could not use its index.

Now: a body is refused with 413 as soon as it passes its route's limit (declared, chunked or
lying about its length), vertices are limited per geometry and per request, geometry checks run
in the threadpool, and the audit list is read from its primary key's index backwards."""

import asyncio
import json
import math
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated

import httpx
import pytest
from fastapi import Body, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.carriers.schemas import CarrierIn
from app.core.limits import RequestSizeLimit, body_limit
from app.core.patching import request_context
from app.core.settings import settings
from app.geo import validate
from tests.security.plans import nodes, plan, statements

MB = 1024 * 1024
CHUNK = 64 * 1024
LIMIT = int(settings().api.max_body_mb * MB)


def _call(app, headers: dict[str, str], total: int, path: str = "/api/v1/carriers") -> tuple[int, dict, int]:
    """POST `total` bytes to `app` over raw ASGI in 64 kB chunks: (status, JSON body, chunks the app pulled)."""
    pulled = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal pulled
        if pulled * CHUNK >= total:
            return {"type": "http.disconnect"}
        pulled += 1
        return {"type": "http.request", "body": b" " * CHUNK, "more_body": pulled * CHUNK < total}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (k.lower().encode(), v.encode())
            for k, v in {"host": "testserver", "content-type": "application/json", **headers}.items()
        ],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    # In a thread of its own: an event loop may already run in this one (Playwright's, after browser tests).
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), pulled


@pytest.fixture(scope="module")
def app(database_url):
    from app.main import create_app

    return create_app()


def _is_413(status: int, body: dict) -> None:
    assert status == 413
    error = body["error"]
    assert error["code"] == "payload_too_large"
    assert f"{LIMIT:,} bytes" in error["message"] and f"{LIMIT:,} 字节" in error["message_zh"]


def test_a_declared_oversized_body_is_refused_unread(app) -> None:
    status, body, pulled = _call(app, {"content-length": str(41 * MB)}, 41 * MB)
    _is_413(status, body)
    assert pulled == 0
    # Under /ogc, in the OGC exception's shape.
    status, body, pulled = _call(app, {"content-length": str(41 * MB)}, 41 * MB, "/ogc/collections")
    _is_413(status, body)
    assert body["code"] == "PayloadTooLarge" and pulled == 0


def test_a_body_without_a_length_is_cut_at_the_limit(app) -> None:
    status, body, pulled = _call(app, {"transfer-encoding": "chunked"}, 41 * MB)
    _is_413(status, body)
    assert pulled == LIMIT // CHUNK + 1  # the chunk that passed the limit was the last one read


def test_a_body_longer_than_it_declared_is_cut_at_the_limit(app) -> None:
    status, body, pulled = _call(app, {"content-length": "100"}, 41 * MB)
    _is_413(status, body)
    assert pulled == LIMIT // CHUNK + 1


def test_a_body_within_the_limit_reaches_the_route(app) -> None:
    status, body, pulled = _call(app, {"content-length": str(MB)}, MB)
    # Read whole and parsed: a megabyte of spaces is not JSON.
    assert status == 422 and body["error"]["details"][0]["problem"] == "JSON decode error" and pulled == MB // CHUNK


def test_routes_may_declare_their_own_limit() -> None:
    """The per-route mechanism later upload routes use: `openapi_extra=body_limit(n)` (or upload_limit())."""
    small = FastAPI()
    small.add_middleware(RequestSizeLimit, default=1_000)

    @small.post("/json")
    def json_route(body: Annotated[dict, Body()]) -> dict:
        return {"keys": len(body)}

    @small.post("/upload", openapi_extra=body_limit(10_000))
    def upload_route(body: Annotated[dict, Body()]) -> dict:
        return {"keys": len(body)}

    payload = {"text": "x" * 5_000}
    client = TestClient(small)
    assert client.post("/upload", json=payload).json() == {"keys": 1}
    refused = client.post("/json", json=payload)
    assert refused.status_code == 413 and "1,000 bytes" in refused.json()["error"]["message"]
    assert client.post("/upload", json={"text": "x" * 20_000}).status_code == 413
    assert small.openapi()["paths"]["/upload"]["post"]["x-max-body-bytes"] == 10_000


def test_the_server_refuses_41_mb_at_once_and_keeps_serving(live_server) -> None:
    started = time.monotonic()
    r = httpx.post(
        f"{live_server}/api/v1/carriers",
        content=b"[" + b" " * (41 * MB) + b"]",
        headers={"content-type": "application/json"},
        timeout=60,
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    assert time.monotonic() - started < 10
    assert httpx.get(f"{live_server}/healthz", timeout=10).status_code == 200


def _ring(vertices: int, lon: float = 115.93, lat: float = 28.52, radius: float = 0.01) -> list[list[float]]:
    points = [
        [
            round(lon + radius * math.cos(2 * math.pi * i / vertices), 7),
            round(lat + radius * math.sin(2 * math.pi * i / vertices), 7),
        ]
        for i in range(vertices)
    ]
    return points + [points[0]]


def _plot(park_id: int, ring: list[list[float]]) -> dict:
    return {
        "kind": "land",
        "name": "测试地块",
        "park_id": park_id,
        "source": "test suite",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


@pytest.fixture(scope="module")
def park_id(client) -> int:
    return client.get("/api/v1/parks", params={"q": "南昌", "limit": 1}).json()["items"][0]["id"]


def test_a_geometry_with_too_many_vertices_is_refused(client, admin, park_id) -> None:
    most = settings().api.max_vertices
    body = json.dumps(_plot(park_id, _ring(most + 9_999)))  # 60,000 positions with the closing one
    assert len(body) < LIMIT
    started = time.monotonic()
    r = client.post("/api/v1/carriers", content=body, headers={**admin, "content-type": "application/json"})
    assert r.status_code == 422, r.text
    (problem,) = r.json()["error"]["details"]
    assert problem["field"] == "geometry"
    assert f"{most + 10_000:,} vertices" in problem["problem"] and f"{most:,}" in problem["problem"]
    assert f"{most + 10_000:,} 个顶点" in problem["problem_zh"]
    assert time.monotonic() - started < 5


def test_the_vertices_of_one_request_share_a_budget(park_id) -> None:
    """Every geometry a request validates spends from one budget (INVESTMAP_MAX_REQUEST_VERTICES)."""
    body = _plot(park_id, _ring(40))
    assert CarrierIn.model_validate(body, context=request_context(vertex_limit=41)).geometry.is_valid
    with pytest.raises(ValueError, match="more than 40 vertices in all") as refused:
        CarrierIn.model_validate(body, context=request_context(vertex_limit=40))
    assert refused.value.errors()[0]["loc"] == ("geometry",)


def test_geometry_is_checked_off_the_event_loop(client, admin, park_id, monkeypatch) -> None:
    threads: list[bool] = []
    check = validate.parse_geometry

    def watched(*args, **kwargs):
        try:
            asyncio.get_running_loop()
            threads.append(True)
        except RuntimeError:
            threads.append(False)
        return check(*args, **kwargs)

    monkeypatch.setattr(validate, "parse_geometry", watched)
    bow_tie = [[115.93, 28.52], [115.94, 28.53], [115.94, 28.52], [115.93, 28.53], [115.93, 28.52]]
    r = client.post("/api/v1/carriers", json=_plot(park_id, bow_tie), headers=admin)
    assert r.status_code == 422 and "Self-intersection" in r.text
    assert threads == [False], "the geometry was validated on the event loop's thread"


def test_the_audit_list_reads_its_index_backwards(client, admin) -> None:
    with statements("audit_log") as seen:
        assert client.get("/api/v1/audit", params={"limit": 20}, headers=admin).status_code == 200
    ((statement, parameters),) = seen
    # Sorting made dear: a plan that still sorts has no index that gives the order.
    top = plan(statement, parameters, before=lambda conn: conn.execute(text("SET LOCAL enable_sort = off")))
    page = next(n for n in nodes(top) if n.get("Alias") == "page")
    (limit,) = page["Plans"]
    (scan,) = limit["Plans"]
    assert scan["Node Type"] in ("Index Scan", "Index Only Scan") and scan["Relation Name"] == "audit_log", scan
    assert scan["Scan Direction"] == "Backward"
