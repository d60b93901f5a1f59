"""A campaign without limits (most promotions and coupons) gets its slot without the limit checks:
nothing but its status and its code's can block it, it has no budget, and a redemption counts the
customer's `total` usage as for every campaign. The slots are the ones the checks would make."""
from __future__ import annotations

import pytest

from promo.core.reasons import Reason
from promo.services import offer_loader
from promo.services.customers import load_profile
from tests.support.storagekit import CART_40, coupon, customer, promotion


def slots(engine, customer_id: str | None, codes: list[str]) -> list[offer_loader.Slot]:
    with engine.work.read() as session:
        profile = load_profile(engine.work, session, customer_id)
        loader = engine.pricing.loader(session, profile, engine.context(), CART_40)
        active = engine.work.active.current(session)
        return (loader.promotions() + loader.touching_promotions(active, CART_40, profile)
                + loader.public_codes() + loader.entered(codes).slots)


@pytest.mark.parametrize("customer_id", [None, "ana"])
def test_a_campaign_without_limits_gets_the_slot_the_limit_checks_would_make(engine, monkeypatch, customer_id):
    engine.upsert_customer(customer("ana"))
    engine.create_campaign(promotion("storewide"))
    engine.create_campaign(promotion("once-each", limits={"per_customer": 1, "budget": 10_000}))
    engine.create_campaign(coupon("welcome", "WELCOME"))
    engine.create_campaign(coupon("resting", "RESTING"))
    engine.set_campaign_status("resting", "pause")

    unchecked = slots(engine, customer_id, ["WELCOME", "RESTING"])
    monkeypatch.setattr(offer_loader, "NO_LIMITS", object())   # every campaign through the checks
    checked = slots(engine, customer_id, ["WELCOME", "RESTING"])

    assert unchecked == checked
    by_id = {slot.campaign.id: slot for slot in unchecked}
    assert {"storewide", "once-each", "welcome", "resting"} <= set(by_id)
    assert by_id["resting"].candidate.blocked is Reason.CAMPAIGN_PAUSED
    assert by_id["storewide"].usage_keys == (() if customer_id is None else ("total",))
    assert by_id["once-each"].candidate.remaining_budget == 10_000
