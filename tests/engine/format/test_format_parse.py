"""What a valid definition turns into: every key lands in the right Campaign field."""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from promo.core import campaign as c
from promo.core.conditions import All, Any, FactCondition, LinesCondition, Match, Not, Op
from promo.core.domain import CartLine
from promo.core.effects.amount_off_each_line import AmountOffEachLine
from promo.core.effects.amount_off_each_unit import AmountOffEachUnit
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.amount_split import AmountSplit
from promo.core.effects.bundle_price import BundlePrice
from promo.core.effects.buy_x_get_y import BuyXGetY
from promo.core.effects.cheapest_items import CheapestItems
from promo.core.effects.free_gift import FreeGift
from promo.core.effects.percent_off_items import PercentOffItems
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.effects.shipping import ShippingDiscount
from promo.core.effects.tiers import Tier, Tiers
from promo.core.effects.unit_price import UnitPrice
from promo.core.effects.volume import Volume
from promo.core.formula import Formula
from promo.format.definition import DefinitionError, load_definitions, parse_campaigns, read_definitions
from tests.support.formatkit import BANGKOK, campaign_with, parse, yaml

BLACK_FRIDAY = """
    id: blckfrdy
    name: Black Friday
    kind: coupon
    code: " blckfrdy "
    description: 20% off everything, up to $50
    active: {from: 2026-11-20, until: 2026-11-30}
    schedule: [{days: weekdays, from: 16:00, until: 18:00}]
    priority: 10
    stacking: exclusive
    eligibility:
      all:
        - {fact: customer.new, is: true, message: "Only for your first order"}
        - {fact: cart.subtotal, gte: 5000}
        - {fact: cart.quantity, items: {categories: [arabica]}, gte: 3}
        - {fact: cart.lines, items: {skus: [DRIP-V60]}, match: every}
        - not: {fact: customer.segment, is: Staff}
        - any: [{fact: customer.country, in: [th, PL]}, {fact: context.weekday, is: weekends}]
    visibility: {pages: [category], categories: [Arabica], audience: {fact: customer.dormant_days, gte: 90}, listed: false}
    effect: {type: percent_off_order, percent: 20, cap: 5000}
    limits: {per_code: 1, per_customer: 2, per_customer_per: {day: 1, month: 3}, total: 1000, budget: 500000, order_value_budget: 10000000}
    currency: usd
    tags: [seasonal, public]
"""


def test_a_full_coupon_definition_fills_every_field():
    campaign = parse(BLACK_FRIDAY)
    assert (campaign.id, campaign.name, campaign.kind) == ("blckfrdy", "Black Friday", c.Kind.COUPON)
    assert campaign.code == "BLCKFRDY"  # codes are stored as shoppers' input is normalised
    assert campaign.description == "20% off everything, up to $50"
    assert campaign.priority == 10 and campaign.stacking is c.Stacking.EXCLUSIVE
    assert campaign.currency == "USD" and campaign.tags == {"seasonal", "public"}
    assert campaign.timezone == "Asia/Bangkok"
    assert campaign.effect == PercentOffOrder(Decimal(20), cap=5000)
    assert campaign.limits == c.Limits(
        per_code=1, per_customer=2,
        per_customer_periods=(c.PeriodLimit("day", 1), c.PeriodLimit("month", 3)),
        total=1000, budget=500_000, order_value_budget=10_000_000,
    )
    assert campaign.schedule == (c.ScheduleSlot(frozenset({0, 1, 2, 3, 4}), time(16), time(18)),)


def test_the_condition_tree_keeps_its_shape_and_normalises_values():
    tree = parse(BLACK_FRIDAY).eligibility
    assert isinstance(tree, All) and len(tree.conditions) == 6
    new, subtotal, quantity, lines, not_staff, either = tree.conditions
    assert new == FactCondition("customer.new", Op.EQ, True, message="Only for your first order")
    assert subtotal == FactCondition("cart.subtotal", Op.GTE, 5000)
    assert quantity == FactCondition("cart.quantity", Op.GTE, 3, c.ItemSelector(categories=frozenset({"arabica"})))
    assert lines == LinesCondition(c.ItemSelector(skus=frozenset({"DRIP-V60"})), Match.EVERY)
    assert not_staff == Not(FactCondition("customer.segment", Op.EQ, "staff"))
    assert isinstance(either, Any)
    assert either.conditions[0] == FactCondition("customer.country", Op.IN, frozenset({"TH", "PL"}))
    # "is weekends" is stored as membership in the set of weekend days
    assert either.conditions[1] == FactCondition("context.weekday", Op.IN, frozenset({5, 6}))


