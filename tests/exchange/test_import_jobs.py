"""Imports as background jobs: a job's progress and report through the API; a cancel between steps
and one during a statement leave nothing written; a job whose worker went silent is failed."""

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import shapely
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.carriers.models import Carrier
from app.core.auth import Principal
from app.core.errors import TooManyRequests
from app.exchange.carriers import ImportOptions, run_import
from app.exchange.jobs import ImportJobs
from app.exchange.models import ImportJob
from tests.support.gisfiles import Place, park_place, squares

ADMIN = Principal("user:admin", role="admin")
MAPPING = {"mapping": json.dumps({"宗地编号": "code"})}  # not the park's saved one (other tests save theirs)


@pytest.fixture(scope="module")
def nanchang(engine) -> Place:
    with Session(engine) as db:
        return park_place(db, "r.parent_adcode = '360100'")


def geojson(place: Place, prefix: str, n: int = 3) -> bytes:
    features = [
        {"type": "Feature", "properties": {"宗地编号": f"{prefix}{i}"}, "geometry": shapely.geometry.mapping(p)}
        for i, p in enumerate(squares(place, n), start=1)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def until(read: Callable[[], dict[str, Any]], status: str) -> dict[str, Any]:
    """The job once it reached `status` (its worker thread runs beside the test), within 30 s."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if (job := read())["status"] == status:
            return job
        time.sleep(0.02)
    raise AssertionError(f"the job never became {status}: {read()}")


def count(db: Session, prefix: str) -> int:
    return db.scalar(select(func.count()).select_from(Carrier).where(Carrier.code.startswith(prefix)))


def test_a_background_import_reports_progress_and_its_report(client, admin, callers, db, nanchang) -> None:
    r = client.post(
        "/api/v1/imports/carriers",
        params={**MAPPING, "park": nanchang.park_id, "name": "地块.geojson", "commit": "true", "background": "true"},
        content=geojson(nanchang, "JOB-A"),
        headers={**admin, "Content-Type": "application/octet-stream"},
    )
    assert r.status_code == 202, r.text
    started = r.json()
    assert started["status"] == "queued" and started["status_url"] == f"/api/v1/imports/jobs/{started['id']}"
    done = until(lambda: client.get(started["status_url"], headers=admin).json(), "done")
    assert (done["progress"], done["rows"], done["report"]["counts"]) == (
        1.0, 3, {"rows": 3, "create": 3, "update": 0, "unchanged": 0, "error": 0}
    )  # fmt: skip
    assert done["rows_per_s"] > 0 and done["report"]["committed"]
    assert count(db, "JOB-A") == 3
    # Another officer does not see the admin's job; a finished job cannot be cancelled.
    assert client.get(started["status_url"], headers=callers["officer_in"]).status_code == 404
    again = client.post(f"{started['status_url']}/cancel", headers=admin)
    assert again.status_code == 409 and "done" in again.json()["error"]["message"]


def _job(db: Session, jobs: ImportJobs, place: Place, prefix: str, tmp_path: Path) -> int:
    upload = tmp_path / f"{prefix}.geojson"
    upload.write_bytes(geojson(place, prefix))
    options = ImportOptions(park_id=place.park_id, file_name=upload.name, mapping={"宗地编号": "code"})
    job = jobs.start(db, ADMIN, "carriers", upload, options, True)
    return job.id


def _status(engine, jobs: ImportJobs, job_id: int) -> dict[str, Any]:
    with Session(engine) as s:
        job = jobs.status(s, ADMIN, job_id)
        return {"status": job.status, "step": job.step, "error": job.error}


def test_a_cancelled_job_leaves_nothing_written(settings, engine, db, nanchang, tmp_path) -> None:
    reached, release = threading.Event(), threading.Event()

    def written_then_wait(*args: Any, progress: Any = None) -> dict[str, Any]:
        def hold(step: str, share: float, rows: int) -> None:
            if step == "written":  # the carriers are in the transaction, not yet committed
                reached.set()
                release.wait(30)
            progress(step, share, rows)

        return run_import(*args, progress=hold)

    def sleeping(session: Session, *args: Any, progress: Any = None) -> dict[str, Any]:
        progress("read", 0.1, 3)
        session.execute(text("SELECT pg_sleep(30)"))  # interrupted by the cancel
        raise AssertionError("not cancelled")

    jobs = ImportJobs(
        settings,
        {"carriers": lambda *a: written_then_wait(*a[:6], progress=a[6]), "sleep": lambda *a: sleeping(*a[:6], progress=a[6])},
    )
    try:
        between = _job(db, jobs, nanchang, "JOB-C", tmp_path)
        assert reached.wait(30)
        assert count(db, "JOB-C") == 0  # nothing visible while the job runs
        with Session(engine) as s:
            assert jobs.cancel(s, ADMIN, between).cancel_requested
        release.set()
        cancelled = until(lambda: _status(engine, jobs, between), "cancelled")
        assert "nothing was written" in cancelled["error"]
        assert count(db, "JOB-C") == 0

        upload = tmp_path / "sleep.geojson"
        upload.write_bytes(b"{}")
        during = jobs.start(db, ADMIN, "sleep", upload, ImportOptions(park_id=nanchang.park_id, file_name="s.geojson"), True).id
        until(lambda: _status(engine, jobs, during), "running")
        with Session(engine) as s:
            while s.scalar(select(ImportJob.step).where(ImportJob.id == during)) != "read":
                s.expire_all()
            jobs.cancel(s, ADMIN, during)
        until(lambda: _status(engine, jobs, during), "cancelled")
    finally:
        release.set()
        jobs.stop()


def test_a_job_whose_worker_went_silent_is_failed(settings, engine, db) -> None:
    job = ImportJob(what="carriers", file_name="x.gpkg", options={}, commit=True, created_by=ADMIN.name, status="running",
                    owner="gone-worker")  # fmt: skip
    db.add(job)
    db.flush()
    lease = settings.imports.job_lease_s
    db.execute(
        text("UPDATE import_jobs SET beat_at = now() - make_interval(secs => :s) WHERE id = :id"), {"s": lease + 5, "id": job.id}
    )
    db.commit()
    jobs = ImportJobs(settings)
    failed = _status(engine, jobs, job.id)
    assert failed["status"] == "failed" and "no heartbeat for" in failed["error"] and "请重新提交" in failed["error"]
    jobs.stop()


def test_one_person_may_have_a_bounded_number_of_jobs_at_once(settings, engine, db, nanchang, tmp_path) -> None:
    """Each queued job keeps its upload on disk: the fourth at once is refused (429) until one ends; a job
    whose worker went silent no longer counts."""
    release = threading.Event()
    jobs = ImportJobs(settings, {"carriers": lambda *a: release.wait(30) and {}})
    person = Principal("user:jobs-limit", role="admin")
    options = ImportOptions(park_id=nanchang.park_id, file_name="l.geojson")

    def start(i: int) -> int:
        upload = tmp_path / f"limit{i}.geojson"
        upload.write_bytes(b"{}")
        return jobs.start(db, person, "carriers", upload, options, True).id

    try:
        started = [start(i) for i in range(settings.imports.max_active_jobs)]
        with pytest.raises(TooManyRequests) as refused:
            start(9)
        assert refused.value.status == 429 and "at most 3" in refused.value.message and "最多 3 个" in refused.value.message_zh
        db.execute(
            text("UPDATE import_jobs SET beat_at = now() - make_interval(secs => :s) WHERE id = :id"),
            {"s": settings.imports.job_lease_s + 5, "id": started[-1]},
        )
        db.commit()
        start(10)  # the silent one's place is free
    finally:
        release.set()
        jobs.stop()
