"""Leases of background jobs: a worker process holds its jobs by writing a heartbeat every quarter
of the lease; a job whose heartbeat is older than the lease lost its worker (killed, its host
stopped), and whoever reads it says so. Shared by the booklets (app/brochures) and the file
imports (app/exchange), which keep the heartbeat in a status file and a table row respectively."""

import threading
from collections.abc import Callable


class Heartbeat:
    """Calls `beat` every quarter of `lease_s` on a daemon thread, from `start` until `stop`."""

    def __init__(self, lease_s: float, beat: Callable[[], None], name: str) -> None:
        self.lease_s = lease_s
        self._beat = beat
        self._name = name
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Started once; later calls do nothing."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(self.lease_s / 4):
            self._beat()

    def stop(self) -> None:
        self._stopping.set()


def lapsed(beat_at: float | None, lease_s: float, now: float) -> float | None:
    """How long a job's worker has been silent, when longer than the lease (else None)."""
    silent = now - (beat_at or 0)
    return silent if silent > lease_s else None
