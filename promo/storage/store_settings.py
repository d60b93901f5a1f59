"""Store-wide settings kept in the database: one row per name, a small JSON value each.

They live in the database rather than in one process's memory so that every worker of a
multi-process deployment (gunicorn, the event worker, the CLI) sees the same value: the test
clock (promo.services.test_clock) and the scenario pack the store was last reset to (promo.packs.store_reset).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from .models import Base, UTCDateTime

MAX_NAME = 64


class StoreSettingRow(Base):
    __tablename__ = "store_settings"

    name: Mapped[str] = mapped_column(String(MAX_NAME), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


def read(session: Session, name: str, *, lock: bool = False) -> Any:
    """The setting's value, or None when it was never written. ``lock`` holds the row until the
    transaction ends (PostgreSQL; SQLite's write transactions are serialised already)."""
    row = session.get(StoreSettingRow, name, with_for_update=lock or None)
    return None if row is None else row.value


def write(session: Session, name: str, value: Any, *, at: datetime) -> None:
    row = session.get(StoreSettingRow, name)
    if row is None:
        session.add(StoreSettingRow(name=name, value=value, updated_at=at))
    else:
        row.value = value
        row.updated_at = at


def clear(session: Session, name: str) -> None:
    """Forget the setting: readers get None again (and their default)."""
    row = session.get(StoreSettingRow, name)
    if row is not None:
        session.delete(row)
