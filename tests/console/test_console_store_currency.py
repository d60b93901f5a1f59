"""The console's amount fields speak the store's currency and locale: a Polish store types
"1,50" for 1.50 zł, a yen store types whole yen, and a US store is told "1,50" is ambiguous
instead of getting a cost a hundred times too high."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask

from promo.core.records import Product
from shop.console.models import Role
from shop.web.extensions import promo_engine
from tests.support.consolekit import FAST_HASH, seed, sign_in
from tests.support.webkit import visible_text


@pytest.fixture
def store(make_app: Callable[..., Flask], request) -> Flask:
    currency, locale = request.param
    app = make_app(CONSOLE_PASSWORD_HASH_METHOD=FAST_HASH, STORE_CURRENCY=currency, STORE_LOCALE=locale)
    seed(app)
    return app


def _marketer(app: Flask):
    return sign_in(app.test_client(), Role.MARKETER)


def _cost(app: Flask, sku: str) -> int | None:
    with app.app_context():
        return promo_engine().get_product(sku).cost


def _first_sku(app: Flask) -> str:
    with app.app_context():
        return promo_engine().upsert_product(Product("GEISHA", "Panama Geisha", 1950, ("arabica",))).sku


@pytest.mark.parametrize("store", [("USD", "en_US")], indirect=True)
def test_an_ambiguous_cost_is_refused_and_the_old_cost_kept(store):
    sku = _first_sku(store)
    marketer = _marketer(store)
    marketer.post(f"/console/products/{sku}/cost", data={"cost": "1.50"})

    page = marketer.post(f"/console/products/{sku}/cost", data={"cost": "1,50"}, follow_redirects=True)

    assert f"{sku}: enter a cost like 9.50" in visible_text(page.get_data(as_text=True))
    assert "Did you mean" in visible_text(page.get_data(as_text=True))
    assert _cost(store, sku) == 150


@pytest.mark.parametrize("store", [("PLN", "pl_PL")], indirect=True)
def test_a_polish_store_types_amounts_with_a_decimal_comma(store):
    sku = _first_sku(store)
    marketer = _marketer(store)

    marketer.post(f"/console/products/{sku}/cost", data={"cost": "1,50"})
    assert _cost(store, sku) == 150

    form = marketer.get("/console/campaigns/new?kind=auto").get_data(as_text=True)
    assert "Minimum spend (zł)" in visible_text(form)
    created = marketer.post("/console/campaigns/new", data={
        "kind": "auto", "name": "Zniżka", "discount_type": "amount", "discount_value": "12,50",
        "min_subtotal": "1 000"})
    assert created.status_code == 302, created.get_data(as_text=True)
    campaign_id = created.headers["Location"].rsplit("/", 1)[-1]
    with store.app_context():
        definition = promo_engine().get_campaign(campaign_id).definition
    assert definition["effect"] == {"type": "amount_off_order", "amount": 1250}
    assert definition["eligibility"] == {"fact": "cart.subtotal", "gte": 100000}

    edit = marketer.get(f"/console/campaigns/{campaign_id}/edit/guided").get_data(as_text=True)
    assert re.search(r'name="discount_value"[^>]*value="12,50"', edit)


@pytest.mark.parametrize("store", [("JPY", "ja_JP")], indirect=True)
def test_a_yen_store_types_whole_yen(store):
    marketer = _marketer(store)

    created = marketer.post("/console/campaigns/new", data={
        "kind": "auto", "name": "Yen off", "discount_type": "amount", "discount_value": "500"})
    assert created.status_code == 302, created.get_data(as_text=True)
    with store.app_context():
        assert promo_engine().get_campaign("yen-off").definition["effect"]["amount"] == 500

    refused = marketer.post("/console/campaigns/new", data={
        "kind": "auto", "name": "Half yen", "discount_type": "amount", "discount_value": "0.5"})
    assert refused.status_code == 422
    assert "more decimals than JPY allows" in visible_text(refused.get_data(as_text=True))
