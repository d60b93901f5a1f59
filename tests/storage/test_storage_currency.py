"""A campaign's amounts, caps and budget are in its currency (the store's when it names none), so
it never applies to an order in another currency: not as an automatic promotion, not as an
entered code, not as a gift card paying, not as points earned."""
from __future__ import annotations

import pytest

from promo.core.domain import Cart, CartLine
from promo.core.errors import RedemptionRefused
from promo.core.reasons import Reason
from tests.support.storagekit import coupon, customer, promotion


def order_in(currency: str) -> Cart:
    return Cart((CartLine("grinder", "Grinder", 10_000, 1),), currency)


@pytest.fixture
def store(engine):   # a USD store
    engine.create_campaign(promotion("five-off", amount=500, limits={"budget": 10_000}))
    engine.create_campaign(coupon("plain", "PLAIN", amount=700))
    engine.create_campaign(coupon("euro", "EURO5", amount=500, currency="EUR",
                                  effect={"type": "percent_off_order", "percent": 10, "cap": 800},
                                  limits={"budget": 10_000}))
    engine.upsert_customer(customer("ana"))
    return engine


def test_campaigns_without_a_currency_are_in_the_stores_and_skip_other_orders(store):
    evaluation = store.validate(customer("ana"), order_in("EUR"), ["PLAIN"])
    placed = store.redeem(customer("ana"), order_in("EUR"), order_ref="E-1")

    assert evaluation.applied == ()
    assert evaluation.codes["PLAIN"].reason is Reason.WRONG_CURRENCY
    assert {o.campaign_id: o.reason for o in evaluation.offers}["five-off"] is Reason.WRONG_CURRENCY
    assert placed.order.discount == 0 and placed.items == ()
    assert store.get_campaign("five-off").budget_used == 0


def test_an_entered_code_in_another_currency_refuses_the_redemption(store):
    with pytest.raises(RedemptionRefused) as refused:
        store.redeem(customer("ana"), order_in("EUR"), ["PLAIN"], order_ref="E-1")

    assert refused.value.code == "wrong_currency"
    assert refused.value.details["codes"]["PLAIN"]["reason"] == "wrong_currency"
    assert store.list_redemptions() == []


def test_a_campaign_in_its_own_currency_applies_with_its_cap_and_budget_in_that_currency(store):
    usd = store.validate(customer("ana"), order_in("USD"), ["EURO5"])
    placed = store.redeem(customer("ana"), order_in("EUR"), ["EURO5"], order_ref="E-1")

    assert usd.codes["EURO5"].reason is Reason.WRONG_CURRENCY
    assert [(i.campaign_id, i.discount) for i in placed.items] == [("euro", 800)]   # 10% of 100.00, capped at 8.00
    assert placed.order.currency == "EUR"
    assert store.get_campaign("euro").budget_used == 800
    assert store.get_campaign("five-off").budget_used == 0


def test_the_deals_list_marks_other_currency_offers_not_eligible(store):
    offers = {o.campaign_id: o for o in store.qualify(customer("ana"), order_in("EUR"))}

    assert offers["five-off"].reason is Reason.WRONG_CURRENCY and offers["five-off"].discount == 0
    assert offers["plain"].reason is Reason.WRONG_CURRENCY
    assert offers["euro"].discount == 800


def test_a_gift_card_cannot_pay_an_order_in_another_currency(store):
    store.create_campaign({"id": "gift", "name": "Gift card", "kind": "gift_card",
                           "codes": {"pattern": "GIFT-####-####"}, "gift_card": {"balance": 5000}})
    store.issue_gift_card("gift", code="GIFT-AAAA-BBBB")

    evaluation = store.validate(None, order_in("EUR"), ["GIFT-AAAA-BBBB"])
    with pytest.raises(RedemptionRefused) as refused:
        store.redeem(None, order_in("EUR"), ["GIFT-AAAA-BBBB"], order_ref="E-1")
    store.redeem(None, order_in("USD"), ["GIFT-AAAA-BBBB"], order_ref="U-1")

    assert evaluation.codes["GIFT-AAAA-BBBB"].reason is Reason.WRONG_CURRENCY
    assert refused.value.code == "wrong_currency"
    assert [p.amount for p in store.order_gift_card_payments("U-1")] == [5000]
    assert store.gift_card_balance("GIFT-AAAA-BBBB").balance == 0   # drawn once, by the dollar order


def test_points_are_earned_only_on_orders_in_the_programmes_currency(store):
    store.create_campaign({"id": "club", "name": "Club", "kind": "loyalty",
                           "loyalty": {"points_per_unit": 1, "unit": 100,
                                       "rewards": [{"name": "$5", "points": 500,
                                                    "effect": {"type": "amount_off_order", "amount": 500}}]}})

    store.redeem(customer("ana"), order_in("EUR"), order_ref="E-1")
    store.redeem(customer("ana"), order_in("USD"), order_ref="U-1")

    assert store.points_account("ana", "club").points == 95   # $100 less the $5 promotion; the euros earn none


def test_a_gift_card_in_another_currency_pays_nothing_in_the_preview_and_the_other_card_pays(store):
    store.create_campaign({"id": "gift", "name": "Gift card", "kind": "gift_card",
                           "codes": {"pattern": "GIFT-####-####"}, "gift_card": {"balance": 5000}})
    store.create_campaign({"id": "euro-gift", "name": "Euro gift card", "kind": "gift_card", "currency": "EUR",
                           "codes": {"pattern": "EURO-####-####"}, "gift_card": {"balance": 5000}})
    store.issue_gift_card("euro-gift", code="EURO-AAAA-BBBB")
    store.issue_gift_card("gift", code="GIFT-AAAA-BBBB")

    payments = store.gift_card_payments(["EURO-AAAA-BBBB", "GIFT-AAAA-BBBB"], 8000, currency="USD")

    assert [(p.code, p.amount) for p in payments] == [("GIFT-AAAA-BBBB", 5000)]
    assert [(p.code, p.amount) for p in store.gift_card_payments(["EURO-AAAA-BBBB"], 8000, currency="EUR")] == [
        ("EURO-AAAA-BBBB", 5000)]
