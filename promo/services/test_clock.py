"""The store's clock as test suites set it: frozen at a moment, moved on, or released.

    clock = SharedClock(engine)
    engine.clock = clock          # every "now" the engine computes follows it
    clock.freeze(datetime(2026, 12, 1, 16, 30, tzinfo=new_york))
    clock.advance(3600)
    clock.release()

The state lives in one ``store_settings`` row, so every process of a deployment (each gunicorn
worker, the event worker, the CLI) reads the same clock. A read is one primary-key lookup;
``read_state`` can be memoised by the caller for the length of one request (shop/web/test_mode.py
does), so a page asks the database once, however many times it needs "now".

A released clock runs with the real time plus any offset ``advance`` added, so moving a
running clock an hour on keeps it running, an hour ahead.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from promo.core.errors import InvalidRequest
from promo.services.unit_of_work import HasWork, UnitOfWork, work_of
from promo.storage import store_settings
from promo.storage.store_settings import StoreSettingRow

SETTING = "test_clock"
MAX_ADVANCE_SECONDS = 100 * 366 * 24 * 3600   # a century either way is plenty for any test


def real_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ClockState:
    frozen_at: datetime | None = None     # UTC; None: the clock runs
    offset_seconds: float = 0.0           # added to the real time while the clock runs

    def now(self, real: Callable[[], datetime] = real_now) -> datetime:
        if self.frozen_at is not None:
            return self.frozen_at
        return real() + timedelta(seconds=self.offset_seconds)

    def as_json(self) -> dict[str, Any]:
        return {"frozen_at": self.frozen_at.isoformat() if self.frozen_at else None,
                "offset_seconds": self.offset_seconds}

    @classmethod
    def from_json(cls, value: Any) -> ClockState:
        """A state read back; anything unreadable is the real clock (never a crash)."""
        if not isinstance(value, dict):
            return cls()
        frozen = value.get("frozen_at")
        offset = value.get("offset_seconds")
        try:
            frozen_at = datetime.fromisoformat(frozen).astimezone(UTC) if isinstance(frozen, str) else None
        except ValueError:
            frozen_at = None
        if isinstance(offset, bool) or not isinstance(offset, (int, float)):
            offset = 0.0
        return cls(frozen_at=frozen_at, offset_seconds=float(offset))


REAL = ClockState()


class SharedClock:
    """A callable clock for ``Engine.clock`` whose state is in the database.

    ``memo`` (optional) returns a dict to keep the state in for a while (a request's), or None
    to read every time.
    """

    def __init__(self, engine: UnitOfWork | HasWork, *, real: Callable[[], datetime] = real_now,
                 memo: Callable[[], dict[str, Any] | None] | None = None) -> None:
        self._work = work_of(engine)
        self._real = real
        self._memo = memo or (lambda: None)

    def __call__(self) -> datetime:
        return self.read_state().now(self._real)

    def read_state(self) -> ClockState:
        memo = self._memo()
        if memo is not None and SETTING in memo:
            return memo[SETTING]
        with self._work.read() as session:
            state = ClockState.from_json(store_settings.read(session, SETTING))
        if memo is not None:
            memo[SETTING] = state
        return state

    def freeze(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise InvalidRequest("give the moment with its offset or zone, e.g. 2026-12-01T16:30:00-05:00",
                                 code="naive_moment")
        frozen = ClockState(frozen_at=moment.astimezone(UTC))
        return self._change(lambda _: frozen)

    def advance(self, seconds: float) -> datetime:
        """Move the clock on (or back, when negative); a frozen clock stays frozen."""
        if not -MAX_ADVANCE_SECONDS <= seconds <= MAX_ADVANCE_SECONDS:
            raise InvalidRequest(f"advance the clock by at most {MAX_ADVANCE_SECONDS:,} seconds either way",
                                 code="advance_too_far")

        def moved(state: ClockState) -> ClockState:
            if state.frozen_at is not None:
                return ClockState(frozen_at=state.frozen_at + timedelta(seconds=seconds))
            return ClockState(offset_seconds=state.offset_seconds + seconds)

        return self._change(moved)

    def release(self) -> datetime:
        return self._change(lambda _: REAL)

    def _change(self, change: Callable[[ClockState], ClockState]) -> datetime:
        """Read and write the state in one transaction, so two moves never lose one."""
        def work(session: Any) -> ClockState:
            state = change(ClockState.from_json(store_settings.read(session, SETTING, lock=True)))
            store_settings.write(session, SETTING, state.as_json(), at=self._real())
            return state

        state = self._work.write(work)
        memo = self._memo()
        if memo is not None:
            memo[SETTING] = state
        return state.now(self._real)


def read_settings(engine: UnitOfWork | HasWork, names: tuple[str, ...]) -> dict[str, Any]:
    """The stored values of these store settings (the clock, the last reset), in one query."""
    with work_of(engine).read() as session:
        return {row.name: row.value for row in session.scalars(select(StoreSettingRow).where(StoreSettingRow.name.in_(names)))}
