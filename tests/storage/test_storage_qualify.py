"""Qualification and validation read live state and have no side effects."""
from __future__ import annotations

from promo.core.reasons import Reason
from promo.core.records import OfferSource, OfferStatus
from promo.core.results import Status
from tests.support.storagekit import CART_40, bulk, coupon, customer, promotion

VIP_ONLY = {"fact": "customer.segment", "is": "vip"}
OVER_50 = {"fact": "cart.subtotal", "gte": 5000}


def test_qualify_lists_promotions_public_codes_and_wallet_best_first(engine):
    engine.create_campaign(promotion("welcome", amount=500, eligibility=OVER_50))
    engine.create_campaign(coupon("happy", "HAPPY10", amount=1000))
    engine.create_campaign(coupon("secret", "SECRET", amount=3000, visibility={"listed": False}))
    engine.create_campaign(coupon("vip", "VIPONLY", amount=2000, eligibility=VIP_ONLY))
    engine.create_campaign(bulk("sorry", amount=1500))
    engine.generate_codes("sorry", 2)
    engine.upsert_customer(customer("ana"))
    wallet_code = engine.publish("sorry", "ana").code

    offers = engine.qualify("ana", CART_40)

    assert [(o.campaign_id, o.status, o.discount) for o in offers] == [
        ("sorry", OfferStatus.ELIGIBLE, 1500),
        ("happy", OfferStatus.ELIGIBLE, 1000),
        ("welcome", OfferStatus.NEAR_MISS, 0),
        ("vip", OfferStatus.NOT_ELIGIBLE, 0),
    ]
    wallet, happy, welcome, vip = offers
    assert (wallet.source, wallet.code) == (OfferSource.WALLET, wallet_code)
    assert (happy.source, happy.code) == (OfferSource.PUBLIC_CODE, "HAPPY10")
    assert welcome.source is OfferSource.PROMOTION and welcome.code is None
    assert welcome.hint is not None and welcome.hint.missing_amount == 1000
    assert vip.reason is Reason.CUSTOMER_NOT_ELIGIBLE
    # A guest sees the public offers but has no wallet.
    assert [o.campaign_id for o in engine.qualify(None, CART_40)] == ["happy", "welcome", "vip"]


def test_an_exhausted_budget_shows_at_once(engine):
    engine.create_campaign(coupon("flash", "FLASH", amount=1000, limits={"budget": 1000}))
    [before] = engine.qualify(None, CART_40)
    engine.redeem(customer("ana"), CART_40, ["FLASH"], order_ref="A-1")

    [after] = engine.qualify(None, CART_40)

    assert before.status is OfferStatus.ELIGIBLE
    assert (after.status, after.reason) == (OfferStatus.NOT_ELIGIBLE, Reason.BUDGET_EXHAUSTED)
    assert engine.validate(None, CART_40, ["flash"]).codes["FLASH"].reason is Reason.BUDGET_EXHAUSTED


def test_validate_changes_nothing(engine):
    engine.create_campaign(coupon("once", "ONCE", amount=500, limits={"per_code": 1}))
    for _ in range(3):
        evaluation = engine.validate(customer("ana"), CART_40, ["once", "nope"])
        assert evaluation.codes["ONCE"].status is Status.APPLIED
        assert evaluation.codes["NOPE"].reason is Reason.CODE_NOT_FOUND
        assert list(evaluation.codes) == ["ONCE", "NOPE"]
        assert evaluation.total == 3500
    assert engine.get_code("ONCE").redeemed_count == 0
    assert engine.list_redemptions() == []
