"""Helpers for the web tests: the seeded store, and requests as htmx or a persona would send them."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from promo.packs.scenario import load_pack, read_pack
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
    """Load the Arabica & Co. pack as of `now` and freeze the app's clock there."""
    engine = promo_engine(app)
    engine.clock = lambda: now
    load_pack(engine, read_pack(SCENARIO, today=now.date()))
    return app


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
