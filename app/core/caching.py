"""HTTP caching: a strong ETag of the content, 304 on a match, and who may keep a copy.

Public answers may be kept for `max_age` seconds by browsers and shared caches, then revalidated
with If-None-Match (a 304 costs a round trip and no transfer). Answers to a caller with
credentials (a session cookie or an API key) may show what the public does not see: they are
`private, no-store`, kept by no cache at all. `Vary` names the request headers an answer
depends on, so that a cache never hands one caller's answer to another.
"""

import hashlib

from fastapi import Request, Response

from app.core.auth import SESSION_COOKIE

# REST reads differ by output format (Accept: application/geo+json) and by who asks.
API_VARY = "Accept, Authorization, Cookie"


def etag_of(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def has_credentials(request: Request) -> bool:
    return "authorization" in request.headers or SESSION_COOKIE in request.cookies


def cache_control(max_age: int, private: bool = False) -> str:
    """max_age=0 means "no-cache": the copy may be kept but is revalidated every time."""
    if private:
        return "private, no-store"
    return f"public, max-age={max_age}" if max_age else "no-cache"


def cached(
    request: Request, body: str | bytes, media_type: str, max_age: int = 0, private: bool = False, vary: str | None = None
) -> Response:
    """`body` with a strong ETag; an unchanged client copy gets 304 and no body.

    max_age=0 (no-cache) never shows a stale page after a deploy or an edit.
    """
    content = body.encode() if isinstance(body, str) else body
    tag = etag_of(content)
    headers = {"ETag": tag, "Cache-Control": cache_control(max_age, private)}
    if vary:
        headers["Vary"] = vary
    if tag in (t.strip() for t in request.headers.get("if-none-match", "").split(",")):
        return Response(status_code=304, headers=headers)
    return Response(content=content, media_type=media_type, headers=headers)
