"""Dynamic values: safe formulas over customer and cart facts, with a required fallback."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from promo.core.domain import Customer
from promo.core.formula import FORMULA_NAMES, Formula, FormulaError
from tests.support.formatkit import NOW, facts, line

NEW = Customer(id="n", orders_count=0)
VIP = Customer(id="v", orders_count=7, total_spent=120_000, segments=frozenset({"vip"}),
               last_order_at=NOW - timedelta(days=45), metadata={"tier": "gold", "credit": 250})


def value(expression: str, *lines, fallback: int = 500, maximum: int | None = None, **kwargs) -> Decimal:
    formula = Formula(expression, Decimal(fallback), None if maximum is None else Decimal(maximum))
    return formula.evaluate(facts(*lines, **kwargs))


def test_ten_dollars_for_new_customers_five_for_others():
    assert value("1000 if customer.new else 500", customer=NEW) == 1000
    assert value("1000 if customer.new else 500", customer=VIP) == 500


@pytest.mark.parametrize("expression, expected", [
    ("15 if 'vip' in customer.segments else 10", 15),
    ("min(cart.subtotal / 10, 2000)", Decimal("537.5")),          # 10% of 5375, capped at $20
    ("max(0, 3000 - customer.dormant_days * 10)", 2550),
    ("customer.total_spent // 100", 1200),
    ("customer.metadata.credit * 2", 500),
    ("500 if customer.metadata.tier == 'gold' else 100", 500),
    ("9 if 'tier' in customer.metadata else 1", 9),
    ("7 if customer.metadata.items is None else 1", 7),              # a key, not dict.items
    ("100 if customer.metadata.nothing == None else 1", 100),      # missing metadata reads as None
    ("cart.items_count * 100 + cart.lines_count", 402),
    ("round(cart.initial_subtotal * 0.15)", 806),
    ("700 if context.weekday == 'wed' and context.hour >= 12 else 0", 700),
])
def test_formulas_read_customer_cart_and_context(expression, expected):
    assert value(expression, line("A", 1250, 3), line("B", 1625, 1), customer=VIP) == expected


@pytest.mark.parametrize("expression", [
    "customer.dormant_days * 10",      # never ordered: None * 10
    "cart.subtotal / 0",
    "100 - cart.subtotal",              # negative
    "'ten dollars'",                    # not a number
    "customer.new",                     # a boolean is not an amount
    "10 ** 5000 * 10 ** 5000",          # absurdly large -> conversion fails
])
def test_any_run_time_problem_gives_the_fallback(expression):
    assert value(expression, line("A", 1250), customer=NEW, fallback=321) == 321


def test_a_percent_formula_above_its_maximum_gives_the_fallback():
    assert value("cart.items_count * 30", line("A", 100, 5), fallback=10, maximum=100) == 10
    assert value("cart.items_count * 30", line("A", 100, 3), fallback=10, maximum=100) == 90


def test_the_expression_is_compiled_once_and_reused():
    formula = Formula("1000 if customer.new else 500", Decimal(500))
    assert [formula.evaluate(facts(customer=c)) for c in (NEW, VIP, NEW)] == [1000, 500, 1000]


@pytest.mark.parametrize("expression, message", [
    ("customer.orders", "unknown name 'customer.orders' (did you mean 'customer.orders_count'?)"),
    ("subtotal * 2", "unknown name 'subtotal' (did you mean 'cart.subtotal'?)"),
    ("customer.__class__", "unknown name 'customer.__class__' (did you mean 'customer.is_new'?)"),
    ("().__class__", "attributes can only be read from customer, cart, context or item"),
    ("open('/etc/passwd')", "only these functions can be called: min, max, abs, round"),
    ("[x for x in 'abc']", "'ListComp' is not allowed in a formula"),
    ("lambda: 1", "'Lambda' is not allowed in a formula"),
    ("x := 1", "is not a valid expression (invalid syntax)"),
    ("1; 2", "is not a valid expression (invalid syntax)"),
    ("", "must be a non-empty expression"),
    ("1 + " * 200 + "1", "must be at most 500 characters"),
])
def test_unsafe_or_unknown_expressions_are_refused_at_load_time(expression, message):
    with pytest.raises(FormulaError) as caught:
        Formula(expression, Decimal(0))
    assert str(caught.value) == message


def test_every_documented_name_can_be_used():
    for name in FORMULA_NAMES:
        Formula(name.replace("<key>", "anything"), Decimal(0))


@pytest.mark.parametrize("expression, fallback, maximum, expected", [
    ("1000 if customer.new else 500", 500, None, {500, 1000}),
    ("1500 if customer.new else (800 if 'vip' in customer.segments else 500)", 300, None, {300, 500, 800, 1500}),
    ("20 if customer.new else 150", 5, 100, {5, 20}),        # 150 is no percent: the fallback stands in
    ("7", 5, None, {5, 7}),
])
def test_a_formula_choosing_between_numbers_knows_every_value_it_can_give(expression, fallback, maximum, expected):
    formula = Formula(expression, Decimal(fallback), None if maximum is None else Decimal(maximum))
    assert formula.possible_values() == {Decimal(v) for v in expected}
    assert formula.evaluate(facts(customer=NEW)) in formula.possible_values()
    assert formula.evaluate(facts(customer=VIP)) in formula.possible_values()


@pytest.mark.parametrize("expression", [
    "cart.subtotal // 10",
    "1000 if customer.new else customer.total_spent // 100",
    "min(1000, 500)",
])
def test_a_formula_that_computes_has_no_list_of_values(expression):
    assert Formula(expression, Decimal(500)).possible_values() is None
