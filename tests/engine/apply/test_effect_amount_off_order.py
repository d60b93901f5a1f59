"""Amount off the order: split over every line by running totals, largest remainder."""
from decimal import Decimal

from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.reasons import Reason
from promo.core.results import Status
from tests.support.applykit import apply, benefit, by_id, line, promo


def test_split_rounds_by_largest_remainder_with_ties_to_the_earlier_line():
    # $1.00 over three equal lines: 33.33 each, the leftover cent goes to the first line.
    got = benefit(AmountOffOrder(100), line("a", 999), line("b", 999), line("c", 999))
    assert got.line_discounts == (34, 33, 33)


def test_split_gives_the_leftover_cent_to_the_largest_remainder():
    # $5 over $3.33 + $6.67: shares 166.5 and 333.5, equal remainders -> earlier line.
    got = benefit(AmountOffOrder(500), line("a", 333), line("b", 667))
    assert got.line_discounts == (167, 333)
    # $2 over $1 + $2 + $4: 28.57, 57.14, 114.29 -> the 0.57 remainder wins the cent.
    got = benefit(AmountOffOrder(200), line("a", 100), line("b", 200), line("c", 400))
    assert got.line_discounts == (29, 57, 114)


def test_amount_larger_than_the_cart_stops_at_zero_on_every_line():
    evaluation = apply([promo("big", AmountOffOrder(5000))],
                       line("a", 700), line("b", 250, 2), shipping=499)
    assert [pl.total for pl in evaluation.lines] == [0, 0]
    assert evaluation.discount == 1200
    # Shipping is never reduced by an order discount.
    assert evaluation.shipping_discount == 0
    assert evaluation.total == 499


def test_nothing_left_to_discount_is_not_applicable():
    got = benefit(AmountOffOrder(500), line("a", 700), totals=(0,))
    assert got.total == 0 and got.reason_if_zero is Reason.NO_DISCOUNT


def test_order_of_application_changes_the_result():
    cart = (line("a", 3000), line("b", 2000))
    ten_dollars = AmountOffOrder(1000)
    twenty_percent = PercentOffOrder(Decimal(20))
    # $10 first, then 20% of the $40 left: 1000 + 800.
    first = apply([promo("ten", ten_dollars, priority=2), promo("pct", twenty_percent, priority=1)], *cart)
    # 20% of $50 first, then $10: 1000 + 1000.
    second = apply([promo("ten", ten_dollars, priority=1), promo("pct", twenty_percent, priority=2)], *cart)
    assert (by_id(first)["ten"].discount, by_id(first)["pct"].discount) == (1000, 800)
    assert (by_id(second)["pct"].discount, by_id(second)["ten"].discount) == (1000, 1000)
    assert first.total == 3200 and second.total == 3000


def test_applied_result_reports_the_split_per_line():
    evaluation = apply([promo("five", AmountOffOrder(500))], line("a", 333), line("b", 667))
    offer = by_id(evaluation)["five"]
    assert offer.status is Status.APPLIED
    assert offer.line_discounts == (167, 333)
    assert offer.discount == 500
    assert [pl.discount for pl in evaluation.lines] == [167, 333]
