"""The texts the storefront shows up front: offer headlines and restrictions."""
from __future__ import annotations

import pytest

from promo.core.domain import Customer
from promo.core.phrases import unit_noun
from promo.core.wording import effect_label, restrictions, unlock_phrase
from tests.support.formatkit import campaign_with, facts, yaml

LABELS = [
    ("{type: amount_off_order, amount: 1000}", "$10 off"),
    ("{type: amount_off_order, amount: 1250}", "$12.50 off"),
    ("{type: percent_off_order, percent: 20, cap: 5000}", "20% off, up to $50"),
    ("{type: percent_off_order, percent: 12.5}", "12.5% off"),
    ("{type: amount_off_each_line, amount: 200, items: {categories: [arabica]}}", "$2 off each product from Arabica"),
    ("{type: amount_off_each_line, amount: 1000, items: {skus: [GEAR-KETTLE]}}", "$10 off GEAR-KETTLE"),
    ("{type: amount_off_each_unit, amount: 1000, items: {skus: [GEAR-KETTLE]}}", "$10 off each GEAR-KETTLE"),
    ("{type: amount_off_each_unit, amount: 150}", "$1.50 off each item"),
    ("{type: amount_split, amount: 1000, items: {collections: [holiday-gifts]}}", "$10 off Holiday gifts"),
    ("{type: percent_off_items, percent: 15, items: {categories: [arabica, robusta]}}", "15% off Arabica or Robusta"),
    ("{type: percent_off_items, percent: 15}", "15% off all items"),
    # A price limit or exclusions are in the headline: "all items" would promise too much.
    ("{type: percent_off_items, percent: 50, items: {max_unit_price: 5000}}", "50% off items priced up to $50"),
    ("{type: percent_off_items, percent: 50, cap: 2000, items: {max_unit_price: 5000}}",
     "50% off items priced up to $50, up to $20"),
    ("{type: percent_off_items, percent: 10, items: {label: coffee bags, max_unit_price: 2000}}",
     "10% off coffee bags priced up to $20"),
    ("{type: percent_off_items, percent: 15, items: {exclude_skus: [GRINDER, KETTLE]}}", "15% off items except GRINDER and KETTLE"),
    ("{type: percent_off_items, percent: 15, items: {categories: [mugs], exclude_skus: [MUG-XL]}}", "15% off Mugs"),
    ("{type: amount_off_each_unit, amount: 150, items: {max_unit_price: 1000}}", "$1.50 off each item priced up to $10"),
    ("{type: amount_off_each_line, amount: 200, items: {categories: [arabica], max_unit_price: 3000}}",
     "$2 off each product from Arabica priced up to $30"),
    ("{type: amount_split, amount: 1000, items: {max_unit_price: 5000}}", "$10 off items priced up to $50"),
    ("{type: unit_price, price: 500, items: {max_unit_price: 900}}", "Items priced up to $9 for $5 each"),
    ("{type: bundle_price, quantity: 3, price: 2000, items: {exclude_skus: [MUG-XL]}}", "3 for $20 on items except MUG-XL"),
    ("{type: cheapest_items, percent: 100, items: {max_unit_price: 2000}}", "Cheapest item priced up to $20 free"),
    ("{type: cheapest_items, percent: 100, every: 3, items: {max_unit_price: 2000}}",
     "Buy 3 items priced up to $20, get the cheapest 1 free"),
    ("{type: buy_x_get_y, buy: {quantity: 2}, get: {quantity: 1, items: {max_unit_price: 1000}}, percent: 50}",
     "Buy 2, get 1 items priced up to $10 50% off"),
    ("{type: volume, buy: 10, free: 1, items: {max_unit_price: 3000}}", "Buy 10, get 1 free on items priced up to $30"),
    ("{type: tiers, items: {exclude_skus: [GIFT]}, tiers: [{min_subtotal: 10000, percent: 10}]}",
     "Spend $100, get 10% off on items except GIFT"),
    ("{type: unit_price, price: 999, items: {skus: [ARABICA-1KG], label: Arabica 1 kg}}", "Arabica 1 kg for $9.99 each"),
    ("{type: bundle_price, quantity: 3, price: 2000, items: {categories: [mugs]}}", "3 for $20 on Mugs"),
    ("{type: cheapest_items, percent: 100}", "Cheapest item free"),
    ("{type: cheapest_items, percent: 50, count: 2, pick: most_expensive, items: {categories: [mugs]}}",
     "2 most expensive items from Mugs 50% off"),
    ("{type: cheapest_items, percent: 100, every: 3}", "Buy 3 items, get the cheapest 1 free"),
    ("{type: cheapest_items, percent: 50, every: 4, count: 2, items: {label: coffee bags}}",
     "Buy 4 coffee bags, get the cheapest 2 50% off"),
    ("{type: buy_x_get_y, buy: {quantity: 1, items: {skus: [DRIP-V60], label: V60 dripper}},"
     " get: {quantity: 1, items: {categories: [filters], label: filter papers}}, percent: 50}",
     "Buy 1 V60 dripper, get 1 filter papers 50% off"),
    ("{type: buy_x_get_y, buy: {quantity: 2}, get: {quantity: 1}}", "Buy 2, get 1 free"),
    ("{type: volume, buy: 10, free: 1}", "Buy 10, get 1 free"),
    ("{type: tiers, tiers: [{min_subtotal: 10000, percent: 10}, {min_subtotal: 20000, percent: 15}]}",
     "Spend $100, get 10% off; spend $200, get 15% off"),
    ("{type: free_gift, gift: {sku: FILTER-100, name: filter papers, price: 450}}", "Free filter papers"),
    ("{type: shipping}", "Free shipping"),
    ("{type: shipping, percent: 50}", "50% off shipping"),
    ("{type: shipping, amount: 500}", "$5 off shipping"),
]


