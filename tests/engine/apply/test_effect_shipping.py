"""Shipping discounts: the only effect that touches shipping; never below zero."""
from decimal import Decimal

from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.effects.shipping import ShippingDiscount
from promo.core.reasons import Reason
from tests.support.applykit import apply, benefit, by_id, line, min_subtotal, promo


def test_free_shipping():
    evaluation = apply([promo("ship", ShippingDiscount())], line("a", 2000), line("b", 999),
                       shipping=599)
    assert evaluation.shipping_discount == 599
    assert by_id(evaluation)["ship"].line_discounts == (0, 0)
    assert evaluation.total == 2999


def test_percent_off_shipping_rounds_half_up():
    got = benefit(ShippingDiscount(percent=Decimal(50)), line("a", 2000), shipping=599)
    assert got.shipping_discount == 300


def test_amount_off_shipping_stops_at_zero():
    got = benefit(ShippingDiscount(percent=None, amount=300), line("a", 2000), shipping=250)
    assert got.shipping_discount == 250


def test_percent_with_an_amount_cap():
    got = benefit(ShippingDiscount(percent=Decimal(50), amount=200), line("a", 100), shipping=1000)
    assert got.shipping_discount == 200


def test_no_shipping_to_discount():
    got = benefit(ShippingDiscount(), line("a", 2000), shipping=0)
    assert got.total == 0 and got.reason_if_zero is Reason.NO_DISCOUNT


def test_order_discounts_never_touch_shipping():
    evaluation = apply([promo("all", AmountOffOrder(100_000)), promo("pct", PercentOffOrder(Decimal(100)))],
                       line("a", 3333), line("b", 1667), shipping=500)
    assert evaluation.discount == 5000
    assert evaluation.shipping_discount == 0
    assert evaluation.total == 500


def test_two_shipping_discounts_compound_in_order():
    half = ShippingDiscount(percent=Decimal(50))
    three = ShippingDiscount(percent=None, amount=300)
    half_first = apply([promo("half", half, priority=1), promo("three", three)],
                       line("a", 100), shipping=1000)
    three_first = apply([promo("half", half), promo("three", three, priority=1)],
                        line("a", 100), shipping=1000)
    assert half_first.shipping_discount == 500 + 300
    assert three_first.shipping_discount == 300 + 350
    assert half_first.total == 300 and three_first.total == 450


def test_the_hint_says_what_unlocks_free_shipping():
    evaluation = apply([promo("ship", ShippingDiscount(), eligibility=min_subtotal(5000))], line("a", 3000), shipping=599)
    assert by_id(evaluation)["ship"].hint.message == "Add $20 more for free shipping"
