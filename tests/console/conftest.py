"""Console fixtures: an app seeded by consolekit, and signed-in clients per role."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shop.console.models import Role
from shop.web.extensions import promo_engine
from tests.support.consolekit import FAST_HASH, seed, sign_in


@pytest.fixture
def console_app(make_app: Callable[..., Flask]) -> Flask:
    app = make_app(CONSOLE_PASSWORD_HASH_METHOD=FAST_HASH)
    seed(app)
    return app


@pytest.fixture
def as_role(console_app: Flask) -> Callable[[Role], FlaskClient]:
    return lambda role: sign_in(console_app.test_client(), role)


@pytest.fixture
def marketer(as_role) -> FlaskClient:
    return as_role(Role.MARKETER)


@pytest.fixture
def engine(console_app: Flask):
    with console_app.app_context():
        yield promo_engine()
