"""ETags from data versions, so a repeat request is answered 304 without touching the data; and
the audience, which decides what a caller sees of a layer.

A response depends only on its URL, on its audience (what the caller may see, below), and on
the data of its layer's tables; the layer's data version (app/core/versions.py) changes with
every write to those tables. Hashing the three gives an ETag that is known before any query.
`no-cache` lets clients and proxies keep the body but makes them ask every time, which is
what keeps an edit visible on the very next request.

The SQL of a page or a tile depends on the caller only through the audience too, so statements
are built and compiled once per `Audience`, never per principal (a principal also carries its
session's CSRF token: keyed by it, every sign-in would compile its own statements).
"""

import hashlib
from dataclasses import dataclass, field

from fastapi import Request, Response

from app.core.auth import Principal
from app.core.settings import settings


def audience(user: Principal) -> tuple[object, ...]:
    """What decides the records and layers a caller gets (see published_or_own in app/core/provenance.py):
    staff see everything, a write key also its own drafts, an API key only its collections.
    Callers with the same audience share cache entries and ETags."""
    drafts = frozenset() if user.sees_unpublished else user.write_counties
    # Whether the public sees demo records is the deployment's: statements are built and cached per audience.
    demo = user.sees_unpublished or settings().demo.public
    return user.sees_unpublished, tuple(sorted(drafts)), tuple(sorted(user.collections)), demo


@dataclass(frozen=True)
class Audience:
    """Callers who see the same records and properties; equal and hashed by `key` alone."""

    key: tuple[object, ...]
    reader: Principal = field(compare=False, repr=False)  # one of them: statements are built for them

    @classmethod
    def of(cls, user: Principal) -> "Audience":
        return cls(audience(user), user)


def etag(*parts: object) -> str:
    return '"' + hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=12).hexdigest() + '"'


def cache_headers(tag: str, user: Principal) -> dict[str, str]:
    scope = "public" if user.role == "public" else "private"
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
