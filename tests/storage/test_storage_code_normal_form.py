"""The Engine (codes table) and the pure core (evaluate_campaigns) agree on a full-width code."""
from __future__ import annotations

from promo.core.applicator import evaluate_campaigns
from promo.core.domain import Context
from promo.core.results import Status
from promo.format.definition import parse_campaign
from tests.support.storagekit import CART_40, coupon, customer

FULL_WIDTH = "ＨＡＰＰＹ１０"


def test_engine_and_pure_core_both_find_a_full_width_code(engine, clock):
    definition = coupon("happy", "HAPPY10", amount=500)
    engine.create_campaign(definition)
    campaigns = [parse_campaign(definition)]

    stored = engine.validate(customer("c-1"), CART_40, [FULL_WIDTH])
    pure = evaluate_campaigns(campaigns, CART_40, customer("c-1"), Context(now=clock()), [FULL_WIDTH])

    assert stored.codes["HAPPY10"].status is Status.APPLIED
    assert pure.codes["HAPPY10"].status is Status.APPLIED
    assert (pure.discount, pure.total) == (stored.discount, stored.total) == (500, 3500)
