"""Large file imports as background jobs: a row of `import_jobs` per job, run by a worker thread
of the process that took the upload, with progress from the pipeline's steps, and cancel.

The run is the pipeline of the page (carriers.py, enterprises.py, parks.py) in its own session
and one transaction, so a job cancelled, failed or whose worker died leaves nothing written: a
cancel asked for between steps stops the run at the next step, and one asked for during a long
statement interrupts it (pg_cancel_backend of the run's connection); either way the transaction
rolls back. The job's status, progress and the report are written on other connections, in
short transactions, so that the page and the CLI see them while the run goes on.

A job is leased (app/core/leases.py): the worker's process writes a heartbeat into the row of
each job it holds every quarter of INVESTMAP_IMPORT_JOB_LEASE_S. A job silent longer lost its
worker (the process was killed; PostgreSQL rolled its transaction back when its connection went):
whoever reads it marks it failed, saying so.
"""

import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from psycopg.errors import QueryCanceled
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.core.auth import Principal
from app.core.database import get_engine
from app.core.errors import AppError, Conflict, NotFound, TooManyRequests
from app.core.leases import Heartbeat, lapsed
from app.core.settings import Settings, using
from app.exchange.carriers import ImportOptions, run_import
from app.exchange.enterprises import run_enterprise_import
from app.exchange.models import ImportJob
from app.exchange.parks import run_park_import
from app.exchange.records import ImportRefused

log = logging.getLogger(__name__)
Run = Callable[..., dict[str, Any]]
RUNS: dict[str, Run] = {"carriers": run_import, "enterprises": run_enterprise_import, "parks": run_park_import}
ACTIVE = ("queued", "running")


class Cancelled(Exception):
    """Raised into a run by its progress when the job was cancelled."""


def job_json(job: ImportJob) -> dict[str, Any]:
    """The job as the API answers it (the report only once it is finished)."""
    return {
        "id": job.id,
        "what": job.what,
        "file_name": job.file_name,
        "commit": job.commit,
        "status": job.status,
        "step": job.step,
        "progress": round(job.progress, 3),
        "rows": job.rows,
        "rows_per_s": None if job.rows_per_s is None else round(job.rows_per_s, 1),
        "error": job.error,
        "created_by": job.created_by,
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "report": job.report,
    }


