"""Fixtures for distribution rules, the outbox and webhooks, each test run on SQLite AND PostgreSQL.

    database   a SQLite file, or a fresh PostgreSQL schema (promo.storage.testing)
    engine     promo Engine on it (store time zone America/New_York) with a settable `clock`
    live_engine  the same with the real clock (webhook retries wait for real time)
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine as SqlEngine

from eventkit import STORE_TIMEZONE, Clock, start_of_test
from promo.engine import Engine
from promo.storage import create_schema, make_session_factory
from promo.storage.testing import KINDS, DatabaseUnavailable, IsolatedDatabase, isolated_database


@pytest.fixture(params=KINDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[IsolatedDatabase]:
    try:
        with isolated_database(request.param, tmp_path) as db:
            yield db
    except DatabaseUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def db_engine(database: IsolatedDatabase) -> Iterator[SqlEngine]:
    engine = database.make_engine(pool_size=10, max_overflow=10)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(start_of_test())


@pytest.fixture
def engine(db_engine: SqlEngine, clock: Clock) -> Engine:
    return Engine(make_session_factory(db_engine), timezone=STORE_TIMEZONE, currency="USD", clock=clock)


@pytest.fixture
def live_engine(db_engine: SqlEngine) -> Engine:
    return Engine(make_session_factory(db_engine), timezone=STORE_TIMEZONE, currency="USD")
