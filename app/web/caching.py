"""HTTP caching of bodies that change rarely: an ETag of the content and 304 on a match."""

import hashlib

from fastapi import Request, Response


def etag_of(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def cached(request: Request, body: str | bytes, media_type: str, max_age: int = 0) -> Response:
    """`body` with a strong ETag; an unchanged client copy gets 304 and no body.

    max_age=0 means "no-cache": the browser keeps the copy but asks every time, which costs
    a round trip and no transfer, and never shows a stale page after a deploy.
    """
    content = body.encode() if isinstance(body, str) else body
    tag = etag_of(content)
    headers = {"ETag": tag, "Cache-Control": f"public, max-age={max_age}" if max_age else "no-cache"}
    if tag in (t.strip() for t in request.headers.get("if-none-match", "").split(",")):
        return Response(status_code=304, headers=headers)
    return Response(content=content, media_type=media_type, headers=headers)
