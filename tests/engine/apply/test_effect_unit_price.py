"""A new unit price for matching items; never raises a price."""
from decimal import Decimal

from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.effects.unit_price import UnitPrice
from promo.core.reasons import Reason
from tests.support.applykit import apply, benefit, category, line, promo


def test_new_price_per_unit():
    got = benefit(UnitPrice(800, category("coffee")), line("a", 1000, 3, "coffee"), line("mug", 1000))
    assert got.line_discounts == (600, 0)


def test_new_price_on_spread_running_unit_prices():
    # 1000 left over 3 units: 334, 333, 333 -> at $3.00 each: 34 + 33 + 33.
    # 705 left over 2 units: 353, 352 -> 53 + 52.
    got = benefit(UnitPrice(300), line("a", 500, 3), line("b", 400, 2), totals=(1000, 705))
    assert got.line_discounts == (100, 105)


def test_units_already_cheaper_keep_their_price():
    got = benefit(UnitPrice(800), line("a", 700, 2), line("b", 900, 1))
    assert got.line_discounts == (0, 100)
    got = benefit(UnitPrice(800), line("a", 700, 2))
    assert got.total == 0 and got.reason_if_zero is Reason.NO_DISCOUNT


def test_price_zero_makes_units_free_not_negative():
    got = benefit(UnitPrice(0), line("a", 700, 2), totals=(500,))
    assert got.line_discounts == (500,)


def test_order_changes_the_result():
    cart = (line("a", 1000, 2),)
    price_first = apply([promo("price", UnitPrice(800), priority=1),
                         promo("pct", PercentOffOrder(Decimal(10)))], *cart)
    pct_first = apply([promo("price", UnitPrice(800)),
                       promo("pct", PercentOffOrder(Decimal(10)), priority=1)], *cart)
    assert price_first.discount == 400 + 160
    assert pct_first.discount == 200 + 200
