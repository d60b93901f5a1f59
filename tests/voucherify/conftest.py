"""The Voucherify dialect's fixtures: a seeded store served live, keys, and the official SDK.

    store      (module) a seeded app, live at store.url, with a key of every scope
    sdk        the voucherify SDK configured with that key against store.url
Every /v1 answer a module's tests got is parsed with the SDK's models when the module ends
(vkit.check_contract), so no test can leave a response the SDK would reject unnoticed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask

from tests.support.vkit import Sdk, app_key, check_contract, dialect_app
from tests.support.vkit import sdk as make_sdk


@dataclass
class Store:
    app: Flask
    url: str
    app_id: str
    token: str


@pytest.fixture(scope="module")
def store(make_app: Callable[..., Flask], make_live_server: Callable[[Flask], str]) -> Iterator[Store]:
    # CSRF on, as in production: the dialect is exempt like /api/v1 (headers, not cookies, authenticate).
    app = dialect_app(make_app, WTF_CSRF_ENABLED=True)
    app_id, token = app_key(app)
    yield Store(app, make_live_server(app), app_id, token)
    check_contract(app)


@pytest.fixture
def sdk(store: Store) -> Sdk:
    return make_sdk(store.url, store.app_id, store.token)