def test_visibility_is_parsed_apart_from_eligibility():
    visibility = parse(BLACK_FRIDAY).visibility
    assert visibility.pages == {"category"} and visibility.categories == {"arabica"}
    assert visibility.audience == FactCondition("customer.dormant_days", Op.GTE, 90)
    assert visibility.listed is False


def test_a_plain_list_of_conditions_means_all_of_them():
    campaign = campaign_with(eligibility=[{"fact": "cart.items_count", "gte": 2}, {"fact": "customer.guest", "is": False}])
    assert campaign.eligibility == All((
        FactCondition("cart.items_count", Op.GTE, 2), FactCondition("customer.guest", Op.EQ, False),
    ))


def test_active_dates_alone_cover_whole_days_in_the_store_zone():
    campaign = parse(BLACK_FRIDAY)
    assert campaign.starts_at == datetime(2026, 11, 20, 0, 0, tzinfo=BANGKOK)
    # "until 2026-11-30" means through the end of Nov 30: the campaign stops at Dec 1, 00:00
    assert campaign.ends_at == datetime(2026, 12, 1, 0, 0, tzinfo=BANGKOK)


@pytest.mark.parametrize("written, expected", [
    ("2026-11-30 18:00", datetime(2026, 11, 30, 18, 0, tzinfo=BANGKOK)),
    ("2026-11-30T18:00:00", datetime(2026, 11, 30, 18, 0, tzinfo=BANGKOK)),
    ("2026-11-30T18:00+01:00", datetime(2026, 11, 30, 18, 0, tzinfo=timezone(timedelta(hours=1)))),
])
def test_active_times_are_store_time_unless_they_carry_an_offset(written, expected):
    campaign = campaign_with(active={"until": written})
    assert campaign.ends_at == expected
    assert campaign.starts_at is None


def test_a_definition_can_name_its_own_time_zone():
    campaign = campaign_with(timezone="Europe/Warsaw", active={"from": "2026-03-01"})
    assert campaign.timezone == "Europe/Warsaw"
    assert campaign.starts_at.utcoffset() == timedelta(hours=1)


def test_schedule_days_accept_groups_names_and_an_overnight_slot():
    campaign = campaign_with(schedule=[
        {"days": ["Mon", "wednesday", "fri"], "from": "09:00", "until": "12:30"},
        {"days": "weekends", "from": "22:00", "until": "02:00"},
        {"days": "sun", "from": "20:00", "until": "24:00"},
        {"days": "everyday"},
    ])
    assert campaign.schedule == (
        c.ScheduleSlot(frozenset({0, 2, 4}), time(9), time(12, 30)),
        c.ScheduleSlot(frozenset({5, 6}), time(22), time(2)),
        c.ScheduleSlot(frozenset({6}), time(20), time(0)),
        c.ScheduleSlot(frozenset(range(7)), time(0), time(0)),
    )


