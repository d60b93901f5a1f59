"""A seeded demo store for browser tests: the Arabica & Co. pack on a frozen clock.

``store`` is the base URL of a live server whose database holds scenarios/arabica.yaml, loaded
as of ``STORE_NOW`` (a Wednesday morning in New York: Black Friday is running, happy hour is
not). The engine's clock is frozen there too, so prices, personas ("birthday: today",
"last order 120 days ago") and schedules never depend on when the suite runs.
``at_store_time(datetime)`` moves the clock for one test (e.g. into happy hour).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from promo.packs.scenario import load_pack, read_pack
from shop.web.extensions import promo_engine

STORE_ZONE = ZoneInfo("America/New_York")
STORE_NOW = datetime(2026, 11, 25, 10, 30, tzinfo=STORE_ZONE)   # Wednesday, before happy hour
SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "arabica.yaml"
MOBILE = {"width": 375, "height": 812}


def seed(app: Flask, now: datetime = STORE_NOW, scenario: Path = SCENARIO) -> None:
    """Load `scenario` into the app's database as of `now` (in the store's zone) and freeze
    the app's clock there."""
    engine = promo_engine(app)
    engine.clock = lambda: now
    load_pack(engine, read_pack(scenario, today=now.date()))


@pytest.fixture(scope="session")
def seed_store() -> Callable[..., None]:
    """``seed_store(app, now, scenario_path)`` for tests that need a store of their own."""
    return seed


@pytest.fixture(scope="session")
def store_app(make_app: Callable[..., Flask]) -> Flask:
    # CSRF on, as in production: the browser must send the real tokens.
    app = make_app(WTF_CSRF_ENABLED=True, DEMO_MODE=True)
    seed(app)
    return app


@pytest.fixture(scope="session")
def store(store_app: Flask, make_live_server: Callable[[Flask], str]) -> str:
    """Base URL of the seeded demo store."""
    return make_live_server(store_app)


@pytest.fixture(scope="session")
def make_store(make_app: Callable[..., Flask], make_live_server: Callable[[Flask], str]) -> Callable[..., str]:
    """``url = make_store()``: a store of its own, seeded like ``store``, for tests that use up
    codes, limits or budgets and must not change what other tests see."""

    def build(**overrides) -> str:
        app = make_app(WTF_CSRF_ENABLED=True, DEMO_MODE=True, **overrides)
        seed(app)
        return make_live_server(app)

    return build


@pytest.fixture
def at_store_time(store_app: Flask) -> Iterator[Callable[[datetime], None]]:
    """``at_store_time(datetime(...))`` moves the store's clock until the test ends."""
    engine = promo_engine(store_app)
    original = engine.clock

    def move(moment: datetime) -> None:
        engine.clock = lambda: moment

    yield move
    engine.clock = original


@pytest.fixture
def mobile_page(browser, request: pytest.FixtureRequest):
    """Like ``page`` but 375 px wide (an iPhone-sized screen); offline just the same."""
    context = browser.new_context(viewport=MOBILE, device_scale_factor=1, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def switch_persona(store: str) -> Callable[..., None]:
    """``switch_persona(page, "dormant")``: one click on the demo bar, as a person would."""

    def switch(page, key: str) -> None:
        page.goto(store + "/")
        page.get_by_test_id(f"persona-{key}").click()
        page.wait_for_url(store + "/")

    return switch
