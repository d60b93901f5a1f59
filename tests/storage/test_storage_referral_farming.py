"""Referral farming: a friend orders with the advocate's code, the advocate spends the reward,
the friend cancels, and again. A friend converts for good once; a reward used before its
friend's order was cancelled is owed, and the advocate's next reward repays it."""
from __future__ import annotations

import pytest

from promo.core.errors import RedemptionRefused
from tests.storage.test_storage_referrals import FRIENDS
from tests.support.storagekit import CART_40, CART_100, customer
from tests.support.threadkit import failures, run_together

ROUNDS = 3


@pytest.fixture
def referrals(engine):
    engine.create_campaign(FRIENDS)
    for name in ("ana", "bo", "cy", "di", "ed", "fy", "gus"):
        engine.upsert_customer(customer(name))
    return engine


def spend_the_reward(engine, advocate: str, ref: str) -> int:
    """The advocate spends every reward they hold on an order; returns what it took off."""
    usable = [r.code for r in engine.referral_summary(advocate).rewards if r.status == "available"]
    if not usable:
        return 0
    return engine.redeem(advocate, CART_40, usable, order_ref=ref).discount


def reward_codes_held(engine, advocate: str = "ana") -> list[str]:
    return [c.code for c in engine.customer_codes(advocate) if c.campaign_id == "friends--reward"]


def test_one_friend_ordering_and_cancelling_again_and_again_earns_the_advocate_one_reward(referrals):
    code = referrals.referral_code_for("ana").code
    taken_off = 0

    for round_number in range(ROUNDS):
        try:
            order = referrals.redeem("bo", CART_100, [code], order_ref=f"bo-{round_number}")
        except RedemptionRefused as refused:
            assert (round_number, refused.code) != (0, refused.code)     # the first round is a real referral
            assert refused.code == "referral_already_counted"
            assert referrals.validate("bo", CART_100, [code]).codes[code].reason.value == "referral_already_counted"
            continue
        taken_off += spend_the_reward(referrals, "ana", f"ana-{round_number}")
        referrals.rollback(order.id, reason="cancelled by the customer")

    summary = referrals.referral_summary("ana")
    assert taken_off == 1000                       # one reward, not one per round
    assert len(reward_codes_held(referrals)) == 1
    assert (summary.invited, summary.converted, summary.owed) == (1, 0, 1)
    assert [r.status for r in summary.rewards] == ["reclaimed"] and summary.rewards_earned == 0


def test_fake_friends_ordering_and_cancelling_earn_one_reward_in_all(referrals):
    code = referrals.referral_code_for("ana").code
    taken_off = 0

    for friend in ("bo", "cy", "di"):
        order = referrals.redeem(friend, CART_100, [code], order_ref=f"{friend}-1")
        taken_off += spend_the_reward(referrals, "ana", f"ana-{friend}")
        referrals.rollback(order.id, reason="cancelled by the customer")

    summary = referrals.referral_summary("ana")
    assert taken_off == 1000                       # the 2nd and 3rd conversions were withheld
    assert len(reward_codes_held(referrals)) == 1
    assert (summary.converted, summary.withheld, summary.owed) == (0, 0, 1)


def test_a_reclaimed_reward_is_repaid_by_the_next_conversion_and_the_one_after_pays(referrals):
    code = referrals.referral_code_for("ana").code
    order = referrals.redeem("bo", CART_100, [code], order_ref="bo-1")
    spend_the_reward(referrals, "ana", "ana-1")
    referrals.rollback(order.id, reason="cancelled")

    referrals.redeem("cy", CART_100, [code], order_ref="cy-1")
    repaid = referrals.referral_summary("ana")
    referrals.redeem("di", CART_100, [code], order_ref="di-1")
    paid = referrals.referral_summary("ana")

    assert [r.status for r in repaid.rewards] == ["reclaimed"]     # cy's conversion earned no code
    assert (repaid.converted, repaid.withheld, repaid.owed) == (1, 1, 0)
    assert len(reward_codes_held(referrals)) == 2
    assert (paid.converted, paid.withheld, paid.owed) == (2, 1, 0)
    assert [r.status for r in paid.rewards] == ["reclaimed", "available"]


def test_cancelling_the_conversion_that_repaid_a_reward_makes_it_owed_again(referrals):
    code = referrals.referral_code_for("ana").code
    order = referrals.redeem("bo", CART_100, [code], order_ref="bo-1")
    spend_the_reward(referrals, "ana", "ana-1")
    referrals.rollback(order.id, reason="cancelled")
    repaying = referrals.redeem("cy", CART_100, [code], order_ref="cy-1")

    referrals.rollback(repaying.id, reason="cancelled")
    referrals.redeem("di", CART_100, [code], order_ref="di-1")

    summary = referrals.referral_summary("ana")
    assert (summary.converted, summary.withheld, summary.owed) == (1, 1, 0)
    assert len(reward_codes_held(referrals)) == 1          # di's conversion repaid bo's reward


