"""Percent off matching items: rounded once on their running subtotal, optional cap."""
from decimal import Decimal

from promo.core.campaign import ItemSelector
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.percent_off_items import PercentOffItems
from promo.core.reasons import Reason
from tests.support.applykit import apply, benefit, by_id, category, line, promo


def test_percent_of_matching_lines_only_split_by_largest_remainder():
    # 15% of $10.00 of coffee = 150, split 49.95 / 100.05 -> (50, 100); the mug is untouched.
    got = benefit(PercentOffItems(Decimal(15), category("coffee")),
                  line("a", 333, 1, "coffee"), line("b", 667, 1, "coffee"), line("mug", 1200))
    assert got.line_discounts == (50, 100, 0)


def test_rounded_once_not_per_line():
    # 50% of 5 + 5 is 5, not 3 + 3.
    got = benefit(PercentOffItems(Decimal(50)), line("a", 5), line("b", 5))
    assert got.line_discounts == (3, 2)


def test_cap():
    got = benefit(PercentOffItems(Decimal(30), category("coffee"), cap=1000),
                  line("a", 3000, 1, "coffee"), line("b", 2000, 1, "coffee"))
    assert got.line_discounts == (600, 400)


def test_hundred_percent_stops_at_zero():
    got = benefit(PercentOffItems(Decimal(100), category("coffee")),
                  line("a", 3000, 1, "coffee"), line("b", 2000, 1), totals=(120, 2000))
    assert got.line_discounts == (120, 0)


def test_max_unit_price_selects_items_up_to_a_price():
    birthday = PercentOffItems(Decimal(50), ItemSelector(max_unit_price=5000))
    got = benefit(birthday, line("cheap", 4000), line("dear", 9000))
    assert got.line_discounts == (2000, 0)


def test_no_matching_items():
    got = benefit(PercentOffItems(Decimal(10), category("tea")), line("a", 1000, 1, "coffee"))
    assert got.reason_if_zero is Reason.NO_MATCHING_ITEMS


def test_order_changes_the_result():
    cart = (line("a", 4000, 1, "coffee"), line("mug", 1000))
    pct_first = apply([promo("pct", PercentOffItems(Decimal(25), category("coffee")), priority=1),
                       promo("ten", AmountOffOrder(1000))], *cart)
    ten_first = apply([promo("pct", PercentOffItems(Decimal(25), category("coffee"))),
                       promo("ten", AmountOffOrder(1000), priority=1)], *cart)
    assert by_id(pct_first)["pct"].discount == 1000
    # $10 split 800 / 200 leaves $32 of coffee: 25% is 800.
    assert by_id(ten_first)["pct"].discount == 800
