"""Two-sided referrals: the advocate's code, the friend's first-order discount, a reward code per
conversion with a bonus tier, every refusal with its own reason, and revocation on rollback
(farming by cancelling and ordering again: test_storage_referral_farming.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from promo.core.errors import NotFound, RedemptionRefused
from promo.storage import make_session_factory
from promo.storage.event_models import OutboxEventRow
from tests.support.storagekit import CART_40, CART_100, customer, run_together

FRIENDS = {
    "id": "friends", "name": "Friends of Arabica", "kind": "referral",
    "codes": {"pattern": "FRIEND-######"},
    "effect": {"type": "amount_off_order", "amount": 2000},
    "eligibility": {"fact": "cart.subtotal", "gte": 5000, "message": "Referral discounts start at $50."},
    "referral": {
        "reward": {"type": "amount_off_order", "amount": 1000},
        "bonuses": [{"referrals": 3, "reward": {"type": "amount_off_order", "amount": 2500}}],
    },
}


@pytest.fixture
def referrals(engine):
    engine.create_campaign(FRIENDS)
    for name in ("ana", "bo", "cy", "di", "ed"):
        engine.upsert_customer(customer(name))
    return engine


def refer(engine, friend: str, code: str, ref: str | None = None):
    return engine.redeem(friend, CART_100, [code], order_ref=ref or f"{friend}-1")


def test_each_customer_gets_one_personal_code_on_demand(referrals):
    first = referrals.referral_code_for("ana")
    again = referrals.referral_code_for("ana")

    assert first.created and not again.created and again.code == first.code
    assert first.code.startswith("FRIEND-") and referrals.get_code(first.code).holder_id == "ana"
    assert referrals.referral_code_for("bo").code != first.code


def test_a_new_friend_gets_the_discount_and_the_advocate_a_reward_code(referrals):
    code = referrals.referral_code_for("ana").code

    result = refer(referrals, "bo", code)

    assert result.discount == 2000
    summary = referrals.referral_summary("ana")
    assert (summary.code, summary.invited, summary.converted, summary.rewards_earned) == (code, 1, 1, 1)
    [reward] = summary.rewards
    assert reward.status == "available" and reward.code in [c.code for c in referrals.customer_codes("ana")]
    assert referrals.validate("ana", CART_40, [reward.code]).discount == 1000


def test_the_friends_minimum_is_the_campaigns_eligibility(referrals):
    code = referrals.referral_code_for("ana").code

    with pytest.raises(RedemptionRefused) as refused:
        referrals.redeem("bo", CART_40, [code], order_ref="bo-1")

    assert refused.value.code == "minimum_not_met"


@pytest.mark.parametrize(("shopper", "reason"), [
    ("ana", "referral_self"),
    (None, "referral_login_required"),
])
def test_own_code_and_guests_are_refused_with_their_reasons(referrals, shopper, reason):
    code = referrals.referral_code_for("ana").code

    evaluation = referrals.validate(shopper, CART_100, [code])
    with pytest.raises(RedemptionRefused) as refused:
        referrals.redeem(shopper, CART_100, [code], order_ref="X-1")

    assert evaluation.codes[code].reason.value == reason and evaluation.codes[code].message
    assert refused.value.code == reason
    assert referrals.referral_summary("ana").invited == 0


def test_a_friend_who_has_ordered_before_is_not_new(referrals):
    code = referrals.referral_code_for("ana").code
    referrals.redeem("bo", CART_40, order_ref="bo-0")

    with pytest.raises(RedemptionRefused) as refused:
        refer(referrals, "bo", code)

    assert refused.value.code == "referral_not_new_customer"


def test_a_friend_counts_once_even_when_their_profile_is_reset(referrals):
    ana, cy = referrals.referral_code_for("ana").code, referrals.referral_code_for("cy").code
    refer(referrals, "bo", ana)
    referrals.upsert_customer(customer("bo"))      # an import that says bo never ordered

    evaluation = referrals.validate("bo", CART_100, [cy])

    assert evaluation.codes[cy].reason.value == "referral_already_counted"


def test_a_friend_is_counted_once(referrals):
    ana, cy = referrals.referral_code_for("ana").code, referrals.referral_code_for("cy").code
    referrals.update_campaign("friends", {**FRIENDS, "referral": {**FRIENDS["referral"], "conversion": "order_shipped"}})
    first = refer(referrals, "bo", ana)
    referrals.rollback(first.id, reason="cancelled")       # bo is new again, and the referral is revoked
    refer(referrals, "bo", cy, "bo-2")

    assert referrals.referral_summary("ana").converted == 0
    assert referrals.referral_summary("cy").invited == 1
    # bo's order is placed, so no third referral can count them.
    assert referrals.validate("bo", CART_100, [ana]).codes[ana].reason.value == "referral_not_new_customer"


def test_a_custom_conversion_event_rewards_only_when_reported(referrals):
    referrals.update_campaign("friends", {**FRIENDS, "referral": {**FRIENDS["referral"], "conversion": "order_shipped"}})
    code = referrals.referral_code_for("ana").code
    refer(referrals, "bo", code)
    assert referrals.referral_summary("ana").rewards == ()

    nothing = referrals.referral_event("bo", "review_left")
    [conversion] = referrals.referral_event("bo", "order_shipped")

    assert nothing == []
    assert conversion.advocate_id == "ana" and conversion.reward_code
    assert referrals.referral_summary("ana").converted == 1
    assert referrals.referral_event("bo", "order_shipped") == []      # converts once
    with pytest.raises(NotFound) as unknown:
        referrals.referral_event("nobody", "order_shipped")
    assert unknown.value.code == "customer_not_found"


def test_the_bonus_tier_adds_a_bonus_code_on_the_conversion_that_reaches_it(referrals):
    code = referrals.referral_code_for("ana").code

    conversions = [refer(referrals, friend, code) for friend in ("bo", "cy", "di")]

    summary = referrals.referral_summary("ana")
    assert len(conversions) == summary.converted == 3
    assert [r.kind for r in summary.rewards] == ["reward", "reward", "reward", "bonus"]
    bonus = summary.rewards[-1].code
    assert referrals.validate("ana", CART_100, [bonus]).codes[bonus].discount == 2500


def bonus_codes(engine, advocate: str = "ana") -> dict[str, tuple[str, int]]:
    """The advocate's tier-3 bonus codes: code -> (status, times used)."""
    return {c.code: (c.status.value, c.redeemed_count) for c in engine.customer_codes(advocate)
            if c.campaign_id == "friends--bonus-3"}


