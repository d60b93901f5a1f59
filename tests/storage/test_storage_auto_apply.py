"""Public codes applied for the shopper (coupons with auto_apply: true): applied when they help
the cart, silently left out when they don't, never applied once declined, and counted like an
entered code when the order is placed."""
from __future__ import annotations

import pytest

from promo.format.definition import DefinitionError, parse_campaign
from tests.support.storagekit import CART_40, CART_100, coupon, customer

WELCOME = coupon("welcome", "WELCOME5", amount=500, auto_apply=True, eligibility={"fact": "cart.subtotal", "gte": 5000})


def applied(evaluation) -> dict[str, tuple[str | None, int]]:
    return {offer.campaign_id: (offer.code, offer.total_discount) for offer in evaluation.applied}


def test_an_auto_apply_code_applies_without_being_typed_once_it_helps(engine):
    engine.create_campaign(WELCOME)
    engine.create_campaign(coupon("happy", "HAPPY10", amount=1000))      # an ordinary code: typed or nothing

    assert applied(engine.validate(customer("ana"), CART_100)) == {"welcome": ("WELCOME5", 500)}
    small = engine.validate(customer("ana"), CART_40)          # below its minimum: not there, no complaint
    assert applied(small) == {} and small.codes == {}
    assert applied(engine.validate(customer("ana"), CART_100, ["HAPPY10"])) == {
        "happy": ("HAPPY10", 1000), "welcome": ("WELCOME5", 500)}


def test_a_declined_auto_code_stays_off_and_typing_it_brings_it_back(engine):
    engine.create_campaign(WELCOME)

    assert applied(engine.validate(customer("ana"), CART_100, declined_codes=["welcome5"])) == {}
    typed = engine.validate(customer("ana"), CART_100, ["WELCOME5"], declined_codes=["WELCOME5"])
    assert applied(typed) == {"welcome": ("WELCOME5", 500)}
    assert typed.codes["WELCOME5"].status.value == "applied"


def test_placing_the_order_redeems_the_auto_code_and_its_limit_counts(engine):
    engine.create_campaign(coupon("welcome", "WELCOME5", amount=500, auto_apply=True, limits={"per_code": 1}))

    first = engine.redeem(customer("ana"), CART_100, order_ref="A-1")
    second = engine.redeem(customer("bob"), CART_100, order_ref="B-1")   # used up: left out, not refused

    assert first.discount == 500 and [i.code for i in first.items] == ["WELCOME5"]
    assert second.discount == 0
    assert engine.get_code("WELCOME5").redeemed_count == 1


def test_a_declined_code_is_not_redeemed(engine):
    engine.create_campaign(WELCOME)

    result = engine.redeem(customer("ana"), CART_100, order_ref="A-1", declined_codes=["WELCOME5"])

    assert result.discount == 0


@pytest.mark.parametrize("definition, message", [
    ({"id": "p", "name": "P", "kind": "promotion", "auto_apply": True,
      "effect": {"type": "amount_off_order", "amount": 100}}, "auto_apply: is only for kind coupon"),
    ({"id": "c", "name": "C", "kind": "coupon", "code": "C1", "auto_apply": "yes",
      "effect": {"type": "amount_off_order", "amount": 100}}, "auto_apply: must be true or false, got 'yes'"),
])
def test_auto_apply_mistakes_name_the_field(definition, message):
    with pytest.raises(DefinitionError) as caught:
        parse_campaign(definition)
    assert message in str(caught.value)
