"""Flask test clients on the seeded Arabica & Co. store, on a frozen clock.

``shop_app`` is shared by the tests that only change their own session (cart, codes); tests
that place orders or create accounts take ``fresh_shop`` so nothing they use up leaks.
``client`` speaks plain HTTP; ``htmx(client, target)`` returns headers htmx would send.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from promo.scenario import load_pack, read_pack
from shop.extensions import promo_engine

STORE_NOW = datetime(2026, 11, 25, 10, 30, tzinfo=ZoneInfo("America/New_York"))   # a Wednesday morning
SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "arabica.yaml"


def seeded(app: Flask, now: datetime = STORE_NOW) -> Flask:
    engine = promo_engine(app)
    engine.clock = lambda: now
    load_pack(engine, read_pack(SCENARIO, today=now.date()))
    return app


@pytest.fixture(scope="session")
def shop_app(make_app: Callable[..., Flask]) -> Flask:
    return seeded(make_app(DEMO_MODE=True))


@pytest.fixture
def fresh_shop(make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    """``app = fresh_shop(DEMO_MODE=False)``: a seeded store of its own."""
    return lambda **overrides: seeded(make_app(**{"DEMO_MODE": True, **overrides}))


@pytest.fixture
def shopper(shop_app: Flask):
    return shop_app.test_client()


def htmx(target: str | None = "cart-items") -> dict[str, str]:
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
