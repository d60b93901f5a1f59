"""Bad definitions: every problem is reported at once, by path, in words a marketer can act on."""
from __future__ import annotations

import pytest

from promo.format.definition import DefinitionError, parse_campaign
from tests.support.formatkit import errors_of, errors_with, yaml


def test_the_two_examples_from_the_brief():
    problems = errors_with(
        effect={"type": "percent_off_order", "percent": 120},
        eligibility={"all": [{"fact": "customer.new", "is": True}, {"fact": "cart.subtotl", "gte": 5000}]},
    )
    assert problems == [
        "eligibility.all[1].fact: unknown fact 'cart.subtotl' (did you mean 'cart.subtotal'?)",
        "effect.percent: must be between 0 and 100, got 120",
    ]


def test_every_problem_is_collected_not_just_the_first():
    problems = errors_of("""
        id: Black Friday
        name: ""
        kind: coupon
        stacking: exclusiv
        priority: high
        effect: {type: percent_off_order, percent: 20, cap: "$50"}
        limits: {per_customer: 0}
    """)
    assert problems == [
        "id: must be a lower-case slug (letters, digits, '-', '_'), got 'Black Friday'",
        "name: must not be empty",
        "code: is required for a coupon (the code shoppers type)",
        "priority: must be a whole number, got 'high'",
        "stacking: must be one of common, exclusive, always, got 'exclusiv' (did you mean 'exclusive'?)",
        "effect.cap: must be a whole number of minor units (cents), e.g. 5000 for $50.00; got '$50'",
        "limits.per_customer: must be between 1 and 1000000000, got 0",
    ]


def test_unknown_keys_are_errors_with_a_suggestion():
    assert errors_with(priorty=5, effect={"type": "amount_off_order", "amount": 100, "itmes": {}}) == [
        "priorty: unknown key (did you mean 'priority'?); expected one of: id, name, kind, description, code, auto_apply, codes, "
        "timezone, active, schedule, priority, stacking, eligibility, visibility, effect, limits, currency, tags, "
        "banner, margin_floor, gift_card, loyalty, referral",
        "effect.itmes: unknown key; expected one of: type, amount",
    ]


def test_missing_required_keys_are_named():
    assert errors_of({"kind": "promotion"}) == ["id: is required", "name: is required", "effect: is required"]


def test_a_campaign_that_is_not_a_mapping():
    assert errors_of("just a sentence") == ["must be a mapping of keys to values, got 'just a sentence'"]


@pytest.mark.parametrize("effect, expected", [
    ({"type": "percent_off"}, "effect.type: unknown effect type 'percent_off' (did you mean 'percent_off_order'?); one of: "),
    ({"amount": 100}, "effect.type: is required; one of: amount_off_each_line"),
    ({"type": "amount_off_order", "amount": 10.5}, "effect.amount: must be a whole number of minor units (cents)"),
    ({"type": "amount_off_order", "amount": 0}, "effect.amount: must be more than 0 and at most"),
    ({"type": "amount_off_order", "amount": True}, "effect.amount: must be a whole number of minor units"),
    ({"type": "percent_off_items", "percent": "15%"}, "effect.percent: must be a number of percent (0-100), got '15%'"),
    ({"type": "percent_off_items", "percent": -5}, "effect.percent: must be between 0 and 100, got -5"),
    ({"type": "bundle_price", "quantity": 1, "price": 2000}, "effect.quantity: must be between 2 and 1000, got 1"),
    ({"type": "cheapest_items", "percent": 100, "count": 3, "every": 3}, "effect.every: must be greater than count (3), got 3"),
    ({"type": "cheapest_items", "percent": 100, "pick": "cheap"}, "effect.pick: must be one of cheapest, most_expensive, got 'cheap'"),
    ({"type": "buy_x_get_y", "buy": 2, "get": {"quantity": 1}}, "effect.buy: must be a mapping of keys to values, got 2"),
    ({"type": "buy_x_get_y", "buy": {"items": {}}, "get": {"quantity": 1}}, "effect.buy.quantity: is required"),
    ({"type": "amount_split", "amount": 500, "by": "weight"}, "effect.by: must be one of amount, quantity, got 'weight'"),
    ({"type": "tiers", "tiers": [{"min_subtotal": 20000, "percent": 15}, {"min_subtotal": 10000, "percent": 10}]},
     "effect.tiers[1].min_subtotal: tiers must go up: 10000 is not above 20000"),
    ({"type": "tiers", "tiers": [{"min_subtotal": 100, "percent": 5, "amount": 100}]},
     "effect.tiers[0]: needs exactly one of percent or amount"),
    ({"type": "tiers", "tiers": []}, "effect.tiers: must be a list of tiers, got []"),
    ({"type": "free_gift", "gift": {"sku": "F1", "price": 450}}, "effect.gift.name: is required"),
    ({"type": "shipping", "percent": 50, "amount": 500}, "effect: give either percent or amount, not both"),
    ({"type": "percent_off_items", "percent": 10, "items": {"categories": []}}, "effect.items.categories: must be a list of texts, got []"),
    ({"type": "percent_off_items", "percent": 10, "items": {"max_unit_price": -1}}, "effect.items.max_unit_price: must be at least 0"),
])
def test_effect_problems_name_the_field(effect, expected):
    problems = errors_with(effect=effect)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


