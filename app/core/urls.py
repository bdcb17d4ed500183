"""Absolute URLs of this service in what it answers: `next` links, OGC links, Location headers, TileJSON.

With INVESTMAP_PUBLIC_URL set, links use it and the Host header plays no part. Without it the
Host header is used only when it names a trusted host: one of INVESTMAP_ALLOWED_HOSTS (default
`localhost`), or the very address and port the connection came in on. Any other Host (a forged
one, which a shared cache could keep and hand to everyone) gets links to that address instead:
they still work, and nothing the caller wrote is reflected into them. Requests are never refused
for their Host, so that a server reached by its LAN address works without configuration.
"""

from functools import lru_cache

from starlette.requests import Request

from app.core.settings import settings

_DEFAULT_PORTS = {"http": 80, "https": 443}


@lru_cache
def _host_names(allowed: str) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in allowed.split(",") if h.strip())


def _authority(scheme: str, host: str, port: int | None) -> str:
    host = f"[{host}]" if ":" in host else host  # IPv6
    return host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"


def _name(authority: str) -> str:
    """The host name of a Host header, without its port (IPv6 literals keep their brackets off)."""
    if authority.startswith("["):
        return authority[1:].partition("]")[0]
    return authority.rpartition(":")[0] if authority.count(":") == 1 else authority


def base_url(request: Request) -> str:
    """scheme://host[:port][/prefix] at which clients reach this service, without a trailing slash."""
    server_settings = settings().server
    configured = server_settings.public_url
    if configured:
        return str(configured).rstrip("/")
    scheme = request.url.scheme
    host = request.headers.get("host", "").lower()
    server = request.scope.get("server")
    own = _authority(scheme, server[0], server[1]) if server else None
    if host and (host == own or _name(host) in _host_names(server_settings.allowed_hosts)):
        return f"{scheme}://{host}"
    return f"{scheme}://{own}" if own else ""  # no socket address known: links relative to this host


def absolute(request: Request, path: str, query: str = "") -> str:
    """An absolute URL of this service from a path (and a query string)."""
    return base_url(request) + path + (f"?{query}" if query else "")


def url_of(request: Request, route: str, **params: object) -> str:
    """The absolute URL of a named route (a Location header)."""
    return absolute(request, request.url_for(route, **params).path)
