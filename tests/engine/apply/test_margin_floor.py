"""The margin floor (docs/discount-policy.md, The margin floor): no discount takes a line with a
cost below its floor, whatever the offers and their order; order-level amounts move what a
capped line cannot take to the others, to the cent; budgets count what was really given.
"""
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promo.core.applicator import Candidate, evaluate
from promo.core.campaign import AT_COST, MARGIN_FLOOR_OFF, MarginFloor, Stacking
from promo.core.domain import Cart, CartLine, ItemSelector
from promo.core.effects import compute
from promo.core.effects.amount_off_each_line import AmountOffEachLine
from promo.core.effects.amount_off_each_unit import AmountOffEachUnit
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.percent_off_items import PercentOffItems
from promo.core.formula import Formula
from promo.core.margin import guard, headroom, line_floor, line_floors, unit_floor
from promo.core.reasons import Reason
from promo.core.results import Status
from promo.format.definition import DefinitionError, parse_campaign
from promo.format.readers import parse_margin_floor
from tests.engine.apply.test_apply_properties import ORDER_LEVEL, UNIT_LEVEL
from tests.support.applykit import CONTEXT, GUEST, facts_of, promo

SETTINGS = settings(max_examples=200, deadline=None)

floors = st.one_of(
    st.sampled_from([Decimal(0), Decimal(10), Decimal("12.5"), Decimal(40)]).map(lambda p: MarginFloor(percent=p)),
    st.integers(min_value=0, max_value=800).map(lambda a: MarginFloor(amount=a)),
)


# Built once, not on every draw of a line (building and validating them again was much of the
# properties' CPU); what they generate is the same.
_PRICE = st.integers(min_value=0, max_value=5000)
_COST = st.one_of(st.none(), st.integers(min_value=0, max_value=5000))
_SKU = st.sampled_from(["s1", "s2", "s3", "s4", "s5"])
_QUANTITY = st.integers(min_value=1, max_value=6)
_CATEGORIES = st.frozensets(st.sampled_from(("coffee", "gear")), max_size=2)
_STACKINGS = st.sampled_from(list(Stacking))


@st.composite
def costed_line(draw):
    price = draw(_PRICE)
    cost = draw(_COST)
    return CartLine(draw(_SKU), "item", price, draw(_QUANTITY), draw(_CATEGORIES), cost=cost)


costed_lines = st.lists(costed_line(), min_size=1, max_size=7)
any_effect = st.one_of(*ORDER_LEVEL, *UNIT_LEVEL)


def _evaluate(campaigns, lines, floor=AT_COST):
    return evaluate([Candidate(c) for c in campaigns], Cart(tuple(lines), shipping=500), GUEST, CONTEXT,
                    margin_floor=floor)


@SETTINGS
@given(effects=st.lists(any_effect, min_size=1, max_size=5), lines=costed_lines, floor=floors, data=st.data())
def test_no_guarded_line_ends_below_its_floor_whatever_the_stacking_order(effects, lines, floor, data):
    priorities = data.draw(st.permutations(range(len(effects))))
    stacking = data.draw(st.lists(_STACKINGS, min_size=len(effects), max_size=len(effects)))
    campaigns = [promo(f"o{i}", effect, priority=priority, stacking=how)
                 for i, (effect, priority, how) in enumerate(zip(effects, priorities, stacking, strict=True))]
    evaluation = _evaluate(campaigns, lines, floor)
    for priced in evaluation.lines[:len(lines)]:
        least = line_floor(priced.line, floor)
        if least is not None:
            assert priced.total >= min(least, priced.subtotal), priced
    for offer in evaluation.applied:
        assert sum(offer.line_discounts) == offer.discount


