"""Data versions of the tables, as this process knows them, for cache keys and ETags.

The database is the source of truth: a statement-level trigger (migration 0002) bumps
`data_versions` on every write and NOTIFYs `investmap_data_version` at commit. Each worker
process keeps a copy in memory, refreshed by a listener thread on every notification, so a
cached tile or page is checked without a query. When the listener is not (yet) connected,
every lookup reads the table instead: slower, never stale.

A write through this process's own sessions does not wait for its notification: any session
that flushed changes or ran an INSERT/UPDATE/DELETE re-reads the versions right after it commits,
so the very next request to the same worker already sees the new version. The services need no
hook of their own.
"""

import logging
import threading
import time
from collections.abc import Iterable

import psycopg
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import ORMExecuteState, Session

from app.core.database import get_engine

CHANNEL = "investmap_data_version"
_WRITTEN = "investmap_data_written"
_RETRY_SECONDS = 2.0
log = logging.getLogger(__name__)


class DataVersions:
    def __init__(self) -> None:
        self._versions: dict[str, int] = {}
        self._live = False  # True while the listener is connected and has read the table
        self._lock = threading.Lock()
        self._listener: threading.Thread | None = None
        self._engine: Engine | None = None

    def version(self, tables: Iterable[str]) -> int:
        """The version of data drawn from `tables`: the largest of theirs (see migration 0002)."""
        self._start()
        if not self._live:
            self.refresh()
        return max(self._versions.get(t, 0) for t in tables)

    def refresh(self) -> None:
        with self._engine_now().connect() as conn:
            rows = conn.execute(text("SELECT table_name, version FROM data_versions")).all()
        with self._lock:
            self._versions = {name: int(version) for name, version in rows}

    def _engine_now(self) -> Engine:
        # Resolved on first use, not at import: tests and the CLI set DATABASE_URL late.
        if self._engine is None:
            self._engine = get_engine()
        return self._engine

    def _start(self) -> None:
        if self._listener is not None:
            return
        with self._lock:
            if self._listener is None:
                self._listener = threading.Thread(target=self._listen, name="data-versions", daemon=True)
                self._listener.start()

    def _listen(self) -> None:
        url = self._engine_now().url.set(drivername="postgresql").render_as_string(hide_password=False)
        while True:
            try:
                with psycopg.connect(url, autocommit=True) as conn:
                    # LISTEN before reading, so no commit falls between the read and the first notification.
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.refresh()
                    self._live = True
                    for _ in conn.notifies():
                        self.refresh()
            except Exception:  # noqa: BLE001 - any failure: fall back to reading, then reconnect
                log.warning("data version listener lost its connection; retrying", exc_info=True)
            self._live = False
            time.sleep(_RETRY_SECONDS)


VERSIONS = DataVersions()


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
    if session.info.pop(_WRITTEN, False):
        VERSIONS.refresh()
