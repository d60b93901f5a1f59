"""Test-mode fixtures: a store with the /_test endpoints on, reset to the Arabica & Co. pack."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.testmodekit import AUTH, TOKEN


@pytest.fixture
def make_test_store(make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    """``make_test_store(**config)``: an app in test mode, reset to scenarios/arabica.yaml."""

    def build(**overrides) -> Flask:
        app = make_app(TEST_MODE=True, TEST_TOKEN=TOKEN, **overrides)
        response = app.test_client().post("/_test/reset", headers=AUTH)
        assert response.status_code == 200, response.get_data(as_text=True)
        return app

    return build


@pytest.fixture
def bare_client(make_app: Callable[..., Flask]) -> FlaskClient:
    """A test-mode store that was never reset (empty): for what needs no catalogue."""
    return make_app(TEST_MODE=True, TEST_TOKEN=TOKEN).test_client()


@pytest.fixture
def test_store(make_test_store: Callable[..., Flask]) -> Flask:
    return make_test_store()


@pytest.fixture
def client(test_store: Flask) -> FlaskClient:
    return test_store.test_client()