@pytest.mark.parametrize("amount, expected", [
    ({"formula": "1000 if customer.nw else 500", "fallback": 500},
     "effect.amount.formula: unknown name 'customer.nw' (did you mean 'customer.new'?)"),
    ({"formula": "1000 if customer.new else"}, "effect.amount.fallback: is required"),
    ({"formula": "__import__('os').system('x')", "fallback": 1}, "effect.amount.formula: only these functions can be called: min, max, abs, round"),
    ({"formula": "1000 +", "fallback": 1}, "effect.amount.formula: is not a valid expression (invalid syntax)"),
    ({"formula": "500", "fallback": "five"}, "effect.amount.fallback: must be a whole number of minor units"),
])
def test_formula_problems_are_found_at_load_time(amount, expected):
    problems = errors_with(effect={"type": "amount_off_order", "amount": amount})
    assert len(problems) == 1 and problems[0].startswith(expected), problems


@pytest.mark.parametrize("written, expected", [
    ("{fact: cart.subtotal, gte: '50.00'}", "eligibility.gte: must be a whole number of minor units (cents)"),
    ("{fact: cart.subtotal}", "eligibility: needs exactly one comparison (between, eq, gt, gte, in, is, lt, lte, ne, not_in), got none"),
    ("{fact: cart.subtotal, gte: 1, lt: 9}", "eligibility: needs exactly one comparison"),
    ("{fact: customer.segment, gte: 3}", "eligibility.gte: 'gte' does not apply to customer.segment; use eq, in, is, ne, not_in"),
    ("{fact: customer.new, is: 'yes'}", "eligibility.is: must be true or false, got 'yes'"),
    ("{fact: customer.country, is: Thailand}", "eligibility.is: must be at most 2 characters"),
    ("{fact: customer.country, is: XX}", "eligibility.is: must be an ISO 3166 country code like TH or PL, got 'XX'"),
    ("{fact: customer.segment, is: [vip, gold]}", "eligibility.is: takes one value; to compare with several use in"),
    ("{fact: cart.subtotal, between: [9000, 1000]}", "eligibility.between: low must not be above high"),
    ("{fact: cart.subtotal, between: [1000]}", "eligibility.between: must be a list of two values [low, high]"),
    ("{fact: customer.metadata.tier, between: [1, gold]}", "eligibility.between: must be two values of the same kind, got [1, 'gold']"),
    ("{fact: context.page, is: categroy}", "eligibility.is: unknown page 'categroy' (did you mean 'category'?)"),
    ("{fact: context.weekday, is: funday}", "eligibility.is: must be a day (mon ... sun), weekdays, weekends or everyday"),
    ("{fact: context.time, gte: 960}", 'eligibility.gte: must be a time like "16:00" in quotes, got 960'),
    ("{fact: context.time, gte: '25:00'}", 'eligibility.gte: must be a time of day like "16:00"'),
    ("{fact: customer.new, is: true, items: {skus: [A]}}", "eligibility.items: unknown key"),
    ("{fact: cart.lines, match: any}", "eligibility.items: is required"),
    ("{fact: cart.lines, items: {}, match: some}", "eligibility.match: must be one of any, every, none, got 'some'"),
    ("{fact: customer.metadata.tier, is: [gold]}", "eligibility.is: takes one value"),
    ("{fact: customer.metadata, is: x}", "eligibility.fact: unknown fact 'customer.metadata'"),
    ("{all: []}", "eligibility.all: must be a non-empty list of conditions, got []"),
    ("{al: [{fact: customer.new, is: true}]}", "eligibility: must have exactly one of fact, all, any or not (did you mean 'all'?)"),
    ("{all: [{fact: customer.new, is: true}], any: [{fact: customer.new, is: true}]}", "eligibility: must have exactly one of"),
    ("{not: {fact: customer.new, is: true}, mesage: hi}", "eligibility.mesage: unknown key (did you mean 'message'?)"),
    ("{any: [5]}", "eligibility.any[0]: must be a condition ({fact: ...}, all, any or not), got 5"),
])
def test_condition_problems_name_the_field(written, expected):
    problems = errors_with(eligibility=yaml(written))
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_conditions_cannot_nest_without_end():
    deep: dict = {"fact": "customer.new", "is": True}
    for _ in range(40):
        deep = {"not": deep}
    assert errors_with(eligibility=deep) == [
        "eligibility" + ".not" * 17 + ": conditions nest too deeply (more than 16 levels)"
    ]


