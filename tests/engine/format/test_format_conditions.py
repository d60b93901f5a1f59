"""Conditions against concrete carts, customers and contexts: pass/fail, reason, message, hint."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from promo.core.domain import Customer
from promo.core.reasons import Reason
from tests.support.formatkit import NOW, condition, facts, line

BEANS = line("ARABICA-1KG", 1250, 3, "arabica")    # 3750
DRIPPER = line("DRIP-V60", 2500, 1, "brewing")     # 2500
FILTERS = line("FILTER-100", 450, 2, "filters")   # 900
NEW = Customer(id="c-new", orders_count=0)
REGULAR = Customer(id="c-reg", orders_count=4, total_spent=42_000, segments=frozenset({"VIP"}),
                   country="th", city="Bangkok", last_order_at=NOW - timedelta(days=100),
                   birthday=date(1990, 11, 25), metadata={"tier": "gold", "reviews": 3})
GUEST = Customer()


def check(text: str, *lines, **kwargs):
    return condition(text).evaluate(facts(*lines, **kwargs))


# ---- minimum spend and hints ----

def test_a_minimum_spend_passes_at_the_threshold():
    assert check("{fact: cart.subtotal, gte: 3750}", BEANS).ok


def test_an_unmet_minimum_spend_says_how_much_to_add():
    result = check("{fact: cart.subtotal, gte: 5000}", BEANS)
    assert not result.ok and result.reason is Reason.MINIMUM_NOT_MET
    assert result.message == "Minimum spend $50"
    assert result.hint.message == "Add $12.50 more"
    assert (result.hint.missing_amount, result.hint.progress) == (1250, 0.75)


def test_more_than_needs_one_more_minor_unit():
    result = check("{fact: cart.subtotal, gt: 3750}", BEANS)
    assert result.hint.message == "Add $0.01 more" and result.hint.missing_amount == 1


def test_between_hints_only_below_the_range():
    below = check("{fact: cart.subtotal, between: [5000, 10000]}", BEANS)
    assert below.hint.missing_amount == 1250
    above = check("{fact: cart.subtotal, between: [1000, 2000]}", BEANS)
    assert not above.ok and above.hint is None and above.reason is Reason.CART_NOT_ELIGIBLE


def test_an_upper_limit_is_not_a_minimum():
    result = check("{fact: cart.subtotal, lt: 3000}", BEANS)
    assert not result.ok and result.reason is Reason.CART_NOT_ELIGIBLE and result.hint is None
    assert result.message == "Cart subtotal less than $30"


def test_the_running_subtotal_sees_earlier_discounts_and_the_initial_one_does_not():
    # An earlier offer took $10 off the beans: 3750 -> 2750, cart 6250 -> 5250 (initial 6250)
    after_first_offer = dict(totals=(2750, 2500))
    assert not check("{fact: cart.subtotal, gte: 6000}", BEANS, DRIPPER, **after_first_offer).ok
    assert check("{fact: cart.initial_subtotal, gte: 6000}", BEANS, DRIPPER, **after_first_offer).ok
    hint = check("{fact: cart.subtotal, gte: 6000}", BEANS, DRIPPER, **after_first_offer).hint
    assert hint.missing_amount == 750


def test_a_minimum_on_selected_items_names_them():
    result = check("{fact: cart.subtotal, items: {categories: [arabica]}, gte: 4250}", BEANS, DRIPPER)
    assert result.hint.message == "Add $5 more of Arabica"
    assert result.message == "Minimum spend $42.50 on Arabica"


def test_quantity_hints_count_items():
    two_more = check("{fact: cart.quantity, items: {categories: [arabica]}, gte: 5}", BEANS, DRIPPER)
    assert two_more.reason is Reason.MINIMUM_NOT_MET
    assert two_more.hint.message == "Add 2 more items from Arabica"
    assert (two_more.hint.missing_quantity, two_more.hint.progress) == (2, 0.6)
    one_more = check("{fact: cart.items_count, gte: 7}", BEANS, DRIPPER, FILTERS)
    assert one_more.hint.message == "Add 1 more item" and one_more.hint.missing_quantity == 1


def test_a_quantity_minimum_with_none_of_the_items_still_hints():
    result = check("{fact: cart.quantity, items: {skus: [DRIP-V60], label: V60 dripper}, gte: 1}", BEANS)
    assert result.hint.message == "Add 1 more item from V60 dripper" and result.hint.progress == 0.0


@pytest.mark.parametrize("currency, locale, expected", [
    ("THB", "th_TH", "Add ฿12.50 more"),
    ("PLN", "pl_PL", "Add 12,50\xa0zł more"),
    ("JPY", "ja_JP", "Add ￥1,250 more"),
])
def test_hints_use_the_cart_currency_and_shopper_locale(currency, locale, expected):
    result = check("{fact: cart.subtotal, gte: 5000}", BEANS, currency=currency, locale=locale)
    assert result.hint.message == expected


# ---- customer facts ----

def test_new_customers_only():
    assert check("{fact: customer.new, is: true}", customer=NEW).ok
    result = check("{fact: customer.new, is: true}", customer=REGULAR)
    assert (result.reason, result.message) == (Reason.CUSTOMER_NOT_ELIGIBLE, "New customers only")


def test_a_condition_can_carry_its_own_shopper_message():
    result = check("{fact: customer.new, is: true, message: Only for your first order}", customer=REGULAR)
    assert result.message == "Only for your first order"


def test_a_guest_failing_a_customer_rule_is_asked_to_sign_in():
    result = check("{fact: customer.segment, is: vip}", customer=GUEST)
    assert (result.reason, result.message) == (Reason.LOGIN_REQUIRED, "Sign in to use this offer.")


@pytest.mark.parametrize("written, ok", [
    ("{fact: customer.segment, is: vip}", True),          # segments compare case-insensitively
    ("{fact: customer.segment, ne: vip}", False),
    ("{fact: customer.segment, in: [gold, VIP]}", True),
    ("{fact: customer.segment, not_in: [staff, wholesale]}", True),
    ("{fact: customer.country, is: TH}", True),
    ("{fact: customer.country, not_in: [PL, TH]}", False),
    ("{fact: customer.city, is: bangkok}", True),
    ("{fact: customer.orders_count, gte: 5}", False),
    ("{fact: customer.orders_count, between: [1, 4]}", True),
    ("{fact: customer.total_spent, gte: 40000}", True),
    ("{fact: customer.id, in: [c-reg, c-other]}", True),
    ("{fact: customer.dormant_days, gte: 90}", True),
    ("{fact: customer.dormant_days, lt: 30}", False),
    ("{fact: customer.birthday_today, is: true}", True),
    ("{fact: customer.guest, is: false}", True),
    ("{fact: customer.metadata.tier, is: gold}", True),
    ("{fact: customer.metadata.reviews, gte: 3}", True),
    ("{fact: customer.metadata.tier, gte: 3}", False),         # text vs number: false, not an error
    ("{fact: customer.metadata.missing, is: x}", False),
    ("{fact: customer.metadata.missing, ne: x}", True),
])
def test_customer_facts(written, ok):
    assert check(written, customer=REGULAR).ok is ok


def test_never_ordered_means_no_dormancy_at_all():
    for written in ("{fact: customer.dormant_days, gte: 0}", "{fact: customer.dormant_days, lt: 1000}"):
        assert not check(written, customer=NEW).ok
    assert check("{fact: customer.dormant_days, ne: 5}", customer=NEW).ok


def test_birthday_is_the_store_date():
    born_today = Customer(id="b", birthday=date(2000, 11, 25))
    assert check("{fact: customer.birthday_today, is: true}", customer=born_today).ok
    assert not check("{fact: customer.birthday_today, is: true}", customer=born_today,
                     now=NOW + timedelta(days=1)).ok


# ---- context facts ----

WEDNESDAY_3PM = NOW
SATURDAY_11PM = datetime(2026, 11, 28, 23, 0, tzinfo=NOW.tzinfo)


@pytest.mark.parametrize("written, now, ok", [
    ("{fact: context.weekday, is: weekends}", WEDNESDAY_3PM, False),
    ("{fact: context.weekday, is: weekends}", SATURDAY_11PM, True),
    ("{fact: context.weekday, in: [mon, wed]}", WEDNESDAY_3PM, True),
    ("{fact: context.weekday, not_in: weekdays}", WEDNESDAY_3PM, False),
    ("{fact: context.time, between: ['14:00', '16:00']}", WEDNESDAY_3PM, True),
    ("{fact: context.time, gte: '16:00'}", WEDNESDAY_3PM, False),
    ("{fact: context.time, lt: '23:00'}", SATURDAY_11PM, False),
])
def test_day_and_time_facts_read_the_store_clock(written, now, ok):
    assert check(written, now=now).ok is ok


def test_page_category_and_channel():
    on_arabica = dict(page="category", category="Arabica", channel="app")
    assert check("{fact: context.page, is: category}", **on_arabica).ok
    assert check("{fact: context.category, in: [arabica, robusta]}", **on_arabica).ok
    result = check("{fact: context.channel, is: web}", **on_arabica)
    assert (result.ok, result.reason, result.message) == (False, Reason.CONTEXT_NOT_ELIGIBLE, "Only through web")


# ---- cart lines ----

@pytest.mark.parametrize("match, lines, ok, reason", [
    ("any", (BEANS, DRIPPER), True, None),
    ("any", (DRIPPER,), False, Reason.NO_MATCHING_ITEMS),
    ("every", (BEANS,), True, None),
    ("every", (BEANS, DRIPPER), False, Reason.CART_NOT_ELIGIBLE),
    ("every", (), False, Reason.CART_NOT_ELIGIBLE),
    ("none", (DRIPPER,), True, None),
    ("none", (BEANS, DRIPPER), False, Reason.CART_NOT_ELIGIBLE),
])
def test_cart_lines_any_every_none(match, lines, ok, reason):
    result = check(f"{{fact: cart.lines, items: {{categories: [arabica]}}, match: {match}}}", *lines)
    assert (result.ok, result.reason) == (ok, reason)


# ---- all / any / not ----

def test_all_reports_a_rule_the_shopper_cannot_fix_before_a_minimum():
    # A returning customer 12.50 short: "Add $12.50 more" would mislead, they can never qualify.
    result = check("{all: [{fact: cart.subtotal, gte: 5000}, {fact: customer.new, is: true}]}", BEANS, customer=REGULAR)
    assert (result.reason, result.message, result.hint) == (Reason.CUSTOMER_NOT_ELIGIBLE, "New customers only", None)
    only_short = check("{all: [{fact: cart.subtotal, gte: 5000}, {fact: customer.new, is: true}]}", BEANS, customer=NEW)
    assert only_short.reason is Reason.MINIMUM_NOT_MET and only_short.hint.missing_amount == 1250


def test_a_group_message_replaces_its_childrens_but_keeps_the_hint():
    result = check("{all: [{fact: cart.subtotal, gte: 5000}], message: Spend $50 on beans}", BEANS)
    assert result.message == "Spend $50 on beans" and result.hint.missing_amount == 1250


def test_any_passes_on_one_and_otherwise_hints_the_closest_alternative():
    written = "{any: [{fact: cart.quantity, gte: 10}, {fact: cart.subtotal, gte: 5000}]}"
    assert check(written, BEANS, DRIPPER).ok
    result = check(written, BEANS)            # 3 of 10 items (0.3) vs $37.50 of $50 (0.75)
    assert result.reason is Reason.MINIMUM_NOT_MET and result.hint.message == "Add $12.50 more"
    assert result.message == "At least 10 items in the cart or minimum spend $50"


def test_not_inverts_and_explains_in_the_positive():
    written = "{not: {fact: customer.segment, is: staff}}"
    assert check(written, customer=REGULAR).ok
    staff = Customer(id="s", segments=frozenset({"staff"}))
    result = check(written, customer=staff)
    assert (result.ok, result.reason, result.message) == (False, Reason.CUSTOMER_NOT_ELIGIBLE, "Not for Staff customers")


def test_not_of_a_missing_value_is_true():
    # never ordered: "dormant at least 30 days" is false, so its negation holds
    assert check("{not: {fact: customer.dormant_days, gte: 30}}", customer=NEW).ok
