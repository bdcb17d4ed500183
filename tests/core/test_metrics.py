"""Observability (issue 17): /metrics in the Prometheus text format, by route template and status,
for loopback callers or the token holder only; the request id; one JSON line per request."""

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.core.metrics import access_log
from app.core.settings import ObservabilitySettings, Settings
from app.main import create_app
from tests.support.apps import client_with
from tests.support.tiles import tile_of

TOKEN = "metrics-test-token-7f3a"


@pytest.fixture(scope="module")
def observed() -> Iterator[TestClient]:
    with client_with(observability=ObservabilitySettings(metrics_token=TOKEN, json_logs=True)) as client:
        yield client


@pytest.fixture(scope="module")
def carriers(observed: TestClient) -> list[str]:
    """The addresses of two published carriers (their ids depend on what ran before in this database)."""
    items = observed.get("/api/v1/carriers", params={"limit": 2}).json()["items"]
    return [f"/api/v1/carriers/{c['id']}" for c in items]


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition `text` (0 when absent)."""
    for line in text.splitlines():
        match = re.match(rf"^{name}\{{(.*)\}} (\S+)$", line)
        if match and dict(re.findall(r'(\w+)="([^"]*)"', match[1])) == labels:
            return float(match[2])
    return 0.0


def _scrape(client: TestClient) -> str:
    r = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain; version=")
    return r.text


def test_requests_are_counted_by_route_template_and_status(observed: TestClient, carriers: list[str]) -> None:
    route = {"route": "/api/v1/carriers/{item_id}", "method": "GET"}
    before = _scrape(observed)
    assert observed.get(carriers[0]).status_code == 200
    assert observed.get(carriers[1]).status_code == 200
    assert observed.get("/api/v1/carriers/999999999").status_code == 404
    after = _scrape(observed)
    assert (
        _sample(after, "investmap_requests_total", **route, status="200")
        == _sample(before, "investmap_requests_total", **route, status="200") + 2
    )
    assert (
        _sample(after, "investmap_requests_total", **route, status="404")
        == _sample(before, "investmap_requests_total", **route, status="404") + 1
    )
    # Latency: every one of the three timed; no label carries a record id.
    assert (
        _sample(after, "investmap_request_seconds_count", **route)
        == _sample(before, "investmap_request_seconds_count", **route) + 3
    )
    assert carriers[0] not in after.replace("/api/v1/carriers/{item_id}", "")
    assert _sample(after, "investmap_db_pool_connections", state="checked_out") == 0  # all returned
    tiles = {"route": "/tiles/{layer_id}/{z}/{x}/{y}.mvt", "method": "GET", "status": "200"}
    assert observed.get("/tiles/land/8/210/106.mvt").status_code == 200
    assert _sample(_scrape(observed), "investmap_requests_total", **tiles) >= 1


def test_data_versions_are_exported(observed: TestClient, db: Session) -> None:
    stored = dict(db.execute(text("SELECT table_name, version FROM data_versions")).tuples().all())
    scraped = _scrape(observed)
    assert {t: _sample(scraped, "investmap_data_version", table=t) for t in stored} == {t: float(v) for t, v in stored.items()}


def test_cache_lookups_are_counted(observed: TestClient) -> None:
    x, y = tile_of(115.9, 28.6, 8)  # Nanchang
    path = f"/tiles/land/8/{x}/{y}.mvt"
    before = _scrape(observed)
    assert observed.get(path).status_code == 200
    assert observed.get(path).status_code == 200
    after = _scrape(observed)
    hits = _sample(after, "investmap_cache_lookups_total", cache="tiles", result="hit")
    assert hits - _sample(before, "investmap_cache_lookups_total", cache="tiles", result="hit") >= 1


def test_metrics_are_for_the_token_holder_or_loopback_only(observed: TestClient, settings: Settings) -> None:
    refused = observed.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 403
    assert "INVESTMAP_METRICS_TOKEN" in refused.json()["error"]["message"]
    assert "监控令牌" in refused.json()["error"]["message_zh"]
    assert observed.get("/metrics").status_code == 403
    # Without a token: a scraper on the host may read them, nobody else.
    app = create_app(settings)
    with TestClient(app, client=("127.0.0.1", 50000)) as local, TestClient(app) as remote:
        assert local.get("/metrics").status_code == 200
        assert remote.get("/metrics").status_code == 403


def test_each_request_has_an_id_and_a_json_log_line(observed: TestClient, carriers: list[str]) -> None:
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(next(h for h in access_log.handlers).formatter)
    access_log.addHandler(handler)
    try:
        given = observed.get(carriers[0], headers={"X-Request-ID": "trace-42.a"})
        made = observed.get("/api/v1/carriers/999999999", headers={"X-Request-ID": "bad id\twith spaces"})
    finally:
        access_log.removeHandler(handler)
    assert given.headers["x-request-id"] == "trace-42.a"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    logged = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert [(e["request_id"], e["route"], e["status"], e["path"]) for e in logged] == [
        ("trace-42.a", "/api/v1/carriers/{item_id}", 200, carriers[0]),
        (made.headers["x-request-id"], "/api/v1/carriers/{item_id}", 404, "/api/v1/carriers/999999999"),
    ]
    assert all(e["method"] == "GET" and e["ms"] >= 0 and e["level"] == "INFO" for e in logged)


def test_slow_statements_are_logged_with_the_shape_of_their_parameters_not_their_values(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    db = settings.database.model_copy(update={"slow_statement_ms": 0})  # every statement is slow
    with client_with(database=db) as slow, caplog.at_level(logging.WARNING, logger="investmap.slow"):
        r = slow.post("/api/v1/auth/login", json={"username": "slow-secret-user-xyz", "password": "p" * 12})
    assert r.status_code == 401
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "investmap.slow"]
    by_name = [line for line in lines if "username" in line and "FROM users" in line]
    assert by_name, lines
    assert all(re.search(r"parameters: \{'username_1': 'str'", line) for line in by_name), by_name
    assert not any("slow-secret-user-xyz" in line for line in lines)