class ImportJobs:
    """The import jobs of one process: one runs at a time, more wait in its queue."""

    def __init__(self, settings: Settings, runs: dict[str, Run] = RUNS) -> None:
        self.settings = settings
        self.folder = settings.database.var_dir / "imports"
        self._runs = runs
        self._lease_s = settings.imports.job_lease_s
        self._name = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import")
        self._held: set[int] = set()
        self._heart = Heartbeat(self._lease_s, self.beat, "import-heartbeat")

    def _session(self) -> Session:
        return Session(get_engine(self.settings.database))

    def beat(self) -> None:
        """Every job this process holds told that its worker is alive."""
        if held := list(self._held):
            with self._session() as s:
                s.execute(
                    update(ImportJob)
                    .where(ImportJob.id.in_(held), ImportJob.owner == self._name, ImportJob.status.in_(ACTIVE))
                    .values(beat_at=func.now())
                )
                s.commit()

    def start(
        self, session: Session, user: Principal, what: str, upload: Path, options: ImportOptions, commit: bool
    ) -> ImportJob:
        """A job for the file `upload` (moved into the job's folder), queued; committed before it runs.
        Each queued job keeps its upload on disk: a person may have a bounded number at once."""
        active = session.scalar(
            select(func.count())
            .select_from(ImportJob)
            .where(
                ImportJob.created_by == user.name,
                ImportJob.status.in_(ACTIVE),
                ImportJob.beat_at > func.now() - func.make_interval(0, 0, 0, 0, 0, 0, self._lease_s),
            )
        )
        limit = self.settings.imports.max_active_jobs
        if (active or 0) >= limit:
            raise TooManyRequests(
                f"you have {active} imports queued or running (at most {limit}): wait for one to end or cancel it",
                f"您已有 {active} 个导入任务在排队或运行（最多 {limit} 个）：请等待其中一个结束或取消",
                retry_after=max(1, int(self._lease_s)),
            )
        job = ImportJob(
            what=what,
            file_name=options.file_name,
            options={**asdict(options), "as_of": options.as_of.isoformat() if options.as_of else None},
            commit=commit,
            created_by=user.name,
            owner=self._name,
            beat_at=func.now(),
        )
        session.add(job)
        session.flush()
        folder = self.folder / str(job.id)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.move(upload, folder / f"upload{upload.suffix}")
        session.commit()
        self._held.add(job.id)
        self._heart.start()
        self._pool.submit(self._run, job.id, user, folder / f"upload{upload.suffix}", options)
        return job

    def _save(self, job_id: int, **values: Any) -> bool:
        """`values` written into the job while this process holds it; False once it does not
        (another marked it failed, or it was cancelled before it started)."""
        with self._session() as s:
            held = s.execute(
                update(ImportJob)
                .where(ImportJob.id == job_id, ImportJob.owner == self._name, ImportJob.status.in_(ACTIVE))
                .values(beat_at=func.now(), **values)
                .returning(ImportJob.id)
            ).first()
            s.commit()
        return held is not None

    def _cancelled(self, job_id: int) -> bool:
        with self._session() as s:
            return bool(s.scalar(select(ImportJob.cancel_requested).where(ImportJob.id == job_id)))

    def _run(self, job_id: int, user: Principal, upload: Path, options: ImportOptions) -> None:
        started = time.monotonic()
        try:
            with using(self.settings), self._session() as s:
                job = s.get(ImportJob, job_id)
                assert job is not None  # committed before it was queued
                pid = s.scalar(text("SELECT pg_backend_pid()"))
                if not self._save(job_id, status="running", started_at=func.now(), backend_pid=pid):
                    return  # cancelled while it waited
                s.execute(text("SELECT set_config('investmap.actor', :actor, true)"), {"actor": user.name})

                def progress(step: str, share: float, rows: int) -> None:
                    if self._cancelled(job_id):
                        raise Cancelled
                    elapsed = max(time.monotonic() - started, 1e-3)
                    self._save(job_id, step=step, progress=share, rows=rows, rows_per_s=share * rows / elapsed)

                try:
                    report = self._runs[job.what](s, user, upload, upload.parent, options, job.commit, progress)
                    if self._cancelled(job_id):
                        raise Cancelled
                    s.commit()
                except ImportRefused as refused:
                    s.rollback()
                    self._finish(job_id, started, "failed", refused.report, refused.message)
                    return
            self._finish(job_id, started, "done", report, None)
        except (Cancelled, OperationalError) as exc:
            if isinstance(exc, OperationalError) and not isinstance(exc.orig, QueryCanceled):
                self._fail(job_id, started, exc)
            else:
                self._finish(job_id, started, "cancelled", None, "cancelled; nothing was written / 已取消，未写入任何数据")
        except Exception as exc:  # noqa: BLE001 - any failure is the job's status, for whoever polls it
            self._fail(job_id, started, exc)
        finally:
            self._held.discard(job_id)
            shutil.rmtree(upload.parent, ignore_errors=True)

    def _fail(self, job_id: int, started: float, exc: Exception) -> None:
        log.exception("import job %s failed", job_id)
        message = f"{exc.message} / {exc.message_zh}" if isinstance(exc, AppError) else "the import failed / 导入失败"
        self._finish(job_id, started, "failed", None, message)

    def _finish(self, job_id: int, started: float, status: str, report: dict[str, Any] | None, error: str | None) -> None:
        rows = report["counts"]["rows"] if report else None
        elapsed = max(time.monotonic() - started, 1e-3)
        self._save(
            job_id,
            status=status,
            step=None,
            progress=1.0 if status == "done" else ImportJob.progress,
            report=report,
            error=error,
            rows=rows,
            rows_per_s=rows / elapsed if rows else None,
            finished_at=func.now(),
            backend_pid=None,
        )

    def status(self, session: Session, user: Principal, job_id: int) -> ImportJob:
        """The job, for the one who started it or an admin; one whose lease ran out is failed, saying why."""
        job = session.get(ImportJob, job_id)
        if job is None or (job.created_by != user.name and user.role != "admin"):
            raise NotFound("import job", "导入任务", job_id)
        if job.status in ACTIVE and job.beat_at is not None:
            now = session.scalar(select(func.now()))
            assert now is not None
            silent = lapsed(job.beat_at.timestamp(), self._lease_s, now.timestamp())
            if silent is not None:
                job.status, job.owner, job.finished_at = "failed", None, now
                job.error = (
                    f"the worker running this import stopped (no heartbeat for {silent:.0f} s); nothing was written: "
                    "start it again / 执行导入的进程已停止，未写入任何数据，请重新提交"
                )
                session.commit()
                log.warning("import job %s lost its worker", job_id)
        return job

    def cancel(self, session: Session, user: Principal, job_id: int) -> ImportJob:
        """Asks the job to stop: a queued one never starts, a running one is interrupted and rolled back."""
        job = self.status(session, user, job_id)
        if job.status not in ACTIVE:
            raise Conflict(f"import job {job_id} is {job.status}: only a queued or running job can be cancelled",
                            f"导入任务 {job_id} 已{job.status}，只能取消排队或运行中的任务")  # fmt: skip
        job.cancel_requested = True
        if job.status == "queued":
            job.status, job.error, job.finished_at = (
                "cancelled",
                "cancelled; nothing was written / 已取消，未写入任何数据",
                func.now(),
            )
        elif job.backend_pid is not None:
            session.execute(text("SELECT pg_cancel_backend(:pid)"), {"pid": job.backend_pid})
        session.commit()
        session.refresh(job)
        return job

    def stop(self) -> None:
        self._heart.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)
