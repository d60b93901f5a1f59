"""The margin floor through the API, on SQLite and PostgreSQL (docs/discount-policy.md, The
margin floor): product costs read and written, capped validations and redemptions with their
per-line amounts, budgets counting the capped amount, and warnings when a campaign is created."""
from __future__ import annotations

import pytest

from promo.core.campaign import MarginFloor
from promo.core.records import Product
from shop.web.extensions import promo_engine
from tests.support.apikit import order

GEISHA = Product("GEISHA", "Panama Geisha", 1950, ("arabica",), ("coffee-bags",), cost=1500)
YIRG = Product("YIRG", "Yirgacheffe", 1950, ("arabica",), ("coffee-bags",), cost=800)
KETTLE = Product("KETTLE", "Kettle", 3000, ("gear",))
BAGS10 = {"id": "bags10", "name": "$10 off each bag", "kind": "coupon", "code": "BAGS10", "margin_floor": "10%",
          "effect": {"type": "amount_off_each_unit", "amount": 1000,
                     "items": {"collections": ["coffee-bags"], "label": "bag"}}}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request):
    api = request.getfixturevalue("api" if request.param == "sqlite" else "pg_api")
    with api.app.app_context():
        for product in (GEISHA, YIRG, KETTLE):
            promo_engine().upsert_product(product)
    return api


def bags_order():
    body = order(("GEISHA", 1950, 1), ("YIRG", 1950, 2), ("KETTLE", 3000, 1))
    for item, name in zip(body["items"][:2], ("Panama Geisha", "Yirgacheffe"), strict=True):
        item.update(name=name, collections=["coffee-bags"])
    return body


def test_products_carry_their_cost_and_margin(store):
    listed = {p["sku"]: p for p in store.ok("GET", "/products", key="read")["products"]}
    assert listed["GEISHA"]["cost"] == 1500 and listed["GEISHA"]["margin"] == 450
    assert listed["KETTLE"]["cost"] is None and listed["KETTLE"]["margin"] is None

    changed = store.ok("PUT", "/products/KETTLE/cost", key="write", json={"cost": 1800})
    assert changed["cost"] == 1800 and changed["margin"] == 1200
    assert store.ok("PUT", "/products/KETTLE/cost", key="write", json={"cost": None})["cost"] is None


def test_a_wrong_cost_is_a_clear_400_and_an_unknown_sku_a_404(store):
    response = store.put("/products/GEISHA/cost", key="write", json={"cost": -5})
    assert response.status_code == 400
    assert response.get_json()["error"]["details"]["errors"][0]["path"] == "cost"
    assert store.put("/products/NOPE/cost", key="write", json={"cost": 5}).status_code == 404
    assert store.put("/products/GEISHA/cost", key="read", json={"cost": 5}).status_code == 403


def test_validation_caps_the_thin_margin_line_and_says_by_how_much(store):
    created = store.ok("POST", "/campaigns", 201, key="write", json=BAGS10)
    assert created["warnings"] == [
        "$10 off Panama Geisha (GEISHA) is more than the $3 its margin floor leaves: the discount will be capped there."]

    body = store.ok("POST", "/validations", key="read", json={"order": bags_order(), "codes": ["BAGS10"]})

    assert [line["discount"] for line in body["lines"]] == [300, 2000, 0]
    assert [line["capped"] for line in body["lines"]] == [700, 0, 0]
    assert [line["cost"] for line in body["lines"]] == [1500, 800, None]   # the catalogue's costs
    offer = body["codes"]["BAGS10"]
    assert offer["line_capped"] == [700, 0, 0]
    assert offer["capping_note"] == "$3 on Panama Geisha"
    assert offer["message"] == "Applied: you save $23.00 ($3 on Panama Geisha)."


def test_an_order_amount_moves_what_the_floor_keeps_to_the_other_lines(store):
    store.ok("POST", "/campaigns", 201, key="write", json={
        "id": "twenty", "name": "$20 off", "kind": "promotion", "margin_floor": "10%",
        "effect": {"type": "amount_off_order", "amount": 2000}})

    body = store.ok("POST", "/validations", json={"order": order(("GEISHA", 1950, 1), ("KETTLE", 3000, 1))})

    assert body["discount"] == 2000
    assert [line["discount"] for line in body["lines"]] == [300, 1700]
    assert [line["capped"] for line in body["lines"]] == [488, 0]


def test_redemption_and_budget_count_the_capped_amount(store):
    # Uncapped the order would take $23 of a $23 budget; capped it takes $23 all the same, and the
    # budget counts that, not the $30 the headline would have asked.
    store.ok("POST", "/campaigns", 201, key="write", json={**BAGS10, "limits": {"budget": 2300}})

    redeemed = store.ok("POST", "/redemptions", 201, key="redeem", headers={"Idempotency-Key": "o-1"},
                        json={"order": {**bags_order(), "id": "O-1"}, "codes": ["BAGS10"]})

    assert redeemed["discount"] == 2300
    assert store.ok("GET", "/campaigns/bags10")["budget_used"] == 2300


def test_a_client_cost_wins_and_the_store_floor_applies_without_a_campaign_floor(store):
    store.ok("POST", "/campaigns", 201, key="write", json={k: v for k, v in BAGS10.items() if k != "margin_floor"})
    with store.app.app_context():
        promo_engine().set_store_margin_floor(MarginFloor(amount=100))

    items = [{"sku": "GEISHA", "unit_price": 1950, "quantity": 1, "cost": 1000, "collections": ["coffee-bags"]}]
    body = store.ok("POST", "/validations", json={"order": {"items": items}, "codes": ["BAGS10"]})

    assert body["discount"] == 850        # 1950 - (1000 + 100)