@pytest.mark.parametrize("fields, expected", [
    ({"kind": "bulk"}, ["codes: is required for bulk codes, e.g. {pattern: \"SORRY-####-####\"}"]),
    ({"kind": "promotion", "code": "SAVE"}, ["code: is only for kind coupon; promotion applies without a code"]),
    ({"kind": "coupon", "code": "SAVE", "codes": {"pattern": "######"}}, ["codes: is not used by kind coupon"]),
    ({"kind": "gift_card"}, ["effect: is not used by kind gift_card; see the gift_card section",
                             "gift_card: is required for kind gift_card"]),
    ({"kind": "promotion", "loyalty": {"points_per_unit": 1}}, ["loyalty: is only for kind loyalty"]),
    ({"kind": "coupon", "code": "A B"}, ["code: must be 3-32 letters, digits, '-' or '_', got 'A B'"]),
    ({"kind": "bulk", "codes": {"pattern": "SORRY-####"}},
     ["codes.pattern: needs at least 6 '#' (random characters) so codes can't be guessed, got 'SORRY-####'"]),
    ({"kind": "bulk", "codes": {"pattern": "######", "charset": "AAB"}},
     ["codes.charset: must be at least 10 different letters or digits"]),
    ({"kind": "bulk", "codes": {"pattern": "######", "valid_days": 0}}, ["codes.valid_days: must be between 1 and 3650, got 0"]),
    ({"kind": "bulk", "codes": {"pattern": "######", "valid_days": 36500}},
     ["codes.valid_days: must be between 1 and 3650, got 36500"]),
    ({"kind": "bulk", "codes": {"pattern": "######", "valid_days": "7"}}, ["codes.valid_days: must be a whole number, got '7'"]),
    ({"kind": "bulk", "codes": {"pattern": "######", "valid_days": 7.5}}, ["codes.valid_days: must be a whole number, got 7.5"]),
    ({"kind": "bulk", "codes": {"pattern": "######", "valid_dayz": 7}},
     ["codes.valid_dayz: unknown key (did you mean 'valid_days'?); expected one of: pattern, charset, prefix, postfix, valid_days"]),
    ({"kind": "gift_card", "effect": None, "gift_card": {"balance": 5000}, "codes": {"pattern": "######", "valid_days": 7}},
     ["codes.valid_days: is only for kind bulk (codes published to one customer each), not gift_card"]),
    ({"kind": "referral", "codes": {"pattern": "######", "valid_days": 7}, "referral": {"reward": {"type": "amount_off_order", "amount": 500}}},
     ["codes.valid_days: is only for kind bulk (codes published to one customer each), not referral"]),
])
def test_kind_rules(fields, expected):
    assert errors_with(**fields) == expected


@pytest.mark.parametrize("fields, expected", [
    ({"active": {"from": "2026-12-01", "until": "2026-11-01"}}, ["active.until: must be after from"]),
    ({"active": {"from": "next friday"}}, ['active.from: must be a date "2026-11-30" or date and time "2026-11-30 18:00", got \'next friday\'']),
    ({"active": {"until": "9999-12-31"}}, ["active.until: is out of range: '9999-12-31'"]),
    ({"timezone": "Bangkok"}, ["timezone: must be an IANA time zone like Asia/Bangkok, got 'Bangkok' (did you mean 'Asia/Bangkok'?)"]),
    ({"schedule": [{"days": "weekdays", "from": "18:00", "until": "18:00"}]},
     ["schedule[0]: from and until must differ (leave both out for the whole day)"]),
    ({"schedule": [{"days": ["mon", "holiday"]}]},
     ["schedule[0].days[1]: must be a day (mon ... sun), weekdays, weekends or everyday, got 'holiday'"]),
    ({"schedule": {"dayz": "mon"}}, ["schedule[0].dayz: unknown key (did you mean 'days'?); expected one of: days, from, until"]),
    ({"visibility": {"pages": ["checkout", "basket"]}},
     ["visibility.pages: unknown page 'basket'; pages: home, category, product, cart, checkout, deals, wallet"]),
    ({"visibility": {"audience": {"fact": "cart.subtotal", "gte": 100}}},
     ["visibility.audience: can read only customer and context facts, not cart.subtotal (cart rules belong in eligibility)"]),
    ({"limits": {"per_customer_per": {"year": 1}}}, ["limits.per_customer_per.year: unknown key; expected one of: day, week, month"]),
    ({"currency": "XYZ"}, ["currency: must be an ISO 4217 currency code like USD or THB, got 'XYZ'"]),
])
def test_timing_visibility_limits_and_currency_problems(fields, expected):
    assert errors_with(**fields) == expected


def test_the_store_time_zone_argument_is_checked_too():
    with pytest.raises(DefinitionError) as caught:
        parse_campaign({"id": "a"}, timezone="Mars/Olympus")
    assert str(caught.value).startswith("timezone: must be an IANA time zone")


def test_non_text_keys_are_reported():
    assert errors_with(effect={"type": "shipping", 5: 1}) == ["effect: keys must be text, got 5"]
