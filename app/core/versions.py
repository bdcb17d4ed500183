"""Data versions of the tables, as this process knows them, for cache keys and ETags.

The database is the source of truth: a statement-level trigger (migrations 0004, 0009) bumps a
table's version on every write, without a lock other writers wait for, and NOTIFYs
`investmap_data_version` at commit. A table's version only grows; the version of data drawn from
several tables is the sum of theirs, which therefore changes whenever any of them does and never
repeats (`investmap db restore` moves every version past the ones before). Each worker process
keeps a copy in memory, refreshed by a listener thread on every notification, so a cached tile or
page is checked without a query. When the listener is not connected (at start, while the database
restarts), every lookup reads the versions instead: slower, never stale, and a 503 while the
database is away. The listener reconnects by itself every second.

The app's lifespan starts its `DataVersions` and stops it at shutdown (app.state.versions).
A write through the app's own request sessions does not wait for its notification: such a
session (core/database.py names its app's versions in `session.info`) that flushed changes or
ran an INSERT/UPDATE/DELETE re-reads the versions right after it commits, which happens before
its response is sent, so the very next request to the same worker already sees the new version.
The services need no hook of their own.
"""

import logging
import threading
from collections.abc import Iterable

import psycopg
from fastapi import Request
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import ORMExecuteState, Session

from app.core.database import CONNECT_TIMEOUT_SECONDS, VERSIONS_KEY

CHANNEL = "investmap_data_version"
_WRITTEN = "investmap_data_written"
_RETRY_SECONDS = 1.0
log = logging.getLogger(__name__)


class DataVersions:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._versions: dict[str, int] = {}
        self._live = False  # True while the listener is connected and has read the versions
        self._stale = False  # True when a re-read after this process's own commit failed
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._listener: threading.Thread | None = None

    def start(self) -> None:
        self._listener = threading.Thread(target=self._listen, name="data-versions", daemon=True)
        self._listener.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._listener is not None:
            self._listener.join(timeout=2 * _RETRY_SECONDS + CONNECT_TIMEOUT_SECONDS)

    def version(self, tables: Iterable[str]) -> int:
        """The version of data drawn from `tables`: the sum of theirs."""
        if not self._live or self._stale:
            self.refresh()
        with self._lock:
            return sum(self._versions.get(t, 0) for t in tables)

    def refresh(self) -> None:
        try:
            with self._engine.connect() as conn:
                rows = conn.execute(text("SELECT table_name, version FROM data_versions")).all()
        except Exception:
            self._stale = True
            raise
        with self._lock:
            # Versions only grow: of two reads racing here (the listener's, a request's), the older
            # one must not win.
            for name, version in rows:
                self._versions[name] = max(int(version), self._versions.get(name, 0))
            self._stale = False

    def _listen(self) -> None:
        while not self._stopping.is_set():
            try:
                # The engine's URL: for the embedded cluster it names the kept port, right after a restart too.
                url = self._engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
                # Keepalives: a connection cut without a word is noticed in seconds, not hours.
                with psycopg.connect(
                    url,
                    autocommit=True,
                    connect_timeout=CONNECT_TIMEOUT_SECONDS,
                    keepalives=1,
                    keepalives_idle=5,
                    keepalives_interval=2,
                    keepalives_count=3,
                ) as conn:
                    # LISTEN before reading, so no commit falls between the read and the first notification.
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.refresh()
                    self._live = True
                    log.info("data version listener connected")
                    while not self._stopping.is_set():
                        # A timeout, so that a stop is noticed within a second; a notification at once.
                        for _ in conn.notifies(timeout=_RETRY_SECONDS, stop_after=1):
                            self.refresh()
            except Exception:  # noqa: BLE001 - any failure: fall back to reading, then reconnect
                if self._live:
                    log.warning("data version listener lost its connection; reconnecting", exc_info=True)
            self._live = False
            self._stopping.wait(_RETRY_SECONDS)


def data_versions(request: Request) -> DataVersions:
    """The data versions of the app serving `request` (started in its lifespan)."""
    versions: DataVersions = request.app.state.versions
    return versions


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: object) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[_WRITTEN] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WRITTEN] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    versions: DataVersions | None = session.info.get(VERSIONS_KEY)
    if session.info.pop(_WRITTEN, False) and versions is not None:
        try:
            versions.refresh()
        except Exception:  # noqa: BLE001 - the write is stored: answer it; the next lookup re-reads (stale)
            log.warning("could not re-read the data versions after a commit", exc_info=True)
