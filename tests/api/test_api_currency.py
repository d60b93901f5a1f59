"""Orders in another currency than a campaign's get the reason, never a discount: a store-currency
campaign (no `currency` in its definition) is in dollars here."""
from __future__ import annotations

import pytest

from tests.support.apikit import BEANS_40, coupon

EUROS_40 = {**BEANS_40, "currency": "EUR"}
AUTO5 = {"id": "auto5", "name": "Five off", "kind": "promotion", "effect": {"type": "amount_off_order", "amount": 500}}


@pytest.fixture
def store(api):
    api.ok("POST", "/campaigns", 201, json=coupon())
    api.ok("POST", "/campaigns", 201, json=AUTO5)
    api.ok("POST", "/campaigns", 201, json=coupon("euro", "EURO10", currency="EUR"))
    return api


def test_validating_an_order_in_another_currency_gives_the_reason_not_a_discount(store):
    body = store.ok("POST", "/validations", key="read", json={"order": EUROS_40, "codes": ["HAPPY10", "EURO10"]})

    assert body["codes"]["HAPPY10"]["reason"] == "wrong_currency"
    assert body["codes"]["HAPPY10"]["message"] == "This offer isn't available in this currency."
    assert body["codes"]["EURO10"]["status"] == "applied"
    assert body["discount"] == 400     # 10% of 40.00 euros; the dollar promotion and code give nothing
    assert {o["campaign_id"]: o["reason"] for o in body["offers"]}["auto5"] == "wrong_currency"


def test_redeeming_with_a_code_in_another_currency_is_refused_with_the_reason(store):
    response = store.post("/redemptions", key="redeem", headers={"Idempotency-Key": "eur-1"},
                          json={"order": EUROS_40, "codes": ["HAPPY10"]})
    dollars = store.post("/redemptions", key="redeem", headers={"Idempotency-Key": "usd-1"},
                         json={"order": BEANS_40, "codes": ["EURO10"]})

    assert response.status_code == dollars.status_code == 422
    assert response.get_json()["error"]["code"] == "wrong_currency"
    assert response.get_json()["error"]["details"]["codes"]["HAPPY10"]["reason"] == "wrong_currency"
    assert dollars.get_json()["error"]["details"]["codes"]["EURO10"]["reason"] == "wrong_currency"


def test_an_order_in_another_currency_gets_no_store_currency_promotion(store):
    body = store.ok("POST", "/redemptions", 201, key="redeem", headers={"Idempotency-Key": "eur-2"},
                    json={"order": EUROS_40})

    assert body["order"]["currency"] == "EUR"
    assert body["order"]["discount"] == 0
    assert body["items"] == []
