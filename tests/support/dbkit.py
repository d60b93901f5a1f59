"""A promo Engine on a throwaway database, for tests that run on SQLite AND PostgreSQL.

tests/storage and tests/events import these fixtures into their conftest.py:

    database   IsolatedDatabase: a SQLite file in tmp_path, or a fresh PostgreSQL schema
               (TEST_POSTGRES_URL) dropped afterwards; `database.app_config()` points a
               promoshop app at it. An unreachable PostgreSQL fails the test, never skips it.
    db_engine  a configured SQLAlchemy engine on `database` with every table created
    clock      a settable clock (aware datetimes) injected into the Engine
    engine     promo.engine.Engine on db_engine, store time zone America/New_York
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine as SqlEngine

from promo.engine import Engine
from promo.storage import create_schema, make_session_factory
from tests.support.promo_testing import KINDS, DatabaseUnavailable, IsolatedDatabase, isolated_database

STORE_TIMEZONE = "America/New_York"
STORE_ZONE = ZoneInfo(STORE_TIMEZONE)
# Enough connections for the concurrency tests' threads to race on the database, not on the pool.
POOL = {"pool_size": 20, "max_overflow": 20}


class Clock:
    """The engine's clock; tests move it. Thread-safe enough for reads during concurrency tests."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


def start_of_test() -> datetime:
    """Thursday 5 March 2026, 15:00 in New York."""
    return datetime(2026, 3, 5, 15, 0, tzinfo=STORE_ZONE).astimezone(UTC)


@pytest.fixture(params=KINDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[IsolatedDatabase]:
    try:
        with isolated_database(request.param, tmp_path) as db:
            yield db
    except DatabaseUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def db_engine(database: IsolatedDatabase) -> Iterator[SqlEngine]:
    engine = database.make_engine(**POOL)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(start_of_test())


@pytest.fixture
def engine(db_engine: SqlEngine, clock: Clock) -> Engine:
    return Engine(make_session_factory(db_engine), timezone=STORE_TIMEZONE, currency="USD", clock=clock)
