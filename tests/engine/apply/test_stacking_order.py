"""Application order and compounding: priority first, then entry order; conditions re-checked."""
from decimal import Decimal

from promo.core.conditions import FactCondition, Op
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.reasons import Reason
from promo.core.results import Status
from tests.support.applykit import apply, by_id, coupon, line, min_subtotal, promo


def test_priority_first_then_promotions_in_campaign_order_then_codes_as_entered():
    campaigns = [
        coupon("LATE", AmountOffOrder(100)),
        promo("first-promo", AmountOffOrder(100)),
        coupon("EARLY", AmountOffOrder(100)),
        promo("second-promo", AmountOffOrder(100)),
        promo("urgent", AmountOffOrder(100), priority=10),
    ]
    evaluation = apply(campaigns, line("a", 10_000), codes=["early", "late"])
    assert [o.campaign_id for o in evaluation.applied] == [
        "urgent", "first-promo", "second-promo", "early", "late"]
    assert [o.order for o in evaluation.applied] == [1, 2, 3, 4, 5]


def test_each_offer_works_on_what_the_previous_ones_left():
    evaluation = apply([promo("ten-pct", PercentOffOrder(Decimal(10))),
                        promo("twenty-pct", PercentOffOrder(Decimal(20)))], line("a", 10_000))
    offers = by_id(evaluation)
    assert offers["ten-pct"].discount == 1000
    assert offers["twenty-pct"].discount == 1800      # 20% of 9000, not of 10000
    assert evaluation.total == 7200


def test_conditions_are_checked_again_on_the_running_subtotal():
    # $10 off first takes a $55 cart to $45; "10% off over $50" then no longer qualifies.
    ten = promo("ten", AmountOffOrder(1000), priority=1)
    over_50 = promo("over50", PercentOffOrder(Decimal(10)), eligibility=min_subtotal(5000))
    evaluation = apply([ten, over_50], line("a", 5500))
    offer = by_id(evaluation)["over50"]
    assert offer.status is Status.NOT_APPLICABLE
    assert offer.reason is Reason.MINIMUM_NOT_MET
    assert offer.hint.missing_amount == 500
    assert offer.hint.message == "Add $5 more to get 10% off"


def test_a_condition_on_the_initial_subtotal_ignores_earlier_discounts():
    ten = promo("ten", AmountOffOrder(1000), priority=1)
    initial_over_50 = FactCondition("cart.initial_subtotal", Op.GTE, 5000)
    over_50 = promo("over50", PercentOffOrder(Decimal(10)), eligibility=initial_over_50)
    evaluation = apply([ten, over_50], line("a", 5500))
    assert by_id(evaluation)["over50"].discount == 450


def test_line_totals_are_the_sum_of_every_applied_share():
    evaluation = apply([promo("five", AmountOffOrder(500)), promo("pct", PercentOffOrder(Decimal(10)))],
                       line("a", 333), line("b", 667))
    offers = by_id(evaluation)
    for index, priced in enumerate(evaluation.lines):
        assert priced.discount == offers["five"].line_discounts[index] + offers["pct"].line_discounts[index]
    assert evaluation.discount == 500 + 50
    assert evaluation.total == 1000 - 550


def test_offers_list_applied_first_then_the_rest_in_application_order():
    campaigns = [promo("fails", AmountOffOrder(100), eligibility=min_subtotal(99_999), priority=5),
                 promo("ok", AmountOffOrder(100))]
    evaluation = apply(campaigns, line("a", 1000))
    assert [(o.campaign_id, o.status) for o in evaluation.offers] == [
        ("ok", Status.APPLIED), ("fails", Status.NOT_APPLICABLE)]
