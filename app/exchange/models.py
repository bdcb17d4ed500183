from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, DateTime, Float, ForeignKey, Integer, Text, false, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.database import Base


class ImportMapping(Base):
    """The column mapping (header → field) a park's last committed carrier import was given: the
    land bureau sends the same sheet every quarter, so its next import starts from it."""

    __tablename__ = "import_mappings"

    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True)
    mapping: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    saved_by: Mapped[str] = mapped_column(Text, nullable=False)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class ImportJob(Base):
    """A file import running in the background (jobs.py): its progress, its outcome, and the lease
    of the worker process running it (`owner`, `beat_at`; app/core/leases.py)."""

    __tablename__ = "import_jobs"
    __table_args__ = (CheckConstraint("status IN ('queued', 'running', 'done', 'failed', 'cancelled')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    what: Mapped[str] = mapped_column(Text, nullable=False)  # carriers | enterprises | parks
    file_name: Mapped[str] = mapped_column(Text, nullable=False)
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    commit: Mapped[bool] = mapped_column(Boolean, nullable=False)
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default="queued")
    step: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[float] = mapped_column(Float, nullable=False, server_default="0")  # 0..1
    rows: Mapped[int | None] = mapped_column(Integer)
    rows_per_s: Mapped[float | None] = mapped_column(Float)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    owner: Mapped[str | None] = mapped_column(Text)
    beat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The PostgreSQL backend running the import: a cancel interrupts its statement (pg_cancel_backend).
    backend_pid: Mapped[int | None] = mapped_column(Integer)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())
