"""Percent off the order: rounded half-up once on the running subtotal, then split."""
from decimal import Decimal

from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.reasons import Reason
from tests.support.applykit import apply, benefit, by_id, line, promo


def test_percent_is_rounded_once_on_the_subtotal_then_split():
    # 10% of $9.99 = 99.9 -> 100, split 33.33 each -> the first line takes the leftover cent.
    got = benefit(PercentOffOrder(Decimal(10)), line("a", 333), line("b", 333), line("c", 333))
    assert got.line_discounts == (34, 33, 33)


def test_half_a_cent_rounds_up():
    # 10% of $10.05 = 100.5 -> 101
    got = benefit(PercentOffOrder(Decimal(10)), line("a", 402), line("b", 603))
    assert got.discount == 101
    assert got.line_discounts == (40, 61)


def test_fractional_percent():
    got = benefit(PercentOffOrder(Decimal("12.5")), line("a", 1999))
    assert got.discount == 250  # 249.875


def test_cap_limits_the_discount():
    got = benefit(PercentOffOrder(Decimal(50), cap=2000), line("a", 6000), line("b", 4000))
    assert got.line_discounts == (1200, 800)


def test_full_percent_never_goes_below_zero():
    got = benefit(PercentOffOrder(Decimal(100)), line("a", 1000), line("b", 5), totals=(400, 5))
    assert got.line_discounts == (400, 5)
    got = benefit(PercentOffOrder(Decimal(100)), line("a", 1000), totals=(0,))
    assert got.total == 0 and got.reason_if_zero is Reason.NO_DISCOUNT


def test_percent_works_on_what_earlier_offers_left():
    cart = (line("a", 3000), line("b", 2000))
    # 20% then $10: 1000 + 1000.  $10 then 20%: 1000 + 800.
    pct_first = apply([promo("pct", PercentOffOrder(Decimal(20)), priority=5),
                       promo("ten", AmountOffOrder(1000))], *cart)
    ten_first = apply([promo("pct", PercentOffOrder(Decimal(20))),
                       promo("ten", AmountOffOrder(1000), priority=5)], *cart)
    assert by_id(pct_first)["pct"].discount == 1000
    assert by_id(ten_first)["pct"].discount == 800
    assert pct_first.discount == 2000 and ten_first.discount == 1800