@pytest.mark.parametrize("written, expected", LABELS)
def test_effect_labels(written, expected):
    assert effect_label(campaign_with(effect=yaml(written)).effect) == expected


# How a near-miss hint ends ("Add $12.50 more" + ending), one sentence per kind of effect.
UNLOCK_PHRASES = [
    ("{type: amount_off_order, amount: 1000}", "to get $10 off"),
    ("{type: percent_off_order, percent: 15}", "to get 15% off"),
    ("{type: percent_off_order, percent: 20, cap: 5000}", "to get 20% off, up to $50"),
    ("{type: amount_off_each_unit, amount: 150, items: {categories: [arabica]}}", "to get $1.50 off each item from Arabica"),
    ("{type: amount_split, amount: 1000, items: {collections: [holiday-gifts]}}", "to get $10 off Holiday gifts"),
    ("{type: percent_off_items, percent: 15}", "to get 15% off all items"),
    ("{type: percent_off_items, percent: 50, items: {max_unit_price: 5000}}", "to get 50% off items priced up to $50"),
    ("{type: cheapest_items, percent: 100, items: {max_unit_price: 2000}}", "and the cheapest item priced up to $20 is free"),
    ("{type: unit_price, price: 999}", "to get items for $9.99 each"),
    ("{type: bundle_price, quantity: 3, price: 2000, items: {categories: [mugs]}}", "to get 3 for $20 on Mugs"),
    ("{type: cheapest_items, percent: 100, every: 3, items: {label: coffee bags}}", "and the cheapest is free"),
    ("{type: cheapest_items, percent: 50, every: 4, count: 2, pick: most_expensive}", "and the 2 most expensive are 50% off"),
    ("{type: cheapest_items, percent: 100, items: {categories: [mugs]}}", "and the cheapest item from Mugs is free"),
    ("{type: buy_x_get_y, buy: {quantity: 1, items: {skus: [DRIP-V60], label: V60 dripper}},"
     " get: {quantity: 1, items: {categories: [filters], label: filter pack}}, percent: 50}", "to get 1 filter pack 50% off"),
    ("{type: buy_x_get_y, buy: {quantity: 2}, get: {quantity: 1}}", "to get 1 free"),
    ("{type: volume, buy: 10, free: 1}", "to get 1 free"),
    ("{type: tiers, tiers: [{min_subtotal: 10000, percent: 10}, {min_subtotal: 20000, percent: 15}]}",
     "for the tiered discount (spend $100, get 10% off; spend $200, get 15% off)"),
    ("{type: free_gift, gift: {sku: TOTE, name: Canvas Tote, price: 1800}}", "to get a free Canvas Tote"),
    ("{type: free_gift, quantity: 2, gift: {sku: MUG, name: mugs, price: 900}}", "to get 2 free mugs"),
    ("{type: shipping}", "for free shipping"),
    ("{type: shipping, percent: 50}", "to get 50% off shipping"),
    ("{type: shipping, amount: 500}", "to get $5 off shipping"),
]


