"""Fixtures for the storage tests, each test run on SQLite AND PostgreSQL.

Reusable elsewhere (copy the two-line fixture or import promo.storage.testing):
    database   IsolatedDatabase: a SQLite file in tmp_path, or a fresh PostgreSQL schema
               (TEST_POSTGRES_URL) dropped afterwards; `database.app_config()` points a
               promoshop app at it. An unreachable PostgreSQL fails the test, never skips it.
    db_engine  a configured SQLAlchemy engine on `database` with every table created
    clock      a settable clock (aware datetimes) injected into the Engine
    engine     promo.engine.Engine on db_engine, store time zone America/New_York
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine as SqlEngine

from promo.engine import Engine
from promo.storage import create_schema, make_session_factory
from promo.storage.testing import KINDS, DatabaseUnavailable, IsolatedDatabase, isolated_database
from storagekit import STORE_TIMEZONE, Clock, start_of_test


@pytest.fixture(params=KINDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[IsolatedDatabase]:
    try:
        with isolated_database(request.param, tmp_path) as db:
            yield db
    except DatabaseUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def db_engine(database: IsolatedDatabase) -> Iterator[SqlEngine]:
    engine = database.make_engine(pool_size=20, max_overflow=20)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(start_of_test())


@pytest.fixture
def engine(db_engine: SqlEngine, clock: Clock) -> Engine:
    return Engine(make_session_factory(db_engine), timezone=STORE_TIMEZONE, currency="USD", clock=clock)
