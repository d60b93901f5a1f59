"""Evaluating only the promotions a client names (``promotions=[...]``), as the Voucherify dialect
does with the promotion tiers it is sent: other promotions and auto_apply codes stay out, a named
promotion is evaluated even when the cart cannot use it, and redeem takes only its counters."""
from __future__ import annotations

from tests.support.storagekit import CART_100, coupon, customer, promotion


def applied(evaluation) -> dict[str, int]:
    return {offer.campaign_id: offer.total_discount for offer in evaluation.applied}


def test_only_the_named_promotions_and_entered_codes_apply(engine):
    engine.create_campaign(promotion("spring", amount=300))
    engine.create_campaign(promotion("summer", amount=700))
    engine.create_campaign(coupon("welcome", "WELCOME5", amount=500, auto_apply=True))
    engine.create_campaign(coupon("happy", "HAPPY10", amount=1000))

    assert applied(engine.validate(customer("ana"), CART_100, ["HAPPY10"])) == {
        "spring": 300, "summer": 700, "happy": 1000, "welcome": 500}
    assert applied(engine.validate(customer("ana"), CART_100, ["HAPPY10"], promotions=["summer"])) == {
        "summer": 700, "happy": 1000}
    assert applied(engine.validate(customer("ana"), CART_100, ["HAPPY10"], promotions=[])) == {"happy": 1000}


def test_a_named_promotion_that_cannot_apply_gets_its_reason(engine):
    engine.create_campaign(promotion("big-spender", amount=300, eligibility={"fact": "cart.subtotal", "gte": 50000}))

    evaluation = engine.validate(customer("ana"), CART_100, promotions=["big-spender"])

    assert applied(evaluation) == {}
    [offer] = evaluation.offers
    assert (offer.campaign_id, offer.reason.value) == ("big-spender", "minimum_not_met")


def test_redeem_with_named_promotions_counts_only_those(engine):
    engine.create_campaign(promotion("spring", amount=300, limits={"total": 5}))
    engine.create_campaign(promotion("summer", amount=700, limits={"total": 5}))

    result = engine.redeem(customer("ana"), CART_100, order_ref="A-1", promotions=["summer"])

    assert [item.campaign_id for item in result.items] == ["summer"] and result.discount == 700
    assert engine.get_campaign("summer").redemptions_count == 1
    assert engine.get_campaign("spring").redemptions_count == 0


def test_a_named_promotion_that_cannot_apply_refuses_the_order(engine):
    import pytest

    from promo.core.errors import RedemptionRefused

    engine.create_campaign(promotion("big-spender", amount=300, eligibility={"fact": "cart.subtotal", "gte": 50000},
                                     limits={"total": 5}))
    engine.create_campaign(promotion("paused", amount=300))
    engine.set_campaign_status("paused", "pause")

    with pytest.raises(RedemptionRefused) as refused:
        engine.redeem(customer("ana"), CART_100, order_ref="A-1", promotions=["big-spender"])
    assert refused.value.code == "minimum_not_met" and "big-spender" in refused.value.details["codes"]
    with pytest.raises(RedemptionRefused) as paused:
        engine.redeem(customer("ana"), CART_100, order_ref="A-1", promotions=["paused"])
    assert paused.value.code == "campaign_paused"
    assert engine.get_campaign("big-spender").redemptions_count == 0