@SETTINGS
@given(effect=st.one_of(*ORDER_LEVEL), lines=costed_lines, floor=floors, data=st.data())
def test_an_order_amount_keeps_its_total_up_to_what_the_floors_leave(effect, lines, floor, data):
    totals = tuple(data.draw(st.integers(min_value=0, max_value=line.subtotal)) for line in lines)
    facts = facts_of(*lines, totals=totals)
    plain = compute(effect, facts, 0)
    floors_of_lines = line_floors(lines, floor)
    guarded = guard(effect, plain, facts, floors_of_lines)
    rooms = headroom(totals, floors_of_lines)
    pool = facts.matching(effect.items) if hasattr(effect, "items") else range(len(lines))
    assert sum(guarded.benefit.line_discounts) == min(sum(plain.line_discounts), sum(rooms[i] for i in pool))
    for share, room in zip(guarded.benefit.line_discounts, rooms, strict=True):
        assert 0 <= share <= room
    assert sum(guarded.benefit.line_discounts) == sum(plain.line_discounts) - guarded.reduced


@SETTINGS
@given(effect=any_effect, lines=costed_lines)
def test_with_the_floor_off_nothing_changes(effect, lines):
    campaign = promo("o", effect)
    plain = _evaluate([campaign], [replace(line, cost=None) for line in lines])
    off = _evaluate([campaign], lines, MARGIN_FLOOR_OFF)
    assert [p.discount for p in plain.lines] == [p.discount for p in off.lines]
    assert not any(p.capped for p in off.lines)


# ---- worked cases ----

GEISHA = CartLine("GEISHA", "Panama Geisha", 1950, 1, frozenset({"arabica"}), cost=1500)
YIRG = CartLine("YIRG", "Yirgacheffe", 1950, 1, frozenset({"arabica"}), cost=800)
KETTLE = CartLine("KETTLE", "Kettle", 3000, 1, frozenset({"gear"}))
TEN_PERCENT = MarginFloor(percent=Decimal(10))


def test_floor_is_cost_plus_the_margin_rounded_up():
    assert unit_floor(1500, TEN_PERCENT) == 1650
    assert unit_floor(1505, TEN_PERCENT) == 1656          # 150.5 rounds up: never less than 10%
    assert unit_floor(1500, MarginFloor(amount=200)) == 1700
    assert unit_floor(1500, MARGIN_FLOOR_OFF) is None
    assert line_floor(replace(GEISHA, quantity=3), TEN_PERCENT) == 4950
    assert line_floor(KETTLE, TEN_PERCENT) is None


def test_ten_off_each_bag_gives_three_on_the_thin_margin_bag_and_says_so():
    bags = promo("bags10", AmountOffEachUnit(1000), name="$10 off each bag", margin_floor=TEN_PERCENT)
    evaluation = _evaluate([bags], [GEISHA, replace(YIRG, quantity=2)])
    offer = evaluation.applied[0]
    assert offer.line_discounts == (300, 2000)
    assert offer.line_capped == (700, 0)
    assert offer.capped
    assert offer.capping_note == "$3 on Panama Geisha"
    assert offer.message == "Applied: you save $23.00 ($3 on Panama Geisha)."
    assert [p.capped for p in evaluation.lines] == [700, 0]


def test_each_unit_note_names_the_amount_per_unit():
    bags = promo("bags10", AmountOffEachUnit(1000), margin_floor=TEN_PERCENT)
    offer = _evaluate([bags], [replace(GEISHA, quantity=2)]).applied[0]
    assert offer.capping_note == "$3 each on Panama Geisha"


def test_the_campaign_floor_wins_over_the_store_floor():
    clearance = promo("clearance", AmountOffEachLine(1000), margin_floor=MARGIN_FLOOR_OFF)
    assert _evaluate([clearance], [GEISHA], TEN_PERCENT).discount == 1000
    guarded = promo("guarded", AmountOffEachLine(1000))
    assert _evaluate([guarded], [GEISHA], TEN_PERCENT).discount == 300
    assert _evaluate([guarded], [GEISHA], AT_COST).discount == 450


def test_a_line_without_a_cost_is_not_guarded():
    assert _evaluate([promo("big", AmountOffEachLine(2900))], [KETTLE]).discount == 2900


def test_an_offer_left_with_nothing_is_at_lowest_price():
    first = promo("first", AmountOffEachLine(450), priority=2)
    second = promo("second", PercentOffItems(Decimal(20)), priority=1)
    evaluation = _evaluate([first, second], [GEISHA])
    refused = next(o for o in evaluation.offers if o.campaign_id == "second")
    assert refused.status is Status.NOT_APPLICABLE
    assert refused.reason is Reason.AT_LOWEST_PRICE