def test_a_used_tier_bonus_is_not_paid_again_when_a_rollback_drops_the_count_and_it_is_reached_again(referrals):
    code = referrals.referral_code_for("ana").code
    first, *_ = [refer(referrals, friend, code) for friend in ("bo", "cy", "di")]
    [bonus] = bonus_codes(referrals)
    referrals.redeem("ana", CART_100, [bonus], order_ref="ana-1")       # spent

    referrals.rollback(first.id, reason="payment failed")              # 2 converted: below the tier
    refer(referrals, "ed", code)                                        # 3 again

    assert referrals.referral_summary("ana").converted == 3
    assert bonus_codes(referrals) == {bonus: ("disabled", 1)}           # one bonus for the tier, ever
    assert [r.status for r in referrals.referral_summary("ana").rewards if r.kind == "bonus"] == ["used"]


def test_an_unused_tier_bonus_is_revoked_below_the_tier_and_earned_once_more_when_it_is_reached_again(referrals):
    code = referrals.referral_code_for("ana").code
    first, *_ = [refer(referrals, friend, code) for friend in ("bo", "cy", "di")]
    [bonus] = bonus_codes(referrals)

    referrals.rollback(first.id, reason="payment failed")              # 2 converted: the bonus goes
    assert bonus_codes(referrals) == {bonus: ("disabled", 0)}
    refer(referrals, "ed", code)                                        # 3 again: earned again

    codes = bonus_codes(referrals)
    assert codes.pop(bonus) == ("disabled", 0)
    assert list(codes.values()) == [("active", 0)]                      # exactly one live bonus
    statuses = sorted(r.status for r in referrals.referral_summary("ana").rewards if r.kind == "bonus")
    assert statuses == ["available", "revoked"]


