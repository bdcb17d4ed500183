"""The shared HTTP cache of deploy/nginx.conf (issue 17), run with Debian's real nginx in front of
the real service: public tiles and REST reads are stored and served again, answers to a caller
with credentials never are, and /metrics does not pass the proxy."""

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.core.settings import PROJECT_ROOT
from tests.support.serving import serving
from tests.support.tiles import tile_of

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def proxy(live_server: str) -> Iterator[str]:
    """nginx with deploy/nginx.conf as shipped but for its listening port, cache folder and upstream."""
    root = Path(tempfile.mkdtemp(prefix="investmap-nginx-"))
    port = _free_port()
    shipped = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    site = (
        shipped.replace("/var/cache/nginx/investmap", str(root / "cache"))
        .replace("server 127.0.0.1:8000;", f"server {live_server.removeprefix('http://')};")
        .replace("listen 80;", f"listen 127.0.0.1:{port};")
    )
    assert site.count(str(root)) == 1 and f":{port};" in site and live_server.removeprefix("http://") in site
    (root / "site.conf").write_text(site)
    (root / "nginx.conf").write_text(
        f"daemon off;\nworker_processes 1;\n{'user root;' if os.geteuid() == 0 else ''}\n"
        f"pid {root}/nginx.pid;\nerror_log {root}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {root}/body;\n  proxy_temp_path {root}/proxy;\n"
        f"  include {root}/site.conf;\n}}\n"
    )
    url = f"http://127.0.0.1:{port}"
    try:
        with serving([NGINX, "-c", str(root / "nginx.conf"), "-p", str(root)], dict(os.environ), f"{url}/healthz"):
            yield url
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _twice(url: str, headers: dict[str, str] | None = None) -> tuple[httpx.Response, httpx.Response]:
    with httpx.Client(headers=headers) as http:
        return http.get(url), http.get(url)


def test_public_tiles_and_lists_are_served_from_the_proxy(proxy: str, live_server: str) -> None:
    x, y = tile_of(115.9, 28.6, 8)  # Nanchang
    for path in (f"/tiles/land/8/{x}/{y}.mvt", "/api/v1/regions?level=city"):
        first, again = _twice(proxy + path)
        assert (first.status_code, again.status_code) == (200, 200)
        assert first.headers["x-cache-status"] in {"MISS", "EXPIRED"}
        # Stored: served by nginx (a copy past its second is revalidated with If-None-Match: 304 upstream).
        assert again.headers["x-cache-status"] in {"HIT", "REVALIDATED"}, path
        assert again.content == first.content == httpx.get(live_server + path).content
        assert again.headers["etag"] == first.headers["etag"]


def test_answers_to_callers_with_credentials_are_never_stored(proxy: str, admin: dict[str, str]) -> None:
    x, y = tile_of(115.9, 28.6, 8)
    path = f"{proxy}/tiles/land/8/{x}/{y}.mvt"
    staff, staff_again = _twice(path, {"Cookie": admin["Cookie"]})
    assert [r.headers["x-cache-status"] for r in (staff, staff_again)] == ["BYPASS", "BYPASS"]
    assert staff.headers["cache-control"].startswith("private")
    keyed = httpx.get(path, headers={"Authorization": "Bearer im_not-a-key"})
    assert (keyed.status_code, keyed.headers["x-cache-status"]) == (401, "BYPASS")


def test_metrics_do_not_pass_the_proxy(proxy: str) -> None:
    assert httpx.get(f"{proxy}/metrics").status_code == 404
