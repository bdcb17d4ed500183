"""CORS for partner web apps (issue 13): none by default; the configured origins get answers to
their preflight and their requests, with the headers a partner needs; others get nothing."""

from typing import Any

from fastapi.testclient import TestClient

from app.core.settings import ServerSettings
from tests.support.apps import client_with

PARTNER = "https://partner.example.gov.cn"
PREFLIGHT = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"}


def test_no_origin_is_allowed_by_default(client: TestClient) -> None:
    r = client.get("/api/v1/regions?level=city", headers={"Origin": PARTNER})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
    assert "access-control-allow-origin" not in client.options("/api/v1/parks", headers={"Origin": PARTNER, **PREFLIGHT}).headers


def test_configured_origins(settings: Any) -> None:
    with client_with(server=ServerSettings(cors_origins=f"{PARTNER}, https://other.example")) as partner:
        r = partner.options("/api/v1/parks", headers={"Origin": PARTNER, **PREFLIGHT})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == PARTNER
        assert "authorization" in r.headers["access-control-allow-headers"].lower()
        r = partner.get("/api/v1/regions?level=city", headers={"Origin": PARTNER})
        assert (
            r.headers["access-control-allow-origin"] == PARTNER and "etag" in r.headers["access-control-expose-headers"].lower()
        )
        assert "access-control-allow-credentials" not in r.headers
        r = partner.options("/api/v1/parks", headers={"Origin": "https://evil.example", **PREFLIGHT})
        assert r.status_code == 400 and "access-control-allow-origin" not in r.headers
