"""Distribution rules, the outbox and webhooks, each test run on SQLite AND PostgreSQL.

`database`, `db_engine`, `clock` and `engine` come from tests/dbkit.py (shared with tests/storage);
    live_engine  the same engine with the real clock (webhook retries wait for real time)
"""
from __future__ import annotations

import pytest
from sqlalchemy import Engine as SqlEngine

from dbkit import STORE_TIMEZONE, clock, database, db_engine, engine  # noqa: F401 - fixtures
from promo.engine import Engine
from promo.storage import make_session_factory


@pytest.fixture
def live_engine(db_engine: SqlEngine) -> Engine:
    return Engine(make_session_factory(db_engine), timezone=STORE_TIMEZONE, currency="USD")
