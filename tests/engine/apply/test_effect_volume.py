"""Volume: "buy 10, get 1 free" needs 11 units (10 paid + 1 free), counted per SKU by default."""

from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.volume import Volume
from promo.core.reasons import Reason
from tests.support.applykit import apply, benefit, by_id, category, line, promo

BUY_10_GET_1 = Volume(10, 1)


def test_eleven_units_one_free():
    assert benefit(BUY_10_GET_1, line("a", 200, 11)).line_discounts == (200,)
    assert benefit(BUY_10_GET_1, line("a", 200, 22)).line_discounts == (400,)
    assert benefit(BUY_10_GET_1, line("a", 200, 21)).line_discounts == (200,)


def test_ten_units_give_a_hint_for_the_eleventh():
    evaluation = apply([promo("vol", BUY_10_GET_1)], line("a", 200, 10))
    offer = by_id(evaluation)["vol"]
    assert offer.reason is Reason.MINIMUM_NOT_MET
    assert offer.hint.missing_quantity == 1
    assert offer.hint.message == "Add 1 more item to get 1 free"


def test_counted_per_sku_unless_pooled():
    cart = (line("a", 300, 6), line("b", 200, 5))
    assert benefit(Volume(5, 1), *cart).line_discounts == (300, 0)
    assert benefit(Volume(5, 1, per_sku=False), *cart).line_discounts == (0, 200)


def test_two_lines_of_one_sku_are_one_pool():
    got = benefit(Volume(2, 1), line("a", 300, 2), line("a", 250, 1))
    assert got.line_discounts == (0, 250)


def test_free_unit_price_comes_from_the_spread_running_total():
    # 2001 over 11 units: ten at 182, one at 181 -> the cheapest unit (181) is free.
    got = benefit(BUY_10_GET_1, line("a", 200, 11), line("b", 999, 1), totals=(2001, 999))
    assert got.line_discounts == (181, 0)


def test_only_matching_items_count():
    got = benefit(Volume(2, 1, category("coffee")), line("a", 300, 2, "coffee"), line("b", 100, 5))
    assert got.total == 0 and got.reason_if_zero is Reason.MINIMUM_NOT_MET
    got = benefit(Volume(2, 1, category("tea")), line("b", 100, 5))
    assert got.reason_if_zero is Reason.NO_MATCHING_ITEMS


def test_free_unit_already_at_zero():
    got = benefit(Volume(1, 1), line("a", 300, 2), totals=(0,))
    assert got.total == 0 and got.reason_if_zero is Reason.NO_DISCOUNT


def test_order_changes_the_result():
    cart = (line("a", 500, 3),)
    volume_first = apply([promo("vol", Volume(2, 1), priority=1),
                          promo("ten", AmountOffOrder(1000))], *cart)
    ten_first = apply([promo("vol", Volume(2, 1)),
                       promo("ten", AmountOffOrder(1000), priority=1)], *cart)
    assert volume_first.discount == 500 + 1000
    # $10 off leaves 500 over 3 units (167, 167, 166): the 166 unit is free.
    assert ten_first.discount == 1000 + 166
