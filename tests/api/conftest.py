"""Fixtures for the JSON API: an app on SQLite (or PostgreSQL), API keys per scope, a client.

    api_app            a fresh app on its own SQLite file
    keys               {"read": key, "write": key, "redeem": key, "all": key} made like the CLI does
    api                ApiClient: api.post("/campaigns", json=..., key="write") -> response
    pg_app / pg_api    the same on a fresh PostgreSQL schema (tests marked `postgres`)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.support.apikit import ApiClient, make_keys
from tests.support.promo_testing import DatabaseUnavailable, isolated_database


@pytest.fixture
def api_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def keys(api_app: Flask) -> dict[str, str]:
    return make_keys(api_app)


@pytest.fixture
def api(api_app: Flask, keys: dict[str, str]) -> ApiClient:
    return ApiClient(api_app, keys)


@pytest.fixture
def pg_app(make_app: Callable[..., Flask], tmp_path: Path) -> Iterator[Flask]:
    try:
        with isolated_database("postgresql", tmp_path) as database:
            app = make_app(**database.app_config())
            yield app
            with app.app_context():
                from shop.web.extensions import db

                db.engine.dispose()
    except DatabaseUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def pg_api(pg_app: Flask) -> ApiClient:
    return ApiClient(pg_app, make_keys(pg_app))


@pytest.fixture(scope="module")
def shared_api(make_app: Callable[..., Flask]) -> ApiClient:
    """One app for a whole module, for tests that only read or are refused (fast)."""
    app = make_app()
    return ApiClient(app, make_keys(app))
