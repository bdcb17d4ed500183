"""A city's booklet (every park of a city in one PDF) built as a background job with progress.

A job is named by what it prints: the city, the language and the data version, so asking again
while nothing changed finds the same job (running, or done and kept). Its status and its PDF are
files under INVESTMAP_VAR_DIR/booklets, written atomically, so that every worker process of the
host reads them, whichever worker runs the job. Each process runs one job at a time (a booklet
prints dozens of parks): more wait in its queue. A new version's job removes the finished ones of
older versions.

A job is leased (app/core/leases.py): while its process holds it (queued or running) a heartbeat
thread writes the time into its status every quarter of INVESTMAP_BROCHURE_BOOKLET_LEASE_S. A job whose heartbeat is
older than the lease lost its worker (the process was killed or its host stopped): whoever reads
it marks it failed, saying so, and asking again starts it afresh. A worker that comes back after
losing its lease finds another owner's name in the status and leaves it alone.
"""

import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.auth import ANONYMOUS
from app.core.database import get_engine
from app.core.errors import AppError
from app.core.leases import Heartbeat, lapsed
from app.core.settings import Settings, using

from .model import Lang, Scope
from .scopes import area, head

log = logging.getLogger(__name__)
JOB_ID = re.compile(r"^(\d{6})-(zh|en)-(\d{1,20})$")


class BookletJob(BaseModel):
    id: str
    city: str
    lang: Lang
    status: str  # queued | running | done | failed
    done: int = 0  # parks drawn so far
    total: int = 0  # parks in the booklet
    error: str | None = None
    owner: str | None = None  # the Booklets (one per worker process) holding the job
    beat_at: float | None = None  # its owner's last heartbeat (seconds since the epoch)


def _write(path: Path, data: bytes) -> None:
    """Readers never see half a file: written aside, then renamed over."""
    aside = path.with_suffix(path.suffix + f".{os.getpid()}.{threading.get_ident()}")
    aside.write_bytes(data)
    aside.replace(path)


class Booklets:
    def __init__(
        self, folder: Path, settings: Settings, build: Callable[..., bytes], clock: Callable[[], float] = time.time
    ) -> None:
        self.folder = folder
        self.settings = settings
        self._build = build  # service.build_booklet (injected: the service imports this module)
        self._clock = clock
        self._lease_s = settings.brochures.booklet_lease_s
        self._name = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="booklet")
        self._lock = threading.Lock()  # the status files this process writes
        self._starting = threading.Lock()
        self._held: dict[str, BookletJob] = {}  # the jobs this process holds, as last saved
        self._heart = Heartbeat(self._lease_s, self.beat, "booklet-heartbeat")

    def _status_path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.json"

    def pdf_path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.pdf"

    def _read(self, job_id: str) -> BookletJob | None:
        try:
            return BookletJob.model_validate_json(self._status_path(job_id).read_bytes())
        except FileNotFoundError:
            return None

    def status(self, job_id: str) -> BookletJob | None:
        """The job's status; one whose lease ran out is failed, saying why."""
        if not JOB_ID.match(job_id):
            return None
        job = self._read(job_id)
        if job is None or job.status not in ("queued", "running"):
            return job
        silent = lapsed(job.beat_at, self._lease_s, self._clock())
        if silent is None:
            return job
        lost = job.model_copy(
            update={
                "status": "failed",
                "owner": None,
                "error": f"the worker building this booklet stopped (no heartbeat for {silent:.0f} s); "
                "ask for it again to rebuild it / 生成汇编的进程已停止，请重新提交",
            }
        )
        _write(self._status_path(job_id), lost.model_dump_json().encode())
        log.warning("booklet %s lost its worker %s", job_id, job.owner)
        return lost

    def _save(self, job: BookletJob) -> bool:
        """`job` written with a fresh heartbeat while this process holds it; False (nothing
        written) once another process took it over."""
        with self._lock:
            found = self._read(job.id)
            if found is not None and found.owner not in (None, self._name) and found.status in ("queued", "running"):
                self._held.pop(job.id, None)
                return False
            job = job.model_copy(update={"owner": self._name, "beat_at": self._clock()})
            _write(self._status_path(job.id), job.model_dump_json().encode())
            if job.status in ("queued", "running"):
                self._held[job.id] = job
            else:
                self._held.pop(job.id, None)
            return True

    def beat(self) -> None:
        """Every job this process holds told that its worker is alive."""
        with self._lock:
            held = list(self._held.values())
        for job in held:
            self._save(job)

    def start(self, session: Session, adcode: str, lang: Lang, base: str, version: int) -> BookletJob:
        """The job of this city's booklet at this data version: started unless it runs or is done."""
        head(session, Scope.CITY, adcode, ANONYMOUS, lang.value)  # 404 for anything but a city
        parks = area(Scope.CITY, adcode, ANONYMOUS).parks.subquery()
        total = min(session.execute(select(func.count()).select_from(parks)).scalar_one(), self.settings.brochures.max_parks)
        job = BookletJob(id=f"{adcode}-{lang.value}-{version}", city=adcode, lang=lang, status="queued", total=total)
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._starting:
            found = self.status(job.id)
            if found is not None and found.status != "failed":
                return found
            self._save(job)
            self._prune(job)
            self._heart.start()
        self._pool.submit(self._run, job, base, version)
        return job

    def _prune(self, current: BookletJob) -> None:
        """Booklets of the same city and language at older data versions are out of date: removed
        (a running one is left to finish)."""
        for path in self.folder.glob(f"{current.city}-{current.lang.value}-*.json"):
            old = self.status(path.stem)
            if old is not None and old.id != current.id and old.status in ("done", "failed"):
                self.pdf_path(old.id).unlink(missing_ok=True)
                path.unlink(missing_ok=True)

    def _run(self, job: BookletJob, base: str, version: int) -> None:
        def progress(done: int, total: int) -> None:
            self._save(job.model_copy(update={"status": "running", "done": done, "total": total}))

        if not self._save(job.model_copy(update={"status": "running"})):
            return
        try:
            with using(self.settings), Session(get_engine(self.settings.database)) as session:
                pdf = self._build(session, job.city, job.lang, base, version, progress)
            found = self._read(job.id)
            if found is not None and found.owner == self._name:  # not taken over while it printed
                _write(self.pdf_path(job.id), pdf)
                self._save(job.model_copy(update={"status": "done", "done": job.total}))
        except Exception as exc:  # noqa: BLE001 - any failure is the job's status, for whoever polls it
            log.exception("booklet %s failed", job.id)
            message = exc.message if isinstance(exc, AppError) else "the booklet could not be built"
            self._save(job.model_copy(update={"status": "failed", "error": message}))

    def stop(self) -> None:
        self._heart.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)


def job_links(job: BookletJob, prefix: str) -> dict[str, Any]:
    """The job as the API answers it: where to poll, and where its PDF is once done."""
    return job.model_dump(mode="json") | {
        "status_url": f"{prefix}/{job.id}",
        "pdf_url": f"{prefix}/{job.id}.pdf" if job.status == "done" else None,
    }
