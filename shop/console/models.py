"""The console's own tables: console users and background code-generation jobs.

They sit on the engine's MetaData (promo.storage.Base) so the one Alembic history and
Flask-Migrate's autogenerate see them; promo/ itself never imports this module.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from promo.storage.models import Base, UTCDateTime


class Role(StrEnum):
    ADMIN = "admin"        # everything, including console users and API keys
    MARKETER = "marketer"  # campaigns, codes, redemptions
    VIEWER = "viewer"      # read only

    @property
    def can_edit(self) -> bool:
        return self is not Role.VIEWER

    @property
    def can_administer(self) -> bool:
        return self is Role.ADMIN


class JobStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ConsoleUserRow(Base):
    __tablename__ = "console_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Console sessions carry the number they were made with; sign-out, a new password, a role
    # change or deactivation raises it and so ends every session made before.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (CheckConstraint("role IN ('admin', 'marketer', 'viewer')", name="role"),)


class CodeJobRow(Base):
    """One bulk code generation run; the worker thread updates `done` after every batch, so
    any request (a page reload, another console user) can show its progress."""

    __tablename__ = "code_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), index=True)
    requested: Mapped[int] = mapped_column(BigInteger)
    done: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.RUNNING.value)
    error: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint("status IN ('running', 'done', 'failed')", name="status"),)
