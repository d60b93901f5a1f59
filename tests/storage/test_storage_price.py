"""Engine.price: the cart evaluated once, and every other offer told against that evaluation
with the same rules, so "saves $X more" is what the cart would really save."""
from __future__ import annotations

from promo.core.domain import Cart, CartLine
from promo.format.readers import parse_margin_floor
from tests.support.storagekit import coupon

# $20 a bag that costs the store $17: a floor 10% over cost ($18.70) leaves $1.30 on each bag.
THIN_BAGS = Cart((CartLine("geisha", "Geisha", 2000, 2, cost=1700),), "USD", 0)


def test_what_an_offer_adds_follows_the_stores_margin_floor(engine):
    engine.set_store_margin_floor(parse_margin_floor("10%"))
    engine.create_campaign(coupon("five-off", "FIVEOFF", amount=500))

    [quoted] = [offer for offer in engine.price(None, THIN_BAGS).offers if offer.campaign.id == "five-off"]
    entered = engine.validate(None, THIN_BAGS, ["FIVEOFF"])

    assert entered.discount == 260
    assert (quoted.in_cart, quoted.adds) == (False, entered.discount)
    assert quoted.offer.discount == entered.discount
