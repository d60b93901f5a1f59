"""Cancelling an order takes back the codes its checkout published (order_paid rules) while they
are unused, so cancel-and-reorder cannot collect reward codes; a used one stays, with a note."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from promo.core.errors import RedemptionRefused
from promo.storage.event_models import OutboxEventRow
from tests.support.eventkit import CART_120, add_customer, reward_campaign, rule, wallet


def codes_of(engine, customer_id):
    return {c.code: c.status.value for c in engine.customer_codes(customer_id) if c.campaign_id == "thanks"}


@pytest.fixture
def store(engine):
    reward_campaign(engine)
    add_customer(engine, "ana")
    engine.distributions.create(rule("thanks-per-order", "order_paid"))
    return engine


def test_cancel_and_reorder_leaves_one_usable_reward(store):
    first = store.redeem("ana", CART_120, order_ref="A-1")
    [earned] = wallet(store, "ana")

    store.rollback(first.id, reason="customer cancelled")
    store.redeem("ana", CART_120, order_ref="A-2")

    codes = codes_of(store, "ana")
    assert codes.pop(earned) == "disabled"
    assert list(codes.values()) == ["active"]          # the reward of the order that stands
    with pytest.raises(RedemptionRefused) as refused:
        store.redeem("ana", CART_120, [earned], order_ref="A-3")
    assert refused.value.code == "code_disabled"


def test_a_withdrawal_is_audited_and_announced(store):
    order = store.redeem("ana", CART_120, order_ref="A-1")
    [earned] = wallet(store, "ana")

    store.rollback(order.id, reason="customer cancelled")

    entry = store.audit_log(object_type="code", object_id=earned)[0]    # newest first (publish came before)
    assert entry.action == "code.withdrawn"
    assert entry.after["order_ref"] == "A-1" and entry.after["rule_id"] == "thanks-per-order"
    with store.work.read() as session:
        event = session.scalar(select(OutboxEventRow).where(OutboxEventRow.type == "distribution.withdrawn"))
    assert event.payload["code"] == earned and event.customer_id == "ana"


def test_a_reward_already_used_is_kept_with_a_note(store):
    order = store.redeem("ana", CART_120, order_ref="A-1")
    [earned] = wallet(store, "ana")
    spent = store.redeem("ana", CART_120, [earned], order_ref="A-2")

    store.rollback(order.id, reason="customer cancelled")

    assert store.get_redemption(spent.id).status.value == "succeeded"
    assert store.get_code(earned).redeemed_count == 1
    kept = [e for e in store.audit_log(object_type="code", object_id=earned) if e.action == "code.kept"]
    assert kept and kept[0].after["note"] == "the order was cancelled after this code was used"


def test_withdrawing_one_offer_keeps_the_order_and_its_reward(store):
    store.create_campaign({"id": "happy", "name": "Happy", "kind": "coupon", "code": "HAPPY",
                           "effect": {"type": "amount_off_order", "amount": 500}})
    order = store.redeem("ana", CART_120, ["HAPPY"], order_ref="A-1")

    store.rollback(order.id, item_id=order.items[0].id, reason="price match instead")

    assert list(codes_of(store, "ana").values()) == ["active"]


def test_rules_fired_once_ever_keep_their_code(store):
    store.distributions.create(rule("first-order", "order_paid", once="ever"))
    order = store.redeem("ana", CART_120, order_ref="A-1")
    assert len(wallet(store, "ana")) == 2

    store.rollback(order.id, reason="customer cancelled")
    store.redeem("ana", CART_120, order_ref="A-2")

    # The per-order reward of A-1 is withdrawn; the once-ever one stays (its period is spent, so
    # ordering again cannot bring a second one).
    assert sorted(codes_of(store, "ana").values()) == ["active", "active", "disabled"]