ITEMS = c.ItemSelector(categories=frozenset({"arabica"}))
EFFECTS = [
    ("{type: amount_off_order, amount: 1000}", AmountOffOrder(1000)),
    ("{type: percent_off_order, percent: 12.5}", PercentOffOrder(Decimal("12.5"))),
    ("{type: amount_off_each_line, amount: 200, items: {categories: [arabica]}}", AmountOffEachLine(200, ITEMS)),
    ("{type: amount_off_each_unit, amount: 150, items: {categories: [arabica]}}", AmountOffEachUnit(150, ITEMS)),
    ("{type: amount_split, amount: 1000, by: quantity}", AmountSplit(1000, c.ItemSelector(), "quantity")),
    ("{type: percent_off_items, percent: 15, items: {categories: [arabica]}, cap: 2000}",
     PercentOffItems(Decimal(15), ITEMS, 2000)),
    ("{type: unit_price, price: 999, items: {categories: [arabica]}}", UnitPrice(999, ITEMS)),
    ("{type: bundle_price, quantity: 3, price: 2000, repeat: false}", BundlePrice(3, 2000, c.ItemSelector(), False)),
    ("{type: cheapest_items, percent: 100, count: 1, every: 3, pick: most_expensive}",
     CheapestItems(Decimal(100), 1, c.ItemSelector(), "most_expensive", 3)),
    ("{type: buy_x_get_y, buy: {quantity: 1, items: {skus: [DRIP-V60]}}, get: {quantity: 2, items: {categories: [filters]}},"
     " percent: 50, max_repeats: 2}",
     BuyXGetY(1, 2, c.ItemSelector(skus=frozenset({"DRIP-V60"})), c.ItemSelector(categories=frozenset({"filters"})),
                Decimal(50), True, 2, "cheapest")),
    ("{type: buy_x_get_y, buy: {quantity: 2}, get: {quantity: 1}}", BuyXGetY(2, 1, c.ItemSelector(), None)),
    ("{type: volume, buy: 10, free: 1, per_sku: false}", Volume(10, 1, c.ItemSelector(), False)),
    ("{type: tiers, tiers: [{min_subtotal: 10000, percent: 10}, {min_subtotal: 20000, amount: 3000}], basis: initial}",
     Tiers((Tier(10000, percent=Decimal(10)), Tier(20000, amount=3000)), c.ItemSelector(), "initial")),
    ("{type: free_gift, gift: {sku: FILTER-100, name: Filter papers, price: 450, categories: [filters]}, quantity: 2}",
     FreeGift(CartLine("FILTER-100", "Filter papers", 450, 2, frozenset({"filters"})), 2)),
    ("{type: shipping}", ShippingDiscount(Decimal(100))),
    ("{type: shipping, amount: 500}", ShippingDiscount(percent=None, amount=500)),
]


@pytest.mark.parametrize("written, expected", EFFECTS, ids=[e[1].__class__.__name__ for e in EFFECTS])
def test_each_effect_type_maps_to_its_dataclass(written, expected):
    assert campaign_with(effect=yaml(written)).effect == expected


def test_every_effect_type_has_a_parse_case():
    from promo.format.definition import EFFECTS as TYPES
    covered = {yaml(written)["type"] for written, _ in EFFECTS}
    assert covered == set(TYPES)


def test_item_selectors_read_every_key():
    effect = campaign_with(effect=yaml("""
        type: percent_off_items
        percent: 50
        items: {skus: SOLO, categories: [beans], collections: [holiday], exclude_skus: [GIFT-CARD],
                max_unit_price: 5000, label: Holiday beans}
    """)).effect
    assert effect.items == c.ItemSelector(
        frozenset({"SOLO"}), frozenset({"beans"}), frozenset({"holiday"}), frozenset({"GIFT-CARD"}), 5000, "Holiday beans",
    )
    assert effect.items.label == "Holiday beans"


def test_a_dynamic_amount_is_a_compiled_formula_with_its_fallback():
    effect = campaign_with(effect={"type": "amount_off_order",
                                   "amount": {"formula": "1000 if customer.new else 500", "fallback": 500}}).effect
    assert isinstance(effect.amount, Formula)
    assert effect.amount.expression == "1000 if customer.new else 500" and effect.amount.fallback == 500


def test_a_dynamic_percent_is_capped_at_100():
    effect = campaign_with(effect={"type": "percent_off_order",
                                   "percent": {"formula": "cart.items_count * 5", "fallback": 5}}).effect
    assert effect.percent.maximum == 100


def test_bulk_codes_keep_their_pattern():
    campaign = parse("""
        id: sorry
        name: Sorry coupons
        kind: bulk
        codes: {pattern: "sorry-####-####", prefix: x, charset: ABCDEFGHJK}
        effect: {type: amount_off_order, amount: 1000}
    """)
    assert campaign.code_pattern == c.CodePattern("SORRY-####-####", "ABCDEFGHJK", "X", "")
    assert campaign.code is None and campaign.needs_code
    assert campaign.code_valid_days is None   # codes do not expire unless the definition says so


def test_bulk_codes_can_be_valid_for_some_days_after_publication():
    campaign = parse("""
        id: birthday
        name: Happy birthday
        kind: bulk
        codes: {pattern: "BDAY-######", valid_days: 7}
        effect: {type: percent_off_items, percent: 50}
    """)
    assert campaign.code_valid_days == 7
    assert campaign.code_pattern == c.CodePattern("BDAY-######")


