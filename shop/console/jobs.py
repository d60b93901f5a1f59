"""Bulk code generation as a background job: a thread in the app process runs
Engine.generate_codes and writes its progress to the code_jobs table after every batch, so a
page reload, or another console user, sees the same progress bar.

Rate and time left are measured against the job's clock (`clock`, wall time) when the row is
read, not against the row's last update, so an estimate never stands still while the job does:
a running job with no progress for STALLED_AFTER says it is waiting instead. A job whose row
stopped moving for STALE_AFTER (the process restarted mid-run) shows as interrupted; the codes
made so far are kept, and a new job adds the rest.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from promo.core.errors import PromoError
from promo.engine import Engine
from shop.console.models import CodeJobRow, JobStatus
from shop.web.extensions import db, promo_engine

MAX_CODES_PER_JOB = 10_000_000
STALE_AFTER = timedelta(minutes=2)
STALLED_AFTER = timedelta(seconds=15)     # no batch recorded for this long: "waiting…", no estimate
_threads: dict[int, threading.Thread] = {}


def clock() -> datetime:
    """The job's clock: wall time in UTC (jobs run in real time whatever the engine's clock
    says). Tests replace it to read a job at a fixed moment."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Job:
    id: int
    campaign_id: str
    requested: int
    done: int
    status: str           # running / done / failed / interrupted
    error: str | None
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    now: datetime         # when the row was read: a running job's rate and time left run to here

    @property
    def percent(self) -> int:
        return 100 if self.status == JobStatus.DONE else int(100 * self.done / max(self.requested, 1))

    @property
    def rate(self) -> float:
        """Codes per second so far: up to now while it runs, up to its end (or its last
        progress, if interrupted) once it has stopped."""
        if self.finished_at is not None:
            end = self.finished_at
        elif self.status == JobStatus.RUNNING:
            end = self.now
        else:
            end = self.updated_at
        seconds = (end - self.started_at).total_seconds()
        return self.done / seconds if seconds > 0 else 0.0

    @property
    def idle_seconds(self) -> int:
        """Seconds since the job last recorded progress."""
        return max(0, int((self.now - self.updated_at).total_seconds()))

    @property
    def stalled(self) -> bool:
        """Running, but no batch recorded for STALLED_AFTER: an estimate would be stale."""
        return self.status == JobStatus.RUNNING and self.now - self.updated_at >= STALLED_AFTER

    @property
    def seconds_left(self) -> int | None:
        if self.status != JobStatus.RUNNING or self.stalled or self.rate <= 0:
            return None
        return int((self.requested - self.done) / self.rate + 0.5)

    @property
    def running(self) -> bool:
        return self.status == JobStatus.RUNNING


def _job(row: CodeJobRow, now: datetime) -> Job:
    status = row.status
    if status == JobStatus.RUNNING and now - row.updated_at > STALE_AFTER:
        status = "interrupted"
    return Job(row.id, row.campaign_id, row.requested, row.done, status, row.error, row.started_at,
               row.updated_at, row.finished_at, now)


def batch_size_for(count: int, smallest: int = 500) -> int:
    """Codes per transaction: about 20 progress updates for small jobs, 10,000-code
    transactions for big ones. CONSOLE_CODE_BATCH_MIN lowers the floor (smaller transactions,
    more frequent progress)."""
    return max(smallest, min(10_000, count // 20 or 1))


def start_job(campaign_id: str, count: int, *, actor: str) -> Job:
    """Check the request, record the job and start its thread. Raises PromoError for a
    campaign that cannot have generated codes."""
    if not 1 <= count <= MAX_CODES_PER_JOB:
        raise PromoError(f"Generate between 1 and {MAX_CODES_PER_JOB:,} codes at a time.", code="invalid_count")
    engine = promo_engine()
    campaign = engine.load_campaign(campaign_id)
    if campaign.code_pattern is None:
        raise PromoError(f"{campaign.name} has no code pattern, so it cannot have generated codes.",
                         code="no_code_pattern")
    now = clock()
    with Session(db.engine, expire_on_commit=False) as session, session.begin():
        row = CodeJobRow(campaign_id=campaign_id, requested=count, done=0, status=JobStatus.RUNNING.value,
                         actor=actor, started_at=now, updated_at=now)
        session.add(row)
        session.flush()
        job = _job(row, now)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    batch_size = batch_size_for(count, int(app.config.get("CONSOLE_CODE_BATCH_MIN", 500)))
    thread = threading.Thread(target=_run, args=(app, engine, job.id, campaign_id, count, batch_size, actor),
                              name=f"code-job-{job.id}", daemon=True)
    _threads[job.id] = thread
    thread.start()
    return job


def _run(app: Flask, engine: Engine, job_id: int, campaign_id: str, count: int, batch_size: int, actor: str) -> None:
    with app.app_context():
        def progress(done: int, total: int) -> None:
            _update(job_id, done=done)

        try:
            engine.generate_codes(campaign_id, count, batch_size=batch_size, progress=progress, actor=actor)
        except PromoError as error:
            _update(job_id, status=JobStatus.FAILED, error=error.message)
        except Exception as error:  # noqa: BLE001 - the job row must say it failed, whatever happened
            app.logger.exception("code job %s failed", job_id)
            _update(job_id, status=JobStatus.FAILED, error=f"unexpected error: {error}")
        else:
            _update(job_id, status=JobStatus.DONE, done=count)
        finally:
            _threads.pop(job_id, None)


def _update(job_id: int, *, done: int | None = None, status: JobStatus | None = None, error: str | None = None) -> None:
    now = clock()
    values: dict = {"updated_at": now}
    if done is not None:
        values["done"] = done
    if status is not None:
        values["status"] = status.value
        values["finished_at"] = now
    if error is not None:
        values["error"] = error
    with Session(db.engine) as session, session.begin():
        session.execute(update(CodeJobRow).where(CodeJobRow.id == job_id).values(**values))


def get_job(job_id: int) -> Job | None:
    with Session(db.engine) as session:
        row = session.get(CodeJobRow, job_id)
        return _job(row, clock()) if row is not None else None


def jobs_for(campaign_id: str, limit: int = 5) -> list[Job]:
    now = clock()
    with Session(db.engine) as session:
        rows = session.scalars(select(CodeJobRow).where(CodeJobRow.campaign_id == campaign_id)
                               .order_by(CodeJobRow.id.desc()).limit(limit))
        return [_job(r, now) for r in rows]


def wait_for(job_id: int, timeout: float = 60) -> None:
    """Tests and the CLI: block until the job's thread ends."""
    thread = _threads.get(job_id)
    if thread is not None:
        thread.join(timeout)
