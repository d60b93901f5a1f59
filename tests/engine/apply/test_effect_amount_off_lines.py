"""Amount off each matching line, and off each matching unit."""
from decimal import Decimal

from promo.core.effects.amount_off_each_line import AmountOffEachLine
from promo.core.effects.amount_off_each_unit import AmountOffEachUnit
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.reasons import Reason
from tests.support.applykit import apply, benefit, by_id, category, line, promo

# ---- each line ----

def test_each_matching_line_gets_the_amount_on_its_running_total():
    # An earlier 10% off $30.15 (302, split 101 / 201) left 904 and 1809.
    evaluation = apply(
        [promo("pct", PercentOffOrder(Decimal(10)), priority=1),
         promo("five", AmountOffEachLine(500, category("coffee")))],
        line("beans", 1005, 1, "coffee"), line("ground", 1005, 2, "coffee"), line("mug", 800),
    )
    offers = by_id(evaluation)
    assert offers["pct"].line_discounts == (101, 201, 80)
    assert offers["five"].line_discounts == (500, 500, 0)
    assert [pl.total for pl in evaluation.lines] == [404, 1309, 720]


def test_each_line_stops_at_zero():
    got = benefit(AmountOffEachLine(1000), line("a", 300), line("b", 1500))
    assert got.line_discounts == (300, 1000)


def test_each_line_without_matching_lines():
    got = benefit(AmountOffEachLine(500, category("tea")), line("a", 300, 1, "coffee"))
    assert got.total == 0 and got.reason_if_zero is Reason.NO_MATCHING_ITEMS


def test_each_line_order_changes_the_result():
    cart = (line("a", 1000), line("b", 600))
    per_line_first = apply([promo("each", AmountOffEachLine(500), priority=1),
                            promo("half", PercentOffOrder(Decimal(50)))], *cart)
    half_first = apply([promo("each", AmountOffEachLine(500)),
                        promo("half", PercentOffOrder(Decimal(50)), priority=1)], *cart)
    # $5 + $5 leaves 500 + 100, half of that is 300.
    assert per_line_first.discount == 1300
    # Half leaves 500 + 300; $5 each takes all of it.
    assert half_first.discount == 1600


# ---- each unit ----

def test_each_unit_uses_unit_prices_spread_from_the_running_total():
    # $5 off the order split 417 / 83 leaves 1083 over 3 units (361 each) and
    # 217 over 2 units (109 + 108). $1.10 off each unit: 3 x 110, then 109 + 108.
    evaluation = apply(
        [promo("five", AmountOffOrder(500), priority=1),
         promo("unit", AmountOffEachUnit(110))],
        line("a", 500, 3), line("b", 150, 2),
    )
    offers = by_id(evaluation)
    assert offers["five"].line_discounts == (417, 83)
    assert offers["unit"].line_discounts == (330, 217)
    assert [pl.total for pl in evaluation.lines] == [753, 0]


def test_each_unit_amount_is_capped_per_unit():
    # 1000 over 3 units is 334 + 333 + 333: $3.34 off each takes exactly 1000.
    got = benefit(AmountOffEachUnit(334), line("a", 500, 3), totals=(1000,))
    assert got.line_discounts == (1000,)
    got = benefit(AmountOffEachUnit(333), line("a", 500, 3), totals=(1000,))
    assert got.line_discounts == (999,)


def test_each_unit_never_below_zero():
    got = benefit(AmountOffEachUnit(10_000), line("a", 250, 4), line("b", 99, 1))
    assert got.line_discounts == (1000, 99)


def test_each_unit_only_on_matching_items():
    got = benefit(AmountOffEachUnit(100, category("coffee")),
                  line("a", 500, 2, "coffee"), line("b", 500, 2))
    assert got.line_discounts == (200, 0)


def test_each_unit_order_changes_the_result():
    cart = (line("a", 500, 3),)
    unit_first = apply([promo("unit", AmountOffEachUnit(100), priority=1),
                        promo("pct", PercentOffOrder(Decimal(10)))], *cart)
    pct_first = apply([promo("unit", AmountOffEachUnit(100)),
                       promo("pct", PercentOffOrder(Decimal(10)), priority=1)], *cart)
    assert unit_first.discount == 300 + 120
    assert pct_first.discount == 150 + 300