def test_a_tier_bonus_stays_while_the_count_stays_at_the_tier(referrals):
    referrals.upsert_customer(customer("fy"))
    code = referrals.referral_code_for("ana").code
    orders = [refer(referrals, friend, code) for friend in ("bo", "cy", "di", "ed")]
    [bonus] = bonus_codes(referrals)

    referrals.rollback(orders[2].id, reason="payment failed")   # di's conversion reached the tier; 3 remain
    refer(referrals, "fy", code)                                # 4 again: no tier at 4

    assert bonus_codes(referrals) == {bonus: ("active", 0)}
    assert referrals.validate("ana", CART_100, [bonus]).codes[bonus].discount == 2500


def test_rolling_the_friends_order_back_revokes_the_unused_reward(referrals):
    code = referrals.referral_code_for("ana").code
    order = refer(referrals, "bo", code)
    [reward] = referrals.referral_summary("ana").rewards

    referrals.rollback(order.id, reason="payment failed")

    summary = referrals.referral_summary("ana")
    assert (summary.invited, summary.converted, summary.rewards_earned) == (1, 0, 0)
    assert summary.rewards[0].status == "revoked"
    with pytest.raises(RedemptionRefused) as refused:
        referrals.redeem("ana", CART_40, [reward.code], order_ref="ana-1")
    assert refused.value.code == "code_disabled"


def test_a_reward_already_spent_is_reclaimed_as_owed_when_the_friends_order_is_rolled_back(referrals):
    code = referrals.referral_code_for("ana").code
    order = refer(referrals, "bo", code)
    [reward] = referrals.referral_summary("ana").rewards
    referrals.redeem("ana", CART_40, [reward.code], order_ref="ana-1")

    referrals.rollback(order.id, reason="payment failed")

    summary = referrals.referral_summary("ana")
    assert (summary.rewards[0].status, summary.owed, summary.rewards_earned) == ("reclaimed", 1, 0)


def test_the_advocates_own_code_is_no_offer_in_their_wallet(referrals):
    code = referrals.referral_code_for("ana").code

    offers = referrals.qualify("ana", CART_100)

    assert code not in [offer.code for offer in offers]


def test_a_tracked_custom_event_converts_the_friends_referral(referrals):
    referrals.update_campaign("friends", {**FRIENDS, "referral": {**FRIENDS["referral"], "conversion": "order_shipped"}})
    code = referrals.referral_code_for("ana").code
    refer(referrals, "bo", code)

    referrals.track("bo", "review_left")
    assert referrals.referral_summary("ana").converted == 0
    referrals.track("bo", "order_shipped", {"order_ref": "bo-1"})

    assert referrals.referral_summary("ana").converted == 1
    assert len(referrals.referral_summary("ana").rewards) == 1


def test_a_referral_code_nobody_holds_has_no_advocate_and_is_unknown(referrals):
    referrals.generate_codes("friends", 1)
    [pooled] = [info.code for info in referrals.list_codes("friends").codes if info.holder_id is None]

    with pytest.raises(RedemptionRefused) as refused:
        refer(referrals, "bo", pooled)

    assert refused.value.code == "code_not_found"


def test_concurrent_requests_for_a_code_make_one(referrals):
    codes = run_together(6, lambda i: referrals.referral_code_for("ana"))

    assert not [c for c in codes if isinstance(c, BaseException)]
    assert len({c.code for c in codes}) == 1
    assert [c.code for c in referrals.customer_codes("ana")] == [codes[0].code]


def test_codes_given_to_the_advocate_are_announced_in_the_outbox(referrals, db_engine):
    code = referrals.referral_code_for("ana").code
    refer(referrals, "bo", code)
    [reward] = referrals.referral_summary("ana").rewards

    with make_session_factory(db_engine)() as session:
        announced = [(row.customer_id, row.payload["publication"]["code"]) for row in session.scalars(
            select(OutboxEventRow).where(OutboxEventRow.type == "publication.created").order_by(OutboxEventRow.id))]

    assert announced == [("ana", code), ("ana", reward.code)]
