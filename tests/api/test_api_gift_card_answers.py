"""The validation and redemption answers say what each gift card pays and what is still due
(issue 13, point 12): `order.total` / `total` stay the order's total, each paying card is in
`codes`, and `amount_due` is what is left after the cards. On SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from tests.support.apikit import order

GIFT = {"id": "gift", "name": "Gift card", "kind": "gift_card", "codes": {"pattern": "GC-########"},
        "gift_card": {"balance": 3000}}
FIVE_OFF = {"id": "five-off", "name": "Five off", "kind": "coupon", "code": "FIVE",
            "effect": {"type": "amount_off_order", "amount": 500}}
KETTLE_80 = order(("KETTLE", 8000, 1))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request):
    api = request.getfixturevalue("api" if request.param == "sqlite" else "pg_api")
    api.ok("POST", "/campaigns", 201, json=GIFT)
    api.ok("POST", "/campaigns", 201, json=FIVE_OFF)
    return api


def _card(api, code: str, balance: int) -> str:
    return api.ok("POST", "/gift-cards", 201, json={"campaign": "gift", "code": code, "balance": balance})["code"]


def test_a_validation_shows_what_each_card_pays_and_the_amount_still_due(store):
    first, second = _card(store, "CARD-ONE", 3000), _card(store, "CARD-TWO", 9000)

    body = store.ok("POST", "/validations", json={"order": KETTLE_80, "codes": ["FIVE", first, second]})

    assert body["total"] == 7500                      # the order total stays the order total
    assert body["gift_cards"] == [{"code": first, "pays": 3000, "balance_after": 0},
                                  {"code": second, "pays": 4500, "balance_after": 4500}]
    assert body["gift_card_pays"] == 7500 and body["amount_due"] == 0
    assert body["codes"][first]["gift_card_pays"] == 3000
    assert body["codes"][first]["message"] == "Pays $30 towards this order."
    assert body["codes"][second]["gift_card_pays"] == 4500
    assert body["codes"]["FIVE"]["discount"] == 500


def test_without_cards_everything_is_still_due(store):
    body = store.ok("POST", "/validations", json={"order": KETTLE_80, "codes": ["FIVE"]})

    assert body["gift_cards"] == [] and body["gift_card_pays"] == 0 and body["amount_due"] == 7500


def test_a_redemption_records_what_the_card_paid_and_what_was_due(store):
    card = _card(store, "CARD-THREE", 3000)

    response = store.post("/redemptions", key="redeem", headers={"Idempotency-Key": "k-1"},
                          json={"order": {**KETTLE_80, "id": "K-1"}, "codes": ["FIVE", card]})

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["order"]["total"] == 7500
    assert body["gift_cards"] == [{"code": card, "pays": 3000, "balance_after": None}]
    assert body["gift_card_pays"] == 3000 and body["amount_due"] == 4500
    again = store.ok("GET", f"/redemptions/{body['id']}")
    assert again["amount_due"] == 4500