@pytest.mark.parametrize("written, expected", UNLOCK_PHRASES)
def test_hint_endings_read_as_part_of_the_sentence(written, expected):
    assert unlock_phrase(campaign_with(effect=yaml(written)).effect) == expected


def test_a_personal_amount_ends_a_hint_in_lower_case():
    effect = campaign_with(effect={"type": "amount_off_order",
                                   "amount": {"formula": "1000 if customer.new else 500", "fallback": 500}}).effect
    assert unlock_phrase(effect) == "to get a personal discount"


def test_units_are_named_by_a_plural_label_else_items():
    bags = campaign_with(effect=yaml("{type: volume, buy: 2, free: 1, items: {label: coffee bags}}")).effect.items
    gear = campaign_with(effect=yaml("{type: volume, buy: 2, free: 1, items: {label: gear or merch}}")).effect.items
    assert (unit_noun(bags, 1), unit_noun(bags, 2)) == ("coffee bag", "coffee bags")
    assert (unit_noun(gear, 1), unit_noun(gear, 3), unit_noun(None, 1)) == ("item", "items", "item")


def test_labels_follow_the_currency_and_locale():
    effect = campaign_with(effect=yaml("{type: percent_off_order, percent: 10, cap: 20000}")).effect
    assert effect_label(effect, "THB", "th_TH") == "10% off, up to ฿200"
    assert effect_label(effect, "PLN", "pl_PL") == "10% off, up to 200\xa0zł"


def test_a_dynamic_value_is_named_for_the_shopper_when_facts_are_given():
    effect = campaign_with(effect={"type": "amount_off_order",
                                   "amount": {"formula": "1000 if customer.new else 500", "fallback": 500}}).effect
    assert effect_label(effect) == "Personal discount"
    assert effect_label(effect, facts=facts(customer=Customer(orders_count=0))) == "$10 off"
    assert effect_label(effect, facts=facts(customer=Customer(orders_count=3))) == "$5 off"


def test_restrictions_state_who_what_when_and_how_often():
    campaign = campaign_with(
        eligibility=yaml("""
            all:
              - {fact: customer.new, is: true}
              - {fact: cart.subtotal, gte: 10000}
              - {fact: customer.country, in: [TH, PL]}
        """),
        effect=yaml("{type: percent_off_items, percent: 50, items: {categories: [arabica], max_unit_price: 5000}}"),
        active={"until": "2026-11-30"},
        schedule=[{"days": "weekdays", "from": "16:00", "until": "18:00"}],
        limits={"per_customer": 1, "per_customer_per": {"day": 2}, "total": 1000},
        stacking="exclusive",
    )
    assert restrictions(campaign) == [
        "New customers only",
        "Minimum spend $100",
        "Customers in Poland or Thailand only",
        "Arabica only",
        "Items up to $50",
        "Ends Nov 30, 2026",
        "Weekdays 4:00\u202fPM–6:00\u202fPM",
        "Once per customer",
        "Twice per day",
        "Signed-in customers only",
        "Limited to the first 1,000 orders",
        "Can't be combined with other offers",
    ]


def test_an_offer_without_rules_has_no_restrictions():
    assert restrictions(campaign_with()) == []


def test_shopper_messages_replace_generated_texts():
    campaign = campaign_with(eligibility=yaml("""
        all:
          - {fact: customer.segment, in: [vip, gold], message: "For VIP and Gold members"}
          - any: [{fact: customer.birthday_today, is: true}, {fact: customer.dormant_days, gte: 90}]
            message: "Birthday or welcome-back treat"
    """))
    assert restrictions(campaign) == ["For VIP and Gold members", "Birthday or welcome-back treat"]


