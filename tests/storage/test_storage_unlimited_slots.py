"""A campaign without limits (most promotions and coupons) gets its slot without the limit checks:
nothing but its status and its code's can block it, it has no budget, and a redemption counts the
customer's `total` usage as for every campaign. The slots are the ones the checks would make."""
from __future__ import annotations

import pytest
from sqlalchemy import text

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


def test_a_promotion_without_limits_paused_by_another_process_leaves_the_next_cart(engine, db_engine):
    """Its slot is made once per active set, without reading its row: the pause, written to the
    database as another worker or the console would write it, moves the campaigns' revision, so
    the next cart is priced without it."""
    engine.create_campaign(promotion("storewide"))
    assert [o.campaign_id for o in engine.price(None, CART_40).evaluation.applied] == ["storewide"]
    with db_engine.begin() as connection:
        connection.execute(text("UPDATE campaigns SET status = 'paused' WHERE id = 'storewide'"))

    assert engine.price(None, CART_40).evaluation.applied == ()


def test_slots_of_promotions_without_limits_are_shared_while_the_set_is_current(engine):
    engine.upsert_customer(customer("ana"))
    engine.create_campaign(promotion("storewide"))
    engine.create_campaign(promotion("once-each", limits={"per_customer": 1}))
    first = {slot.campaign.id: slot for slot in slots(engine, "ana", [])}
    again = {slot.campaign.id: slot for slot in slots(engine, "ana", [])}
    assert again["storewide"] is first["storewide"]
    assert again["once-each"] is not first["once-each"]   # its counters are read for every cart
