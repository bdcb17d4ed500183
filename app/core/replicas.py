"""Read replicas (DATABASE_REPLICA_URLS): which server answers a request's reads.

A read (GET or HEAD) goes to a streaming replica that has replayed everything the request may
depend on; everything else, and every read no replica can serve yet, goes to the primary. What a
read depends on is an LSN of the primary, its *floor*, the larger of:

- the caller's last write: a request that committed a write answers with the primary's WAL
  position after its commit, as the cookie `investmap_lsn` and the header `X-InvestMap-LSN`
  (API clients send the header back), so a writer reads its own writes on any worker;
- the data versions this worker knows (core/versions.py reads the WAL position with them): a
  tile or page cached, or an ETag given, under a version is never built from data older than it.

The replica's `pg_last_wal_replay_lsn()` is checked when a request first needs a connection
(a cached or 304 answer needs none). A replica that cannot be reached, or is not in recovery, is
skipped for INVESTMAP_REPLICA_BACKOFF_S; one behind the floor is skipped for that request only.
A read whose replica fails under it (killed, a recovery conflict, a statement that writes on a
read) is answered again from the primary, from scratch, as long as no byte of the answer has left:
`ReadRouting` holds the start of the answer until the request is done with its database.
"""

import itertools
import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from http.cookies import SimpleCookie

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import ExceptionContext
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.engines import engine_for
from app.core.metrics import REPLICA_LAG, REPLICA_READS, REPLICA_UP
from app.core.settings import DatabaseSettings, settings

COOKIE = "investmap_lsn"
HEADER = "X-InvestMap-LSN"
# A writer's own reads need the primary only until the replicas have replayed its write: seconds.
COOKIE_SECONDS = 300
_LSN = re.compile(r"^([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})$")
_READS = {"GET", "HEAD"}
_WAL_PAGE = 8192
_LONG_PAGE_HEADER = 40
log = logging.getLogger(__name__)


def lsn_value(lsn: str | None) -> int:
    """A pg_lsn ('16/B374D848') as a number; 0 for none or a malformed one."""
    match = _LSN.match(lsn or "")
    return (int(match[1], 16) << 32) | int(match[2], 16) if match else 0


def replayable(insert_lsn: int) -> int:
    """Where a replica stands once it has replayed everything inserted before `insert_lsn`
    (pg_current_wal_insert_lsn()): a position just past a WAL page's header is the end of the
    page before, which is all a replica ever reports when the last record filled its page."""
    within = insert_lsn % _WAL_PAGE
    return insert_lsn - within if within <= _LONG_PAGE_HEADER else insert_lsn


def lsn_text(value: int) -> str:
    return f"{value >> 32:X}/{value & 0xFFFFFFFF:X}"


@dataclass
class Route:
    """One request's routing, shared (mutably) by the request's threads and `ReadRouting`."""

    reads: bool  # a GET or HEAD that may go to a replica
    floor: int = 0  # the caller's last write, from its cookie or header
    known: Callable[[], int] = lambda: 0  # the WAL position of the data versions this worker knows
    replica: str | None = None  # the replica serving the request, once chosen
    replayed: int = 0  # what that replica had replayed when chosen
    failed: bool = False  # the replica failed under the request: answer it again from the primary
    written: int = 0  # the primary's WAL position after this request's commit


_ROUTE: ContextVar[Route | None] = ContextVar("investmap_route", default=None)


def current_route() -> Route | None:
    return _ROUTE.get()


def note_written(lsn: int) -> None:
    """After a commit that wrote: the caller's next reads need the replicas to have replayed `lsn`."""
    if (route := _ROUTE.get()) is not None:
        route.written = max(route.written, lsn)


def fail_route() -> None:
    """The current request's replica failed under it."""
    if (route := _ROUTE.get()) is not None and route.replica is not None:
        route.failed = True


def check_version_lsn(lsn: int) -> None:
    """A data version read at `lsn` is used by this request: if its replica had not replayed that
    far when chosen, its answer could be older than the version it is cached and tagged under."""
    route = _ROUTE.get()
    if route is not None and route.replica is not None and lsn > route.replayed:
        route.failed = True


@dataclass
class _Health:
    down_until: float = 0.0
    served: int = 0  # requests read from the replica (the /metrics counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


_HEALTH: dict[str, _Health] = {}
_HEALTH_LOCK = threading.Lock()
_TURN = itertools.count()


def health(url: str) -> _Health:
    with _HEALTH_LOCK:
        return _HEALTH.setdefault(url, _Health())


def replica_urls(db: DatabaseSettings | None = None) -> list[str]:
    db = db or settings().database
    return [u.strip() for u in db.replica_urls.split(",") if u.strip()]


def _back_off(url: str, backoff: float, why: str) -> None:
    h = health(url)
    with h.lock:
        h.down_until = time.monotonic() + backoff
    REPLICA_UP.labels(_safe(url)).set(0)
    log.warning("read replica %s skipped for %.1f s: %s", _safe(url), backoff, why)


