"""Security headers on every response of the service.

The Content-Security-Policy is the second line behind escaping (frontend/src/html.js): were
some record text ever to reach the page as markup, the browser still runs no script that is
not a file of this service (no inline script, no event-handler attribute, no eval), sends no
request to another host and lets no other site frame the page.

- Styles: no page of the service has an inline style (Leaflet and Swagger UI place things
  through the CSSOM, which a CSP does not govern), so `style-src 'self'` holds, except on
  /redoc: ReDoc (styled-components) writes <style> elements at run time and builds its search
  worker from a blob. That page alone gets `'unsafe-inline'` styles and `blob:` workers;
  scripts stay 'self' everywhere. ReDoc's footer logo (a CDN image) is refused, and ReDoc
  drops it.
- Images: the page's own files and Leaflet's `data:` icons, plus the tile hosts of the online
  basemaps the server offers (OpenStreetMap, Tianditu, Amap, or an intranet mirror set in
  the environment): each template's scheme and host, a `{s}` subdomain as `*`.
- Connections: the service only (the API, vector tiles, the OpenAPI document).
"""

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.settings import WebSettings
from app.web.basemaps import web_config

# Pages whose third-party renderer needs inline styles and blob workers (see the module docstring).
RELAXED_PAGES = frozenset({"/redoc"})


def tile_source(template: str) -> str:
    """The CSP source of a Leaflet tile URL template: 'https://t{s}.x.cn/...' -> 'https://*.x.cn'."""
    parts = urlsplit(template)
    labels = parts.hostname.split(".") if parts.hostname else []
    templated = [i for i, label in enumerate(labels) if "{" in label]
    host = ".".join(["*", *labels[templated[-1] + 1 :]]) if templated else ".".join(labels)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def content_security_policy(tile_templates: Iterable[str], *, relaxed: bool = False) -> str:
    tiles = sorted({tile_source(t) for t in tile_templates})
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", *(["'unsafe-inline'"] if relaxed else [])],
        "worker-src": ["'self'", *(["blob:"] if relaxed else [])],
        "img-src": ["'self'", "data:", *tiles],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def security_headers(tile_templates: Iterable[str]) -> dict[str, dict[str, str]]:
    """The headers of a response, for every path ("") and for the RELAXED_PAGES ("relaxed")."""
    templates = list(tile_templates)
    common = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    return {
        "": {**common, "Content-Security-Policy": content_security_policy(templates)},
        "relaxed": {**common, "Content-Security-Policy": content_security_policy(templates, relaxed=True)},
    }


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, web: WebSettings) -> None:
        self.app = app
        self.headers = security_headers(url for basemap in web_config(web).basemaps for url in basemap.layers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = self.headers["relaxed" if scope["path"] in RELAXED_PAGES else ""]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