def test_a_budget_counts_the_capped_amount():
    bags = promo("bags10", AmountOffEachUnit(1000), margin_floor=TEN_PERCENT)
    # Without the floor the offer would need 1000 of budget; capped it needs 300, which fits.
    evaluation = evaluate([Candidate(bags, remaining_budget=300)], Cart((GEISHA,)), GUEST, CONTEXT)
    assert evaluation.discount == 300
    too_little = evaluate([Candidate(bags, remaining_budget=299)], Cart((GEISHA,)), GUEST, CONTEXT)
    assert too_little.offers[0].reason is Reason.BUDGET_EXHAUSTED


def test_order_amount_moves_what_the_capped_line_cannot_take():
    offer = _evaluate([promo("twenty", AmountOffOrder(2000), margin_floor=TEN_PERCENT)], [GEISHA, KETTLE]).applied[0]
    assert offer.line_discounts == (300, 1700)
    assert offer.line_capped == (488, 0)
    assert offer.capping_note == ""       # the shopper still gets the whole $20


def test_a_formula_reads_the_line_it_discounts():
    half_margin = AmountOffEachUnit(Formula("min(1000, item.margin / 2)", Decimal(0)))
    evaluation = _evaluate([promo("half", half_margin, margin_floor=MARGIN_FLOOR_OFF)],
                           [GEISHA, replace(YIRG, quantity=2), KETTLE])
    assert [p.discount for p in evaluation.lines] == [225, 1150, 0]   # the kettle has no cost: fallback
    per_line = AmountOffEachLine(Formula("item.price * item.quantity // 10", Decimal(0)))
    evaluation = _evaluate([promo("tenth", per_line)], [replace(KETTLE, quantity=2)])
    assert evaluation.discount == 600


def test_item_names_are_refused_outside_per_line_effects():
    with pytest.raises(DefinitionError) as error:
        parse_campaign({"id": "x", "name": "X", "kind": "promotion",
                        "effect": {"type": "amount_off_order",
                                   "amount": {"formula": "item.margin", "fallback": 0}}})
    assert "only for effects that work per line" in str(error.value)


@pytest.mark.parametrize(("written", "floor"), [
    ("10%", TEN_PERCENT), ("12.5 %", MarginFloor(percent=Decimal("12.5"))), (200, MarginFloor(amount=200)),
    ("off", MARGIN_FLOOR_OFF), ("OFF", MARGIN_FLOOR_OFF), ("0%", AT_COST),
])
def test_margin_floor_key_reads_percent_amount_or_off(written, floor):
    campaign = parse_campaign({"id": "x", "name": "X", "kind": "promotion", "margin_floor": written,
                               "effect": {"type": "amount_off_order", "amount": 100}})
    assert campaign.margin_floor == floor


@pytest.mark.parametrize("written", ["ten", "-5%", "2000%", -1, 1.5, "%"])
def test_a_wrong_margin_floor_is_refused_with_its_forms(written):
    with pytest.raises(DefinitionError) as error:
        parse_campaign({"id": "x", "name": "X", "kind": "promotion", "margin_floor": written,
                        "effect": {"type": "amount_off_order", "amount": 100}})
    assert "margin_floor" in str(error.value)


def test_a_setting_reads_the_same_forms():
    assert parse_margin_floor("10%") == TEN_PERCENT
    assert parse_margin_floor("250") == MarginFloor(amount=250)
    assert parse_margin_floor("off") == MARGIN_FLOOR_OFF
    with pytest.raises(ValueError, match="margin floor"):
        parse_margin_floor("lots")


def test_percent_items_moves_the_rest_only_to_matching_lines():
    half_arabica = promo("c", PercentOffItems(Decimal(50), ItemSelector(categories=frozenset({"arabica"}))),
                         margin_floor=TEN_PERCENT)
    offer = _evaluate([half_arabica], [GEISHA, YIRG, KETTLE]).applied[0]
    # 50% of the two bags is 1950; Yirgacheffe (floor 880) takes what the Geisha cannot.
    assert offer.line_discounts == (300, 1070, 0)
    assert offer.capping_note == "Panama Geisha is at the lowest price we can sell at"     # the amount is said once, before it
