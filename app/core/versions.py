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

Versions by place: a write to a table that logs where it wrote (carriers: carrier_changes,
migration 0015, one row per changed record's old and new box, weighted by its sequence number)
changes the version of the places its boxes meet, not of the whole table. `version(tables, box)`
counts such a table by the summed weights of its log rows meeting `box` (a tile's or a page's
bounding box): a cached tile elsewhere keeps its key and its ETag. The sum grows with every
commit touching the place whatever the order transactions commit in, and old rows folded into
one world-wide row (of their summed weight) never lower it; that fold, every thousand writes,
invalidates every place once.
"""

import logging
import threading
from collections.abc import Iterable

import numpy as np
import psycopg
from fastapi import Request
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import ORMExecuteState, Session

from app.core.database import VERSIONS_KEY
from app.core.engines import CONNECT_TIMEOUT_SECONDS
from app.core.metrics import DATA_VERSION
from app.core.replicas import check_version_lsn, lsn_value, note_written, replayable

CHANNEL = "investmap_data_version"
# Tables whose writes log their place, and the logs (weight, west, south, east, north).
PLACED = {"carriers": "carrier_changes"}
BBox = tuple[float, float, float, float]
_WRITTEN = "investmap_data_written"
_RETRY_SECONDS = 1.0
log = logging.getLogger(__name__)


class DataVersions:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._versions: dict[str, int] = {}
        self._places: dict[str, np.ndarray] = {name: np.zeros((0, 5)) for name in PLACED}
        # The primary's WAL position when the versions were read: a read replica serving data of
        # these versions must have replayed that far (core/replicas.py).
        self._lsn = 0
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

    def version(self, tables: Iterable[str], box: BBox | None = None) -> int:
        """The version of data drawn from `tables`: the sum of theirs; with `box` (west, south,
        east, north), a table that logs its places counts only the writes that met the box."""
        if not self._live or self._stale:
            self.refresh()
        check_version_lsn(self._lsn)
        with self._lock:
            return sum(self._version_at(t, box) for t in tables)

    def lsn(self) -> int:
        """The primary's WAL position when the versions this process knows were read."""
        return self._lsn

    def _version_at(self, table: str, box: BBox | None) -> int:
        log = self._places.get(table)
        if box is None or log is None:
            return self._versions.get(table, 0)
        west, south, east, north = box
        meets = (log[:, 1] <= east) & (log[:, 3] >= west) & (log[:, 2] <= north) & (log[:, 4] >= south)
        return int(log[meets, 0].sum())

    def refresh(self) -> None:
        try:
            # One snapshot: the versions and the logs of places agree.
            with self._engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
                rows = conn.execute(text("SELECT table_name, version FROM data_versions")).all()
                # The insert position: past every commit this snapshot sees, flushed or not (bulk loads).
                lsn = replayable(lsn_value(conn.execute(text("SELECT pg_current_wal_insert_lsn()::text")).scalar()))
                places = {
                    table: np.array(conn.execute(text(f"SELECT weight, west, south, east, north FROM {log}")).all(), dtype=float)
                    for table, log in PLACED.items()
                }
        except Exception:
            self._stale = True
            raise
        with self._lock:
            # Versions only grow: of two reads racing here (the listener's, a request's), the older
            # one must not win.
            for name, version in rows:
                if int(version) >= self._versions.get(name, 0):
                    self._versions[name] = int(version)
                    DATA_VERSION.labels(name).set(int(version))
                    if name in places:
                        self._places[name] = places[name].reshape(-1, 5)
            self._lsn = max(self._lsn, lsn)
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
            note_written(versions.lsn())
        except Exception:  # noqa: BLE001 - the write is stored: answer it; the next lookup re-reads (stale)
            log.warning("could not re-read the data versions after a commit", exc_info=True)
