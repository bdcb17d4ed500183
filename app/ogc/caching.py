"""ETags from data versions, so a repeat request is answered 304 without touching the data.

A response depends only on its URL, on whether the caller sees unpublished records, and on
the data of its layer's tables; the layer's data version (app/core/versions.py) changes with
every write to those tables. Hashing the three gives an ETag that is known before any query.
`no-cache` lets clients and proxies keep the body but makes them ask every time, which is
what keeps an edit visible on the very next request.
"""

import hashlib

from fastapi import Request, Response

from app.core.auth import Principal


def etag(*parts: object) -> str:
    return '"' + hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=12).hexdigest() + '"'


def cache_headers(tag: str, user: Principal) -> dict[str, str]:
    scope = "private" if user.sees_unpublished else "public"
    return {"ETag": tag, "Cache-Control": f"{scope}, no-cache", "Vary": "Authorization"}


def not_modified(request: Request, tag: str, user: Principal) -> Response | None:
    """A 304 when the client already holds this version (If-None-Match), else None."""
    sent = request.headers.get("if-none-match")
    if sent is None:
        return None
    held = {t.strip().removeprefix("W/") for t in sent.split(",")}
    if tag in held or "*" in held:
        return Response(status_code=304, headers=cache_headers(tag, user))
    return None