def _safe(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//", url)


@lru_cache
def _replica_engine(url: str, db: DatabaseSettings) -> Engine:
    engine = engine_for(url, db, connect_timeout=2)

    @event.listens_for(engine, "handle_error")
    def _failed(context: ExceptionContext) -> None:
        route = _ROUTE.get()
        if route is not None and route.replica == url:
            route.failed = True
        if context.is_disconnect:
            _back_off(url, db.replica_backoff_s, str(context.original_exception).strip())

    return engine


def replica_connection() -> Connection | None:
    """A connection to a replica fit for the current request's reads, or None: use the primary."""
    route = _ROUTE.get()
    db = settings().database
    urls = replica_urls(db)
    if route is None or not route.reads or route.failed or not urls:
        return None
    floor = max(route.floor, route.known())
    start = next(_TURN)
    now = time.monotonic()
    for url in (urls[(start + i) % len(urls)] for i in range(len(urls))):
        h = health(url)
        if h.down_until > now:
            continue
        try:
            conn = _replica_engine(url, db).connect()
            replayed = conn.execute(text("SELECT pg_last_wal_replay_lsn()::text")).scalar()
            conn.rollback()
        except Exception as exc:  # noqa: BLE001 - any failure: skip it for a while, read elsewhere
            _back_off(url, db.replica_backoff_s, str(exc).strip())
            continue
        if replayed is None:
            conn.close()
            _back_off(url, db.replica_backoff_s, "not a replica (not in recovery)")
            continue
        REPLICA_UP.labels(_safe(url)).set(1)
        REPLICA_LAG.labels(_safe(url)).set(max(0, route.known() - lsn_value(replayed)))
        if lsn_value(replayed) < floor:
            conn.close()
            continue
        route.replica, route.replayed = url, lsn_value(replayed)
        with h.lock:
            h.served += 1
        REPLICA_READS.labels(_safe(url)).inc()
        return conn
    return None


def _floor(scope: Scope) -> int:
    headers = dict(scope.get("headers") or [])
    given = headers.get(HEADER.lower().encode(), b"").decode("latin-1")
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
    except Exception:  # noqa: BLE001 - a malformed cookie header: no floor from it
        pass
    from_cookie = cookie[COOKIE].value if COOKIE in cookie else None
    return max(lsn_value(given), lsn_value(from_cookie))


def _written_headers(route: Route) -> list[tuple[bytes, bytes]]:
    lsn = lsn_text(route.written)
    return [
        (HEADER.lower().encode(), lsn.encode()),
        (b"set-cookie", f"{COOKIE}={lsn}; Max-Age={COOKIE_SECONDS}; Path=/; HttpOnly; SameSite=Lax".encode()),
    ]


class ReadRouting:
    """ASGI middleware: each HTTP request gets its `Route`; a write's answer carries its LSN; a
    read whose replica failed before the answer started is answered again from the primary."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not replica_urls():
            await self.app(scope, receive, send)
            return
        versions = getattr(scope["app"].state, "versions", None) if "app" in scope else None
        known: Callable[[], int] = versions.lsn if versions is not None else (lambda: 0)
        route = Route(reads=scope["method"] in _READS, floor=_floor(scope), known=known)
        token = _ROUTE.set(route)
        try:
            if not route.reads:
                await self.app(scope, receive, _stamping(route, send))
                return
            forwarded = False

            async def held(message: Message) -> None:
                nonlocal forwarded
                if message["type"] == "http.response.start" and route.failed:
                    return  # this answer is dropped: the primary answers again
                if forwarded or message["type"] == "http.response.start":
                    forwarded = True
                    await send(message)

            try:
                await self.app(scope, receive, held)
            except Exception:
                # An error no handler answered (a write refused by the replica is a 500): the
                # primary answers again, unless part of the answer has already left.
                if forwarded or not route.failed:
                    raise
            if route.failed and not forwarded:
                log.info("read on replica %s failed; answered from the primary", _safe(route.replica or ""))
                again = Route(reads=False, floor=route.floor, known=known)
                _ROUTE.set(again)
                await self.app(scope, _empty_body, _stamping(again, send))
        finally:
            _ROUTE.reset(token)


async def _empty_body() -> Message:
    # A GET or HEAD answered again: its (empty) body was read by the first attempt.
    return {"type": "http.request", "body": b"", "more_body": False}


def _stamping(route: Route, send: Send) -> Callable[[Message], Awaitable[None]]:
    async def stamped(message: Message) -> None:
        if message["type"] == "http.response.start" and route.written:
            message = {**message, "headers": [*message.get("headers", []), *_written_headers(route)]}
        await send(message)

    return stamped


def served_counts() -> dict[str, int]:
    """Requests read from each replica by this process (passwords left out of the names)."""
    with _HEALTH_LOCK:
        return {_safe(url): h.served for url, h in _HEALTH.items()}
