"""Exclusive offers: the combination with the largest total discount wins; the rest is set aside."""
from decimal import Decimal

from promo.core.campaign import Stacking
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.effects.shipping import ShippingDiscount
from promo.core.reasons import Reason
from promo.core.results import Status
from tests.support.applykit import apply, by_id, coupon, line, min_subtotal, promo

EXCLUSIVE = Stacking.EXCLUSIVE
ALWAYS = Stacking.ALWAYS


def test_a_bigger_exclusive_offer_sets_the_common_ones_aside():
    campaigns = [promo("five", AmountOffOrder(500)), promo("pct", PercentOffOrder(Decimal(10))),
                 coupon("BIG", AmountOffOrder(3000), stacking=EXCLUSIVE, name="Big Sale")]
    evaluation = apply(campaigns, line("a", 10_000), codes=["BIG"])
    offers = by_id(evaluation)
    assert offers["big"].status is Status.APPLIED and offers["big"].discount == 3000
    for common in ("five", "pct"):
        assert offers[common].status is Status.SET_ASIDE
        assert offers[common].reason is Reason.EXCLUSIVE_CONFLICT
        assert offers[common].message == "Can't be combined with Big Sale, which saves you more."
    assert evaluation.total == 7000


def test_common_offers_together_beat_a_smaller_exclusive():
    campaigns = [promo("five", AmountOffOrder(500), name="$5 off"),
                 promo("pct", PercentOffOrder(Decimal(10)), name="10% off"),
                 coupon("SMALL", AmountOffOrder(1200), stacking=EXCLUSIVE)]
    evaluation = apply(campaigns, line("a", 10_000), codes=["SMALL"])
    offers = by_id(evaluation)
    assert offers["five"].status is Status.APPLIED and offers["pct"].status is Status.APPLIED
    assert evaluation.discount == 500 + 950
    assert offers["small"].status is Status.SET_ASIDE
    assert offers["small"].message == "Can't be combined with $5 off and 10% off, which save you more."
    assert evaluation.codes["SMALL"].reason is Reason.EXCLUSIVE_CONFLICT


def test_always_offers_stack_with_the_exclusive_one():
    campaigns = [promo("ship", ShippingDiscount(), stacking=ALWAYS),
                 promo("pct", PercentOffOrder(Decimal(10)), stacking=ALWAYS, priority=1),
                 promo("common", AmountOffOrder(100)),
                 coupon("BIG", AmountOffOrder(2000), stacking=EXCLUSIVE)]
    evaluation = apply(campaigns, line("a", 10_000), codes=["BIG"], shipping=500)
    offers = by_id(evaluation)
    assert [o.campaign_id for o in evaluation.applied] == ["pct", "ship", "big"]
    assert offers["pct"].discount == 1000 and offers["big"].discount == 2000
    assert evaluation.shipping_discount == 500
    assert offers["common"].status is Status.SET_ASIDE
    # Always offers are in every combination, so the message names the exclusive one.
    assert offers["common"].message == "Can't be combined with BIG, which saves you more."


def test_two_exclusive_offers_never_combine_the_better_one_is_kept():
    campaigns = [coupon("ONE", AmountOffOrder(1000), stacking=EXCLUSIVE),
                 coupon("TWO", PercentOffOrder(Decimal(15)), stacking=EXCLUSIVE)]
    evaluation = apply(campaigns, line("a", 10_000), codes=["ONE", "TWO"])
    assert [o.campaign_id for o in evaluation.applied] == ["two"]
    assert by_id(evaluation)["one"].reason is Reason.EXCLUSIVE_CONFLICT


def test_a_tie_keeps_the_combination_applied_earlier():
    campaigns = [coupon("ONE", AmountOffOrder(1000), stacking=EXCLUSIVE),
                 coupon("TWO", PercentOffOrder(Decimal(10)), stacking=EXCLUSIVE)]
    entered_one_first = apply(campaigns, line("a", 10_000), codes=["ONE", "TWO"])
    entered_two_first = apply(campaigns, line("a", 10_000), codes=["TWO", "ONE"])
    assert [o.campaign_id for o in entered_one_first.applied] == ["one"]
    assert [o.campaign_id for o in entered_two_first.applied] == ["two"]


def test_an_exclusive_offer_that_does_not_qualify_keeps_its_own_reason():
    campaigns = [promo("five", AmountOffOrder(500)),
                 coupon("BIG", AmountOffOrder(3000), stacking=EXCLUSIVE, eligibility=min_subtotal(50_000))]
    evaluation = apply(campaigns, line("a", 10_000), codes=["BIG"])
    offers = by_id(evaluation)
    assert offers["five"].status is Status.APPLIED
    assert offers["big"].status is Status.NOT_APPLICABLE
    assert offers["big"].reason is Reason.MINIMUM_NOT_MET


def test_common_offers_that_do_not_qualify_are_not_reported_as_set_aside():
    campaigns = [promo("picky", AmountOffOrder(500), eligibility=min_subtotal(50_000)),
                 coupon("BIG", AmountOffOrder(3000), stacking=EXCLUSIVE)]
    evaluation = apply(campaigns, line("a", 10_000), codes=["BIG"])
    assert by_id(evaluation)["picky"].reason is Reason.MINIMUM_NOT_MET


def test_shipping_counts_in_the_comparison():
    # Free $9 shipping plus $2 off beats $10 off the items.
    campaigns = [promo("ship", ShippingDiscount()), promo("two", AmountOffOrder(200)),
                 coupon("TEN", AmountOffOrder(1000), stacking=EXCLUSIVE)]
    evaluation = apply(campaigns, line("a", 5000), codes=["TEN"], shipping=900)
    assert {o.campaign_id for o in evaluation.applied} == {"ship", "two"}
    assert evaluation.total == 5000 - 200