@pytest.mark.parametrize("written, expected", [
    ("{fact: cart.subtotal, gte: 5000}", "Minimum spend $50"),
    ("{fact: cart.initial_subtotal, gte: 5000}", "Minimum spend $50 before discounts"),
    ("{fact: cart.subtotal, items: {categories: [arabica]}, gt: 2000}", "Spend more than $20 on Arabica"),
    ("{fact: cart.subtotal, lte: 20000}", "Cart subtotal at most $200"),
    ("{fact: cart.quantity, items: {categories: [arabica]}, gte: 3}", "At least 3 items from Arabica in the cart"),
    ("{fact: cart.items_count, gte: 1}", "At least 1 item in the cart"),
    ("{fact: cart.items_count, between: [2, 5]}", "Between 2 and 5 items in the cart"),
    ("{fact: cart.lines, items: {skus: [DRIP-V60], label: a V60 dripper}}", "Cart must include a V60 dripper"),
    ("{fact: cart.lines, items: {categories: [sale]}, match: none}", "Not with Sale in the cart"),
    ("{fact: cart.lines, items: {categories: [arabica]}, match: every}", "Only Arabica in the cart"),
    ("{fact: customer.new, is: false}", "Returning customers only"),
    ("{fact: customer.guest, is: false}", "Signed-in customers only"),
    ("{fact: customer.birthday_today, is: true}", "On your birthday only"),
    ("{fact: customer.segment, is: vip}", "VIP customers only"),
    ("{fact: customer.segment, in: [b2b-buyers, single-origin-club]}", "B2B buyers or Single origin club customers only"),
    ("{fact: customer.segment, not_in: [staff, wholesale]}", "Not for Staff or Wholesale customers"),
    ("{fact: customer.orders_count, gte: 5}", "Customers with at least 5 orders"),
    ("{fact: customer.total_spent, gte: 50000}", "Customers who have spent at least $500"),
    ("{fact: customer.dormant_days, gte: 90}", "Customers who haven't ordered for 90 days"),
    ("{fact: customer.dormant_days, lt: 30}", "Customers who ordered in the last 30 days"),
    ("{fact: customer.country, is: TH}", "Customers in Thailand only"),
    ("{fact: customer.city, ne: bangkok}", "Not available in Bangkok"),
    ("{fact: customer.id, in: [c-1, c-2]}", "Selected customers only"),
    ("{fact: customer.metadata.tier, is: gold}", "Customer tier is gold"),
    ("{fact: context.page, in: [category, product]}", "On category or product pages only"),
    ("{fact: context.category, is: arabica}", "On Arabica pages only"),
    ("{fact: context.channel, is: app}", "Only through app"),
    ("{fact: context.weekday, is: weekends}", "Weekends only"),
    ("{fact: context.weekday, not_in: [sat, sun]}", "Weekdays only"),
    ("{fact: context.weekday, in: [mon, wed]}", "Mon and Wed only"),
    ("{fact: context.time, between: ['16:00', '18:00']}", "Between 4:00\u202fPM and 6:00\u202fPM"),
    ("{fact: context.time, lt: '12:00'}", "Before 12:00\u202fPM"),
    ("{not: {fact: customer.segment, is: staff}}", "Not for Staff customers"),
    ("{not: {fact: cart.subtotal, gte: 100000}}", "Cart subtotal less than $1,000"),
    ("{not: {fact: cart.subtotal, between: [100, 200]}}", "Not valid when: cart subtotal between $1 and $2"),
    ("{not: {any: [{fact: customer.segment, is: staff}, {fact: customer.new, is: true}]}}",
     "Not for Staff customers; Returning customers only"),
])
def test_condition_wording(written, expected):
    assert campaign_with(eligibility=yaml(written)).eligibility.describe("USD", "en_US") == expected


def test_item_restrictions_start_with_a_capital_and_skip_buy_x_get_y():
    selected = campaign_with(effect=yaml("{type: percent_off_items, percent: 20, items: {skus: [A], label: selected items}}"))
    assert restrictions(selected) == ["Selected items only"]
    pair = campaign_with(effect=yaml("{type: buy_x_get_y, buy: {quantity: 1, items: {skus: [D], label: dripper}},"
                                     " get: {quantity: 1, items: {skus: [F]}}}"))
    assert restrictions(pair) == []
    excluded = campaign_with(effect=yaml("{type: percent_off_items, percent: 20, items: {exclude_skus: [GIFT-CARD, TOTE]}}"))
    assert restrictions(excluded) == ["Excludes GIFT-CARD and TOTE"]


def test_a_dynamic_amount_on_some_items_reads_as_a_personal_discount_on_them():
    effect = campaign_with(effect={"type": "amount_split", "items": {"categories": ["arabica"]},
                                   "amount": {"formula": "1000 if customer.new else 500", "fallback": 500}}).effect
    assert effect_label(effect) == "Personal discount on Arabica"
