"""The built frontend (Vite writes it to app/static/dist): the map at `/`, the API's documentation
pages at /docs (Swagger UI) and /redoc (ReDoc), their assets under /assets.

Vite puts a content hash in every asset's file name, so an asset URL never changes meaning
and may be cached for a year; index.html names the current assets, so it is revalidated on
every visit (a cheap 304) and a deploy is seen at once.
"""

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.core.caching import cached
from app.core.errors import NotFound
from app.core.settings import PROJECT_ROOT

DIST = PROJECT_ROOT / "app" / "static" / "dist"
IMMUTABLE = "public, max-age=31536000, immutable"
# Files Vite copies unchanged from frontend/public to the top of dist/.
TOP_LEVEL_FILES = {"favicon.svg": "image/svg+xml"}
# Pages Vite builds (frontend/index.html, frontend/api-docs/), by the address they are served at.
# The documentation replaces FastAPI's own pages, which load Swagger UI and ReDoc from a CDN
# with an inline script: that fails offline and under the Content-Security-Policy.
PAGES = {
    "/": "index.html",
    "/docs": "api-docs/swagger.html",
    "/redoc": "api-docs/redoc.html",
    "/docs/oauth2-redirect": "api-docs/oauth2-redirect.html",
}

_NOT_BUILT = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>InvestMap 招商一张图</title>
<body>
<h1>页面尚未构建 / The map page is not built</h1>
<p>请在仓库根目录运行 <code>make frontend</code>（或 <code>make run</code>）。</p>
<p>Run <code>make frontend</code> (or <code>make run</code>) in the repository root.
The API is up: <a href="/openapi.json">/openapi.json</a>.</p>
</body></html>"""


class HashedAssets(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        # A missing file raises (and becomes the bilingual 404); anything returned is the file or a 304.
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = IMMUTABLE
        return response


def _top_level(dist: Path, name: str, media_type: str) -> Callable[[Request], Response]:
    def serve(request: Request) -> Response:
        path = dist / name
        if not path.is_file():
            raise NotFound("file", "文件", name)
        return cached(request, path.read_bytes(), media_type, max_age=86400)

    return serve


def _page(dist: Path, name: str) -> Callable[[Request], Response]:
    def serve(request: Request) -> Response:
        page = dist / name
        if not page.is_file():
            return HTMLResponse(_NOT_BUILT, status_code=503, headers={"Cache-Control": "no-store"})
        return cached(request, page.read_bytes(), "text/html; charset=utf-8")

    return serve


def install_frontend(app: FastAPI, dist: Path = DIST) -> None:
    app.mount("/assets", HashedAssets(directory=dist / "assets", check_dir=False), name="assets")
    for path, name in PAGES.items():
        app.add_api_route(path, _page(dist, name), include_in_schema=False, methods=["GET"])
    for name, media_type in TOP_LEVEL_FILES.items():
        app.add_api_route(f"/{name}", _top_level(dist, name, media_type), include_in_schema=False, methods=["GET"])
