"""A booklet job outlives no worker (issue 15): its worker's heartbeat holds it; once silent
longer than the lease the job is failed, saying why, and asking again builds it afresh; the dead
worker's late result is dropped. A clock of the test's own; the builds stand in for printing."""

import threading
import time
from collections.abc import Callable

from app.brochures.booklets import BookletJob, Booklets
from app.brochures.model import Lang

CITY = "360100"


def _until(read: Callable[[], BookletJob | None], ok: Callable[[BookletJob], bool]) -> BookletJob:
    """The job once `ok` holds (its worker thread runs beside the test), within 30 s."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job = read()
        if job is not None and ok(job):
            return job
        time.sleep(0.01)
    raise AssertionError(f"job never reached the state: {read()}")


def test_a_job_whose_worker_died_is_failed_then_built_again(settings, db, tmp_path) -> None:
    now = [1_000_000.0]
    lease = settings.brochures.booklet_lease_s
    release = threading.Event()

    def stuck(session, city, lang, base, version, progress) -> bytes:
        progress(1, 3)
        release.wait(30)
        return b"%PDF-late"

    dead = Booklets(tmp_path, settings, stuck, clock=lambda: now[0])
    job = dead.start(db, CITY, Lang.ZH, "http://test", 7)
    assert job.id == f"{CITY}-zh-7" and job.status == "queued"
    _until(lambda: dead.status(job.id), lambda j: j.done == 1)
    # Alive: each heartbeat renews the lease, however long the build takes.
    for _ in range(3):
        now[0] += lease * 0.75
        dead.beat()
        assert dead.status(job.id).status == "running"
    # The worker dies: its heartbeat stops (the process is gone), the lease runs out.
    dead._heart.stop()
    now[0] += lease + 1
    alive = Booklets(tmp_path, settings, lambda *args: b"%PDF-rebuilt", clock=lambda: now[0])
    lost = alive.status(job.id)
    assert lost.status == "failed" and lost.done == 1
    assert f"no heartbeat for {lease + 1:.0f} s" in lost.error and "请重新提交" in lost.error
    again = alive.start(db, CITY, Lang.ZH, "http://test", 7)
    assert again.id == job.id and again.status == "queued"
    done = _until(lambda: alive.status(job.id), lambda j: j.status == "done")
    assert done.done == done.total == job.total and alive.pdf_path(job.id).read_bytes() == b"%PDF-rebuilt"
    # The dead worker comes back with its late result: the job is another's now, nothing is overwritten.
    release.set()
    dead._pool.shutdown(wait=True)
    assert alive.status(job.id) == done and alive.pdf_path(job.id).read_bytes() == b"%PDF-rebuilt"
    alive.stop()
