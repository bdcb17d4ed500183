"""Issue 9, finding 1: the Content-Security-Policy and the other security headers are on every
response (the page, the API, assets, errors, the documentation pages), the policy runs no inline
or eval'd script, and the built pages need neither."""

import re

import httpx
import pytest
from fastapi.testclient import TestClient

from app.web.basemaps import WebSettings, web_config
from app.web.security import RELAXED_PAGES, content_security_policy, tile_source
from app.web.static import DIST, PAGES

HEADERS = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "strict-origin-when-cross-origin"}


def policy(response: httpx.Response) -> dict[str, list[str]]:
    header = response.headers["content-security-policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split(";")}


def _asset(client: TestClient) -> str:
    found = re.search(r'src="(/assets/[^"]+\.js)"', client.get("/").text)
    assert found, "the built page names its script"
    return found.group(1)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/v1/parks?limit=1",
        "/api/v1/parks/999999999",
        "/tiles/parks/5/26/13.mvt",
        "/ogc/collections",
        "/openapi.json",
        "/favicon.svg",
        "asset",
        "/docs",
        "/redoc",
        "/docs/oauth2-redirect",
        "/healthz",
    ],
)
def test_every_response_carries_the_headers(client: TestClient, path: str) -> None:
    r = client.get(_asset(client) if path == "asset" else path)
    assert r.status_code == (404 if path == "/api/v1/parks/999999999" else 200), r.text[:200]
    for name, value in HEADERS.items():
        assert r.headers[name] == value, (path, name)
    csp = policy(r)
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other host
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["connect-src"] == ["'self'"] and csp["default-src"] == ["'self'"]
    # The styles: none inline, but on ReDoc's page (its renderer writes <style> elements).
    assert csp["style-src"] == (["'self'", "'unsafe-inline'"] if path in RELAXED_PAGES else ["'self'"])


def test_images_may_come_from_the_offered_basemaps_only(client: TestClient) -> None:
    img = policy(client.get("/"))["img-src"]
    basemaps = client.get("/api/v1/config").json()["basemaps"]
    hosts = {tile_source(url) for b in basemaps for url in b["layers"]}
    assert hosts == {"https://tile.openstreetmap.org", "https://*.is.autonavi.com"}
    assert sorted(img) == sorted(["'self'", "data:", *hosts])


def test_tile_templates_become_sources() -> None:
    assert tile_source("https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=k") == "https://*.tianditu.gov.cn"
    assert tile_source("https://webrd0{s}.is.autonavi.com/appmaptile?x={x}") == "https://*.is.autonavi.com"
    assert tile_source("http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png") == "http://10.1.2.3:8080"
    assert tile_source("https://tiles.{s}.example.org/{z}/{x}/{y}.png") == "https://*.example.org"
    # A Tianditu key adds its host; a basemap turned off (empty template) takes its host away.
    settings = WebSettings(tianditu_key="k", osm_tile_url="")
    templates = [u for b in web_config(settings).basemaps for u in b.layers]
    img = next(d for d in content_security_policy(templates).split("; ") if d.startswith("img-src"))
    assert img == "img-src 'self' data: https://*.is.autonavi.com https://*.tianditu.gov.cn"


def test_the_built_pages_have_no_inline_script_handler_or_style() -> None:
    for name in PAGES.values():
        page = (DIST / name).read_text()
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, flags=re.S)
        assert scripts and all('src="/assets/' in attrs and not body.strip() for attrs, body in scripts), name
        assert not re.search(r"<[^>]+\s(on[a-z]+|style)\s*=", page), name
        assert "//" not in "".join(re.findall(r'(?:src|href)="([^"]+)"', page)), f"{name} loads from another host"


def test_the_documentation_is_served_by_the_service(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "cdn" not in r.text.lower()
        for asset in re.findall(r'(?:src|href)="(/assets/[^"]+)"', r.text):
            assert client.get(asset).status_code == 200, asset
