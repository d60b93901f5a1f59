"""Helpers for the web tests: the seeded store, and requests as htmx or a persona would send them."""
from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy.engine import make_url

from promo.packs.scenario import load_pack, read_pack
from promo.packs.store_reset import forget_cached_campaigns
from shop.web.extensions import db, promo_engine
from tests.support.promo_testing import DatabaseUnavailable, isolated_database

STORE_NOW = datetime(2026, 11, 25, 10, 30, tzinfo=ZoneInfo("America/New_York"))   # a Wednesday morning
SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "arabica.yaml"
# For `params=` of a fixture that builds its app with app_on: the test runs on both databases.
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def new_redemptions(app: Flask) -> list:
    """The store's redemptions minus the past orders the pack seeds (the VIP's history)."""
    seeded_refs = {order.ref for order in read_pack(SCENARIO).orders}
    return [r for r in promo_engine(app).list_redemptions() if r.order.order_ref not in seeded_refs]


def seeded(app: Flask, now: datetime = STORE_NOW) -> Flask:
    """Load the Arabica & Co. pack as of `now` and freeze the app's clock there.

    Loading the pack (campaigns, codes, the personas' past orders) costs about 0.6 s of CPU.
    On a SQLite file nobody has written to yet, a test process loads it once per (now, store
    settings) and gives every later store a copy of the result: the same rows, in a file of
    its own. Other databases, or one a test already wrote to, get the pack loaded for real."""
    engine = promo_engine(app)
    engine.clock = lambda: now
    path = _sqlite_file(app)
    work = engine.work
    key = (now.isoformat(), work.timezone, work.currency, work.locale, repr(work.margin_floor), path is not None)
    if path is None or not _untouched(app, path):
        load_pack(engine, read_pack(SCENARIO, today=now.date()))
        return app
    with _SNAPSHOTS_LOCK:
        snapshot = _SNAPSHOTS.get(key)
        if snapshot is None:
            load_pack(engine, read_pack(SCENARIO, today=now.date()))
            _SNAPSHOTS[key] = _copy(path, sqlite3.connect(":memory:", check_same_thread=False))
        else:
            with sqlite3.connect(path) as target:
                snapshot.backup(target)
            target.close()
            forget_cached_campaigns(engine)
    return app


# (now, store settings) -> an in-memory copy of a freshly seeded store, per test process.
_SNAPSHOTS: dict[tuple, sqlite3.Connection] = {}
_SNAPSHOTS_LOCK = threading.Lock()


def _sqlite_file(app: Flask) -> str | None:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def _untouched(app: Flask, path: str) -> bool:
    """True when every table but Alembic's and the campaigns' revision (one row from the start)
    is empty and no AUTOINCREMENT counter moved, i.e. the file is still the migrated schema a
    new app starts on. The app's idle connections are closed so a copy written into the file
    next is what they read when they connect again."""
    with app.app_context():
        db.engine.dispose()
    with sqlite3.connect(path) as check:
        tables = [name for (name,) in check.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN "
            "('alembic_version', 'campaign_revisions')")]
        untouched = bool(tables) and not any(
            check.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() for name in tables)
    check.close()
    return untouched


def _copy(path: str, into: sqlite3.Connection) -> sqlite3.Connection:
    with sqlite3.connect(path) as source:
        source.backup(into)
    source.close()
    return into


@contextmanager
def app_on(kind: str, make_app: Callable[..., Flask], directory: Path, **overrides: Any) -> Iterator[Flask]:
    """``make_app(**overrides)`` on a throwaway database of `kind` ("sqlite" or "postgresql"),
    its connections closed afterwards. An unreachable PostgreSQL fails the test."""
    try:
        with isolated_database(kind, directory) as database:
            app = make_app(**database.app_config(), **overrides)
            try:
                yield app
            finally:
                with app.app_context():
                    db.engine.dispose()
    except DatabaseUnavailable as error:
        pytest.fail(str(error), pytrace=False)


def htmx(target: str | None = "cart-items") -> dict[str, str]:
    """The headers htmx sends for a request whose target has this id."""
    headers = {"HX-Request": "true"}
    if target:
        headers["HX-Target"] = target
    return headers


def session_cart(client) -> dict:
    with client.session_transaction() as session:
        return dict(session.get("cart") or {})


def as_persona(client, key: str) -> None:
    response = client.post("/demo/persona", data={"persona": key})
    assert response.status_code == 303


def visible_text(html: str) -> str:
    """The page's words with tags dropped and whitespace collapsed, for "Shipping $5.95" checks."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#39;", "'").replace("&amp;", "&")
