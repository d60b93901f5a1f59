"""Flask test clients on the seeded Arabica & Co. store, on a frozen clock (tests/web/webkit.py).

``shop_app`` is shared by the tests that only change their own session (cart, codes); tests
that place orders or create accounts take ``fresh_shop`` so nothing they use up leaks.
"""
from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from tests.support.webkit import seeded


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