def test_gift_card_loyalty_and_referral_sections_go_to_options():
    gift = parse("{id: gc50, name: Gift card, kind: gift_card, gift_card: {balance: 5000}, codes: {pattern: 'GC-########'}}")
    assert gift.effect is None and gift.options == {"gift_card": {"balance": 5000}}

    loyalty = parse("""
        id: beans-club
        name: Beans club
        kind: loyalty
        loyalty:
          points_per_unit: 1
          rewards: [{name: Free filters, points: 200, effect: {type: amount_off_order, amount: 450}}]
    """)
    assert loyalty.options["loyalty"] == {
        "points_per_unit": 1, "unit": 100, "multipliers": {},
        "rewards": ({"name": "Free filters", "points": 200, "effect": AmountOffOrder(450)},),
    }

    referral = parse("""
        id: refer
        name: Refer a friend
        kind: referral
        codes: {pattern: "FRIEND-######"}
        eligibility: {fact: customer.new, is: true}
        effect: {type: amount_off_order, amount: 1000}
        referral:
          reward: {type: amount_off_order, amount: 1000}
          bonuses: [{referrals: 5, reward: {type: percent_off_order, percent: 20}}]
    """)
    assert referral.effect == AmountOffOrder(1000)
    assert referral.options["referral"] == {
        "reward": AmountOffOrder(1000),
        "bonuses": ({"referrals": 5, "reward": PercentOffOrder(Decimal(20))},),
        "conversion": "order_paid",
    }


def test_yaml_reads_times_and_country_codes_as_written():
    # Plain YAML 1.1 would read 16:00 as the number 960 and NO (Norway) as false.
    data = yaml("{from: 16:00, country: NO, flag: yes, on: true, n: 010}")
    assert data == {"from": "16:00", "country": "NO", "flag": "yes", "on": True, "n": "010"}


def test_a_key_written_twice_is_an_error_not_a_silent_override():
    with pytest.raises(DefinitionError) as caught:
        read_definitions("id: a\nname: A\nkind: promotion\nkind: coupon\n")
    assert "line 4" in str(caught.value) and "'kind' twice" in str(caught.value)


def test_definitions_load_from_yaml_and_json_files(tmp_path):
    one = {"id": "a", "name": "A", "kind": "promotion", "effect": {"type": "shipping"}}
    two = {"id": "b", "name": "B", "kind": "coupon", "code": "bee", "effect": {"type": "amount_off_order", "amount": 100}}
    (tmp_path / "list.json").write_text(json.dumps([one, two]))
    (tmp_path / "wrapped.yaml").write_text(json.dumps({"campaigns": [one, two]}))
    (tmp_path / "single.yml").write_text("id: a\nname: A\nkind: promotion\neffect: {type: shipping}\n")
    for name, ids in (("list.json", ["a", "b"]), ("wrapped.yaml", ["a", "b"]), ("single.yml", ["a"])):
        assert [campaign.id for campaign in load_definitions(tmp_path / name)] == ids


def test_file_problems_are_definition_errors_with_the_file_and_line(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: a\nname: [unclosed\n")
    (tmp_path / "bad.json").write_text('{"id": "a",}')
    (tmp_path / "notes.txt").write_text("id: a")
    for name, expected in (("bad.yaml", "bad.yaml: line 3"), ("bad.json", "bad.json: line 1, column 12"),
                           ("notes.txt", "must be a .yaml, .yml or .json file")):
        with pytest.raises(DefinitionError) as caught:
            load_definitions(tmp_path / name)
        assert expected in str(caught.value)


def test_a_list_reports_errors_by_position_and_rejects_duplicate_ids_and_codes():
    good = {"id": "a", "name": "A", "kind": "coupon", "code": "SAVE", "effect": {"type": "shipping"}}
    bad = {"id": "b", "name": "B", "kind": "promotion", "effect": {"type": "percent_off_order", "percent": 120}}
    with pytest.raises(DefinitionError) as caught:
        parse_campaigns([good, bad, {**good, "code": "save"}])
    assert [str(e) for e in caught.value.errors] == [
        "[1].effect.percent: must be between 0 and 100, got 120",
        "[2].id: 'a' is already used by [0]",
        "[2].code: 'SAVE' is already used by [0]",
    ]


def test_errors_inside_a_campaigns_file_name_the_campaign_position():
    with pytest.raises(DefinitionError) as caught:
        read_definitions("campaigns:\n  - {id: a, name: A, kind: promotion, effect: {type: shipping, percent: 0}}\n")
    assert str(caught.value) == "campaigns[0].effect.percent: must be between 0 and 100, got 0"
