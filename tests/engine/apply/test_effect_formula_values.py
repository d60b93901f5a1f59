"""Dynamic values: amounts and percents from a formula, with a required fallback."""
from decimal import Decimal

from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.percent_off_items import PercentOffItems
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.formula import Formula
from tests.support.applykit import NEW, RETURNING, apply, benefit, by_id, line, promo

NEW_GETS_MORE = Formula("1000 if customer.new else 500", fallback=Decimal(500))


def test_amount_depends_on_the_customer():
    cart = (line("a", 3000), line("b", 1000))
    assert benefit(AmountOffOrder(NEW_GETS_MORE), *cart, customer=NEW).line_discounts == (750, 250)
    assert benefit(AmountOffOrder(NEW_GETS_MORE), *cart, customer=RETURNING).line_discounts == (375, 125)


def test_fractional_formula_amount_rounds_half_up():
    five_percent_in_cents = Formula("cart.subtotal * 0.05", fallback=Decimal(0))
    got = benefit(AmountOffOrder(five_percent_in_cents), line("a", 505), line("b", 505))
    assert got.discount == 51  # 50.5


def test_formula_percent_and_fallback():
    vip = Formula("20 if 'vip' in customer.segments else 10", fallback=Decimal(10))
    cart = (line("a", 1000),)
    assert benefit(PercentOffItems(vip), *cart, customer=RETURNING).discount == 100
    broken = Formula("customer.metadata.tier * 2", fallback=Decimal(5))
    assert benefit(PercentOffOrder(broken), *cart).discount == 50


def test_formula_never_takes_a_line_below_zero():
    huge = Formula("cart.subtotal * 10", fallback=Decimal(0))
    got = benefit(AmountOffOrder(huge), line("a", 700), line("b", 300))
    assert got.line_discounts == (700, 300)


def test_formula_sees_the_running_subtotal():
    # Half the running subtotal, after $20 off a $60 cart: 2000.
    half_of_running = Formula("cart.subtotal / 2", fallback=Decimal(0))
    evaluation = apply([promo("twenty", AmountOffOrder(2000), priority=1),
                        promo("half", AmountOffOrder(half_of_running))], line("a", 6000))
    assert by_id(evaluation)["half"].discount == 2000
    reversed_order = apply([promo("twenty", AmountOffOrder(2000)),
                            promo("half", AmountOffOrder(half_of_running), priority=1)], line("a", 6000))
    assert by_id(reversed_order)["half"].discount == 3000