def test_a_reclaimed_reward_whose_own_order_is_cancelled_is_owed_no_more_and_stays_dead(referrals):
    code = referrals.referral_code_for("ana").code
    order = referrals.redeem("bo", CART_100, [code], order_ref="bo-1")
    [reward] = referrals.referral_summary("ana").rewards
    spent = referrals.redeem("ana", CART_40, [reward.code], order_ref="ana-1")
    referrals.rollback(order.id, reason="cancelled")

    referrals.rollback(spent.id, reason="cancelled")      # ana gets the use of the code back...

    summary = referrals.referral_summary("ana")
    assert (summary.owed, [r.status for r in summary.rewards]) == (0, ["revoked"])
    with pytest.raises(RedemptionRefused) as refused:   # ...but not the code itself
        referrals.redeem("ana", CART_40, [reward.code], order_ref="ana-2")
    assert refused.value.code == "code_disabled"
    referrals.redeem("cy", CART_100, [code], order_ref="cy-1")
    assert referrals.referral_summary("ana").withheld == 0   # nothing owed: cy's reward is paid


def test_a_friend_whose_order_was_cancelled_before_it_converted_may_be_referred_again(referrals):
    referrals.update_campaign("friends", {**FRIENDS, "referral": {**FRIENDS["referral"], "conversion": "order_shipped"}})
    code = referrals.referral_code_for("ana").code
    first = referrals.redeem("bo", CART_100, [code], order_ref="bo-1")
    referrals.rollback(first.id, reason="cancelled")       # nothing was paid for it

    referrals.redeem("bo", CART_100, [code], order_ref="bo-2")
    [conversion] = referrals.referral_event("bo", "order_shipped")

    assert conversion.reward_code is not None
    assert referrals.referral_summary("ana").converted == 1


def test_a_used_bonus_of_a_tier_no_longer_reached_cannot_come_back_when_its_order_is_cancelled(referrals):
    code = referrals.referral_code_for("ana").code
    first, *_ = [referrals.redeem(friend, CART_100, [code], order_ref=f"{friend}-1") for friend in ("bo", "cy", "di")]
    [bonus] = [r.code for r in referrals.referral_summary("ana").rewards if r.kind == "bonus"]
    spent = referrals.redeem("ana", CART_100, [bonus], order_ref="ana-1")
    referrals.rollback(first.id, reason="cancelled")       # 2 converted: below the tier

    referrals.rollback(spent.id, reason="cancelled")

    with pytest.raises(RedemptionRefused) as refused:
        referrals.redeem("ana", CART_100, [bonus], order_ref="ana-2")
    assert refused.value.code == "code_disabled"
    referrals.redeem("ed", CART_100, [code], order_ref="ed-1")     # 3 again: the bonus is earned again
    live = [r for r in referrals.referral_summary("ana").rewards if r.kind == "bonus" and r.status == "available"]
    assert len(live) == 1


def test_racing_conversions_repay_one_owed_reward_once(referrals):
    code = referrals.referral_code_for("ana").code
    order = referrals.redeem("bo", CART_100, [code], order_ref="bo-1")
    spend_the_reward(referrals, "ana", "ana-1")
    referrals.rollback(order.id, reason="cancelled")
    friends = ["cy", "di", "ed", "fy", "gus"]

    outcomes = run_together(len(friends), lambda i: referrals.redeem(friends[i], CART_100, [code],
                                                                    order_ref=f"{friends[i]}-1"))

    assert failures(outcomes) == []
    summary = referrals.referral_summary("ana")
    assert (summary.converted, summary.withheld, summary.owed) == (5, 1, 0)
    assert len(reward_codes_held(referrals)) == 1 + 4          # bo's reclaimed one and four paid


def test_one_friend_racing_orders_with_the_code_counts_once(referrals):
    code = referrals.referral_code_for("ana").code

    outcomes = run_together(4, lambda i: referrals.redeem("bo", CART_100, [code], order_ref=f"bo-{i}"))

    refused = failures(outcomes)
    assert len(refused) == 3 and {getattr(e, "code", repr(e)) for e in refused} <= {
        "referral_already_counted", "referral_not_new_customer"}
    assert len(reward_codes_held(referrals)) == 1
