"""Redemption, rollback and limits through the Engine, on both databases."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from promo.core.domain import Cart, CartLine
from promo.core.errors import Conflict, InvalidRequest, LimitExceeded, NotFound, RedemptionRefused
from promo.core.reasons import Reason
from promo.core.records import ItemStatus, OrderStatus, RedemptionStatus
from promo.core.results import Status
from tests.support.dbkit import STORE_ZONE
from tests.support.storagekit import CART_40, CART_100, bulk, cart, coupon, customer, promotion


def test_redeem_records_order_lines_and_counters(engine):
    engine.create_campaign(coupon("happy", "HAPPY10", amount=1000, limits={"per_customer": 3}))
    order = cart(("beans", 1500, 2), ("filters", 1000, 1))

    result = engine.redeem(customer("ana"), order, [" happy10 "], order_ref="A-1")

    assert result.status is RedemptionStatus.SUCCEEDED
    assert (result.order.subtotal, result.order.discount, result.order.total) == (4000, 1000, 3000)
    assert [line.discount for line in result.order.lines] == [750, 250]
    [item] = result.items
    assert (item.campaign_id, item.code, item.discount, item.line_discounts) == ("happy", "HAPPY10", 1000, (750, 250))
    assert engine.get_code("HAPPY10").redeemed_count == 1
    campaign = engine.get_campaign("happy")
    assert (campaign.redemptions_count, campaign.budget_used, campaign.order_value_used) == (1, 1000, 4000)
    ana = engine.get_customer("ana")
    assert (ana.orders_count, ana.total_spent) == (1, 3000)
    assert engine.get_redemption(result.id) == result


def test_unknown_or_inapplicable_code_refuses_the_whole_order(engine):
    engine.create_campaign(coupon("big", "BIG20", amount=2000, eligibility={"fact": "cart.subtotal", "gte": 5000}))
    engine.upsert_customer(customer("ana"))

    with pytest.raises(RedemptionRefused) as unknown:
        engine.redeem(customer("ana"), CART_40, ["NOPE"], order_ref="A-1")
    with pytest.raises(RedemptionRefused) as minimum:
        engine.redeem(customer("ana"), CART_40, ["big20"], order_ref="A-1")

    assert unknown.value.code == "code_not_found"
    assert minimum.value.code == "minimum_not_met"
    assert minimum.value.details["codes"]["BIG20"]["reason"] == "minimum_not_met"
    assert engine.list_redemptions() == []
    assert engine.get_customer("ana").orders_count == 0


def test_auto_promotion_that_cannot_apply_is_left_out_not_refused(engine):
    engine.create_campaign(promotion("welcome", amount=500, limits={"total": 1}))
    first = engine.redeem(customer("ana"), CART_40, order_ref="A-1")
    second = engine.redeem(customer("ben"), CART_40, order_ref="B-1")

    assert [i.campaign_id for i in first.items] == ["welcome"]
    assert second.items == () and second.order.discount == 0


def test_rollback_makes_code_customer_limit_and_budget_usable_again(engine):
    engine.create_campaign(bulk("sorry", amount=1000, limits={"per_code": 1, "per_customer": 1, "budget": 1000}))
    engine.generate_codes("sorry", 1)
    engine.upsert_customer(customer("ana"))
    code = engine.publish("sorry", "ana").code
    redeemed = engine.redeem("ana", CART_40, [code], order_ref="A-1")
    with pytest.raises(LimitExceeded) as used_up:
        engine.redeem("ana", CART_40, [code], order_ref="A-2")
    assert used_up.value.code == "quantity_exceeded"

    rolled_back = engine.rollback(redeemed.id, reason="payment failed", actor="psp-webhook")

    assert rolled_back.status is RedemptionStatus.ROLLED_BACK
    assert rolled_back.order.status is OrderStatus.CANCELLED
    assert [i.status for i in rolled_back.items] == [ItemStatus.ROLLED_BACK]
    assert engine.get_code(code).redeemed_count == 0
    assert engine.get_campaign("sorry").budget_used == 0
    assert engine.get_customer("ana").orders_count == 0
    again = engine.redeem("ana", CART_40, [code], order_ref="A-2")
    assert again.discount == 1000


def test_rollback_twice_returns_the_same_result_and_restores_once(engine):
    engine.create_campaign(coupon("happy", "HAPPY10", amount=1000, limits={"budget": 5000}))
    redeemed = engine.redeem(customer("ana"), CART_40, ["HAPPY10"], order_ref="A-1")
    engine.redeem(customer("ben"), CART_40, ["HAPPY10"], order_ref="B-1")

    first = engine.rollback(redeemed.id, reason="cancelled")
    second = engine.rollback(redeemed.id, reason="cancelled again")

    assert second == first
    assert second.rollback_reason == "cancelled"
    campaign = engine.get_campaign("happy")
    assert (campaign.redemptions_count, campaign.budget_used) == (1, 1000)
    assert engine.get_code("HAPPY10").redeemed_count == 1


def test_partial_rollback_withdraws_one_stacked_offer_and_keeps_the_order(engine):
    engine.create_campaign(promotion("welcome", amount=500))
    engine.create_campaign(coupon("happy", "HAPPY10", amount=1000, limits={"per_customer": 1}))
    redeemed = engine.redeem(customer("ana"), CART_40, ["HAPPY10"], order_ref="A-1")
    assert redeemed.order.discount == 1500
    happy = next(i for i in redeemed.items if i.campaign_id == "happy")

    partial = engine.rollback(redeemed.id, reason="code misused", item_id=happy.id)

    assert partial.status is RedemptionStatus.PARTIALLY_ROLLED_BACK
    assert partial.order.status is OrderStatus.PLACED
    assert (partial.order.discount, partial.order.total) == (500, 3500)
    assert {i.campaign_id: i.status for i in partial.items} == {
        "welcome": ItemStatus.SUCCEEDED, "happy": ItemStatus.ROLLED_BACK,
    }
    assert engine.get_customer("ana").total_spent == 3500
    assert engine.get_campaign("happy").redemptions_count == 0
    assert engine.get_campaign("welcome").redemptions_count == 1
    # The per-customer limit of the withdrawn offer is free again.
    assert engine.validate("ana", CART_40, ["HAPPY10"]).codes["HAPPY10"].status is Status.APPLIED

    whole = engine.rollback(redeemed.id, reason="order cancelled")
    assert whole.status is RedemptionStatus.ROLLED_BACK
    assert whole.order.status is OrderStatus.CANCELLED
    assert engine.get_customer("ana").total_spent == 0


def test_rollback_of_unknown_redemption_or_item_is_not_found(engine):
    engine.create_campaign(coupon("happy", "HAPPY10"))
    redeemed = engine.redeem(customer("ana"), CART_40, ["HAPPY10"], order_ref="A-1")
    with pytest.raises(NotFound):
        engine.rollback(9999, reason="x")
    with pytest.raises(NotFound):
        engine.rollback(redeemed.id, reason="x", item_id=9999)
    with pytest.raises(InvalidRequest):
        engine.rollback(redeemed.id, reason="  ")


def test_idempotency_key_with_a_different_payload_is_a_conflict(engine):
    engine.create_campaign(coupon("happy", "HAPPY10", amount=1000))
    first = engine.redeem(customer("ana"), CART_40, ["HAPPY10"], order_ref="A-1", idempotency_key="k-1")

    replay = engine.redeem(customer("ana"), CART_40, ["happy10 "], order_ref="A-1", idempotency_key="k-1")
    with pytest.raises(Conflict) as conflict:
        engine.redeem(customer("ana"), CART_100, ["HAPPY10"], order_ref="A-1", idempotency_key="k-1")

    assert replay.replayed and replay.id == first.id and replay.order == first.order
    assert conflict.value.code == "idempotency_key_reused"
    assert len(engine.list_redemptions()) == 1


def test_a_refused_request_leaves_its_idempotency_key_free(engine):
    engine.create_campaign(coupon("happy", "HAPPY10", amount=1000, eligibility={"fact": "cart.subtotal", "gte": 5000}))
    with pytest.raises(RedemptionRefused):
        engine.redeem(customer("ana"), CART_40, ["HAPPY10"], order_ref="A-1", idempotency_key="k-1")
    result = engine.redeem(customer("ana"), CART_100, ["HAPPY10"], order_ref="A-1", idempotency_key="k-1")
    assert result.discount == 1000


def test_reused_order_reference_is_a_conflict(engine):
    engine.redeem(customer("ana"), CART_40, order_ref="A-1")
    with pytest.raises(Conflict) as conflict:
        engine.redeem(customer("ana"), CART_40, order_ref="A-1")
    assert conflict.value.code == "order_exists"


def test_per_day_limit_resets_at_the_store_midnight_not_utc(engine, clock):
    engine.create_campaign(coupon("daily", "DAILY5", amount=500, limits={"per_customer_per": {"day": 1}}))
    # 23:30 in New York on 5 March is already 04:30 UTC on 6 March.
    clock.set(datetime(2026, 3, 5, 23, 30, tzinfo=STORE_ZONE))
    engine.redeem(customer("ana"), CART_40, ["DAILY5"], order_ref="A-1")

    clock.set(datetime(2026, 3, 5, 23, 59, tzinfo=STORE_ZONE))  # a new UTC day, same store day
    assert clock().astimezone(UTC).day == 6
    with pytest.raises(LimitExceeded) as same_day:
        engine.redeem(customer("ana"), CART_40, ["DAILY5"], order_ref="A-2")
    assert same_day.value.code == "customer_limit_reached"

    clock.set(datetime(2026, 3, 6, 0, 1, tzinfo=STORE_ZONE))   # the store's midnight has passed
    assert engine.redeem(customer("ana"), CART_40, ["DAILY5"], order_ref="A-3").discount == 500


def test_per_customer_limit_counts_each_customer_separately(engine):
    engine.create_campaign(coupon("once", "ONCE", amount=500, limits={"per_customer": 1}))
    engine.redeem(customer("ana"), CART_40, ["ONCE"], order_ref="A-1")
    with pytest.raises(LimitExceeded) as again:
        engine.redeem(customer("ana"), CART_40, ["ONCE"], order_ref="A-2")
    assert again.value.code == "customer_limit_reached"
    assert engine.redeem(customer("ben"), CART_40, ["ONCE"], order_ref="B-1").discount == 500


def test_guests_cannot_use_offers_limited_per_customer(engine):
    engine.create_campaign(coupon("once", "ONCE", amount=500, limits={"per_customer": 1}))
    with pytest.raises(RedemptionRefused) as guest:
        engine.redeem(None, CART_40, ["ONCE"], order_ref="G-1")
    assert guest.value.code == "login_required"


def test_total_limit_and_order_value_budget(engine):
    engine.create_campaign(coupon("two", "TWO", amount=100, limits={"total": 2}))
    engine.create_campaign(coupon("value", "VALUE", amount=100, limits={"order_value_budget": 10_000}))
    engine.redeem(customer("a"), CART_40, ["TWO", "VALUE"], order_ref="1")
    engine.redeem(customer("b"), CART_40, ["TWO", "VALUE"], order_ref="2")
    with pytest.raises(LimitExceeded) as total:
        engine.redeem(customer("c"), CART_40, ["TWO"], order_ref="3")
    with pytest.raises(LimitExceeded) as value:
        engine.redeem(customer("c"), CART_40, ["VALUE"], order_ref="4")   # 8000 used + 4000 > 10000
    assert total.value.code == "campaign_limit_reached"
    assert value.value.code == "budget_exhausted"
    assert engine.redeem(customer("c"), cart(("beans", 2000, 1)), ["VALUE"], order_ref="5").discount == 100


def test_start_end_dates_and_weekly_schedule_are_enforced_at_redemption(engine, clock):
    engine.create_campaign(coupon("march", "MARCH", active={"from": "2026-03-01", "until": "2026-03-31"}))
    engine.create_campaign(
        coupon("happy-hour", "HOUR", schedule=[{"days": "weekdays", "from": "16:00", "until": "18:00"}])
    )
    clock.set(datetime(2026, 4, 1, 9, 0, tzinfo=STORE_ZONE))
    with pytest.raises(RedemptionRefused) as expired:
        engine.redeem(customer("ana"), CART_40, ["MARCH"], order_ref="1")
    clock.set(datetime(2026, 3, 5, 15, 59, tzinfo=STORE_ZONE))  # Thursday, before the slot
    with pytest.raises(RedemptionRefused) as early:
        engine.redeem(customer("ana"), CART_40, ["HOUR"], order_ref="2")
    clock.set(datetime(2026, 3, 5, 16, 30, tzinfo=STORE_ZONE))

    assert expired.value.code == Reason.EXPIRED
    assert early.value.code == Reason.OUTSIDE_SCHEDULE
    assert engine.redeem(customer("ana"), CART_40, ["HOUR", "MARCH"], order_ref="3").discount == 1000


def test_paused_campaign_and_disabled_code_are_refused(engine):
    engine.create_campaign(coupon("happy", "HAPPY10"))
    engine.create_campaign(bulk("sorry"))
    engine.generate_codes("sorry", 2)
    code = engine.list_codes("sorry").codes[0].code

    engine.set_campaign_status("happy", "pause", actor="ana")
    engine.set_code_status(code, "disable", actor="ana")

    with pytest.raises(RedemptionRefused) as paused:
        engine.redeem(customer("ana"), CART_40, ["HAPPY10"], order_ref="1")
    with pytest.raises(RedemptionRefused) as disabled:
        engine.redeem(customer("ana"), CART_40, [code], order_ref="2")
    assert paused.value.code == "campaign_paused"
    assert disabled.value.code == "code_disabled"

    engine.set_campaign_status("happy", "resume")
    engine.set_code_status(code, "enable")
    assert engine.redeem(customer("ana"), CART_40, ["HAPPY10", code], order_ref="3").discount == 1500


def test_a_code_published_to_someone_else_looks_unknown(engine):
    engine.create_campaign(bulk("sorry"))
    engine.generate_codes("sorry", 1)
    engine.upsert_customer(customer("ana"))
    code = engine.publish("sorry", "ana").code

    with pytest.raises(RedemptionRefused) as theirs:
        engine.redeem(customer("ben"), CART_40, [code], order_ref="B-1")
    assert theirs.value.code == "code_not_found"
    assert engine.redeem(customer("ana"), CART_40, [code], order_ref="A-1").discount == 1000


def test_malformed_input_is_an_invalid_request_not_a_database_error(engine):
    engine.create_campaign(coupon("happy", "HAPPY10"))
    long_name = Cart((CartLine("beans", "x" * 201, 2000, 1),))
    with pytest.raises(InvalidRequest):
        engine.redeem(customer("ana"), long_name, ["HAPPY10"], order_ref="A-1")
    with pytest.raises(InvalidRequest):
        engine.redeem(customer("ana"), CART_40, ["HAPPY10"], order_ref="x" * 129)
    with pytest.raises(InvalidRequest):
        engine.redeem(customer("ana"), CART_40, "HAPPY10", order_ref="A-1")
    with pytest.raises(InvalidRequest):
        engine.get_redemption("1")
    with pytest.raises(InvalidRequest):
        engine.upsert_customer(customer("ana", country="USA"))
    assert engine.list_redemptions() == []
