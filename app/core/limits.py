"""Limits on what a caller sends: the request body, counted in bytes while it arrives.

A body is refused with 413 as soon as it passes its route's limit and before anything parses it:
a declared Content-Length above the limit is refused without reading a byte, and the bytes are
counted as they are received, so a chunked body (no Content-Length) or one longer than it
declared is stopped at the limit too. Uvicorn buffers only ~64 kB of a body the application has
not asked for, so a refused body is never held in memory.

Every route has the JSON default (INVESTMAP_MAX_BODY_MB) unless it declares its own with
`openapi_extra=body_limit(...)`, which also documents the limit in the OpenAPI document; routes
that take files declare `upload_limit()` (INVESTMAP_MAX_UPLOAD_MB).
"""

from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import PayloadTooLarge, error_response
from app.core.settings import settings

LIMIT_KEY = "x-max-body-bytes"
MB = 1024 * 1024


def body_limit(max_bytes: int) -> dict[str, Any]:
    """openapi_extra of a route whose body may be at most `max_bytes` long."""
    return {LIMIT_KEY: max_bytes}


def upload_limit() -> dict[str, Any]:
    """openapi_extra of a route that takes uploaded files."""
    return body_limit(int(settings().api.max_upload_mb * MB))


def default_limit() -> int:
    return int(settings().api.max_body_mb * MB)


class _Overflow(Exception):
    """Raised into the application when the body passes its limit; the middleware answers."""


def route_limit(scope: Scope, default: int) -> int:
    """The body limit of the route that will answer `scope`, matched the way Starlette's router does."""
    for route in scope["app"].router.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            extra = getattr(route, "openapi_extra", None) or {}
            return int(extra.get(LIMIT_KEY, default))
    return default


class RequestSizeLimit:
    """ASGI middleware enforcing the body limit of each route (see the module's docstring)."""

    def __init__(self, app: ASGIApp, default: int | None = None) -> None:
        self.app = app
        self.default = default_limit() if default is None else default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit: int | None = None

        def allowed() -> int:
            # Routes are matched only for requests that carry a body.
            nonlocal limit
            if limit is None:
                limit = route_limit(scope, self.default)
            return limit

        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > allowed():
            await self._refuse(scope, receive, send, allowed())
            return
        received = 0
        overflowed = started = False

        async def counting_receive() -> Message:
            nonlocal received, overflowed
            message = await receive()
            if message["type"] == "http.request" and message.get("body"):
                received += len(message["body"])
                if received > allowed():
                    overflowed = True
                    raise _Overflow
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if overflowed:
                return  # whatever the application makes of the interrupted read, the answer is the 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            # Frameworks wrap a failed body read in their own errors: after an overflow, any is its echo.
            if not overflowed or started:
                raise
        if overflowed and not started:
            await self._refuse(scope, receive, send, allowed())

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        # Connection: close, so that the rest of the body is never read as a next request.
        response = error_response(Request(scope), PayloadTooLarge(limit))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)
