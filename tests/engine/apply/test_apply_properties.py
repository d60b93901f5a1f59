"""Properties that hold for any cart and any offers (hypothesis).

- every split sums exactly to the offer's discount, and the lines sum to the evaluation;
- no line goes below zero, shipping neither;
- the discount never exceeds the items subtotal;
- shuffling the cart's lines changes nothing but the documented tie-break: an offer's total
  is the same, and an order-level split moves at most the leftover cent of each line;
- an offer set aside past the max-offers cap gets the verdict its whole benefit gives, however
  the applicator tells it.
"""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promo.core import applicator
from promo.core.applicator import Candidate, counts_towards_cap, evaluate
from promo.core.campaign import AT_COST, MARGIN_FLOOR_OFF, ItemSelector, MarginFloor, Stacking
from promo.core.domain import Cart, CartLine
from promo.core.effects import EFFECT_TYPES, compute, effect_type
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
from promo.core.reasons import Reason
from promo.core.results import Status
from tests.support.applykit import CONTEXT, GUEST, benefit, facts_of, promo

SETTINGS = settings(max_examples=150, deadline=None)

CATEGORIES = ("coffee", "gear")
selectors = st.sampled_from([
    ItemSelector(),
    ItemSelector(categories=frozenset({"coffee"})),
    ItemSelector(categories=frozenset({"gear"})),
    ItemSelector(skus=frozenset({"s1", "s2"})),
])
amounts = st.integers(min_value=0, max_value=6000)
percents = st.one_of(st.integers(min_value=0, max_value=100).map(Decimal),
                     st.sampled_from([Decimal("12.5"), Decimal("33.3"), Decimal("66.7")]))
caps = st.one_of(st.none(), st.integers(min_value=0, max_value=3000))
counts = st.integers(min_value=1, max_value=4)

cart_lines = st.lists(
    st.builds(
        CartLine,
        sku=st.sampled_from(["s1", "s2", "s3", "s4", "s5"]),
        name=st.just("item"),
        unit_price=st.integers(min_value=0, max_value=5000),
        quantity=st.integers(min_value=1, max_value=6),
        categories=st.frozensets(st.sampled_from(CATEGORIES), max_size=2),
    ),
    min_size=1, max_size=7,
)

ORDER_LEVEL = (
    st.builds(AmountOffOrder, amounts),
    st.builds(PercentOffOrder, percents, caps),
    st.builds(PercentOffItems, percents, selectors, caps),
    st.builds(AmountSplit, amounts, selectors, st.just("amount")),
    st.builds(Tiers, st.lists(st.builds(Tier, amounts, percents), min_size=1, max_size=3).map(tuple),
              selectors, st.sampled_from(["running", "initial"])),
)
UNIT_LEVEL = (
    st.builds(AmountOffEachLine, amounts, selectors),
    st.builds(AmountOffEachUnit, amounts, selectors),
    st.builds(AmountSplit, amounts, selectors, st.just("quantity")),
    st.builds(UnitPrice, amounts, selectors),
    st.builds(BundlePrice, counts, amounts, selectors, st.booleans()),
    st.builds(CheapestItems, percents, counts, selectors,
              st.sampled_from(["cheapest", "most_expensive"]), st.one_of(st.none(), counts)),
    st.builds(BuyXGetY, counts, counts, selectors, st.one_of(st.none(), selectors), percents,
              st.booleans(), st.one_of(st.none(), counts)),
    st.builds(Volume, counts, counts, selectors, st.booleans()),
    st.builds(FreeGift, st.just(CartLine("gift", "Gift", 700, 1)), counts),
    st.builds(ShippingDiscount, st.one_of(st.none(), percents), st.one_of(st.none(), amounts)),
)
order_level_effects = st.one_of(*ORDER_LEVEL)
effects = st.one_of(*ORDER_LEVEL, *UNIT_LEVEL)


@st.composite
def running_totals(draw, lines):
    """What earlier offers could have left on each line: anything from 0 to its subtotal."""
    return tuple(draw(st.integers(min_value=0, max_value=line.subtotal)) for line in lines)


@st.composite
def stacks(draw):
    count = draw(st.integers(min_value=1, max_value=5))
    return [
        promo(f"o{i}", draw(effects), priority=draw(st.integers(0, 2)),
              stacking=draw(st.sampled_from(list(Stacking))))
        for i in range(count)
    ]


def _evaluate(campaigns, lines, shipping=800, max_offers=5):
    return evaluate([Candidate(c) for c in campaigns], Cart(tuple(lines), shipping=shipping),
                    GUEST, CONTEXT, max_offers=max_offers)


@SETTINGS
@given(effect=effects, lines=cart_lines, data=st.data(), shipping=st.integers(0, 2000))
def test_one_effect_never_takes_a_line_below_zero(effect, lines, data, shipping):
    totals = data.draw(running_totals(lines))
    got = benefit(effect, *lines, totals=totals, shipping=shipping)
    assert len(got.line_discounts) == len(lines)
    for discount, total in zip(got.line_discounts, totals, strict=True):
        assert 0 <= discount <= total
    assert 0 <= got.shipping_discount <= shipping
    assert sum(got.line_discounts) <= sum(totals)


@SETTINGS
@given(campaigns=stacks(), lines=cart_lines, max_offers=st.integers(1, 5))
def test_evaluation_splits_sum_exactly_and_stay_within_the_cart(campaigns, lines, max_offers):
    evaluation = _evaluate(campaigns, lines, max_offers=max_offers)
    applied = evaluation.applied
    by_id = {c.id: c for c in campaigns}
    assert sum(counts_towards_cap(by_id[o.campaign_id]) for o in applied) <= max_offers
    for offer in applied:
        assert len(offer.line_discounts) == len(evaluation.lines)
        assert sum(offer.line_discounts) == offer.discount
    for index, priced in enumerate(evaluation.lines):
        assert priced.discount == sum(o.line_discounts[index] for o in applied)
        assert 0 <= priced.total <= priced.subtotal
    assert 0 <= evaluation.discount <= evaluation.subtotal
    assert 0 <= evaluation.shipping_discount <= evaluation.shipping
    assert evaluation.total >= 0
    assert len(evaluation.offers) == len(campaigns)


@SETTINGS
@given(campaigns=stacks(), lines=cart_lines)
def test_exclusive_offers_never_apply_with_common_ones(campaigns, lines):
    stacking = {c.id: c.stacking for c in campaigns}
    kinds = {stacking[o.campaign_id] for o in _evaluate(campaigns, lines).applied}
    assert not (Stacking.EXCLUSIVE in kinds and Stacking.COMMON in kinds)
    exclusive_applied = [o for o in _evaluate(campaigns, lines).applied
                         if stacking[o.campaign_id] is Stacking.EXCLUSIVE]
    assert len(exclusive_applied) <= 1


@SETTINGS
@given(effect=effects, lines=cart_lines, data=st.data())
def test_shuffling_lines_keeps_every_offer_total(effect, lines, data):
    shuffled = data.draw(st.permutations(lines))
    original = compute(effect, facts_of(*lines), 800)
    again = compute(effect, facts_of(*shuffled), 800)
    assert again.total == original.total


@SETTINGS
@given(effect=order_level_effects, lines=cart_lines, data=st.data())
def test_shuffling_lines_moves_at_most_the_leftover_cent_of_a_split(effect, lines, data):
    order = data.draw(st.permutations(range(len(lines))))
    original = compute(effect, facts_of(*lines), 0).line_discounts
    shuffled = compute(effect, facts_of(*(lines[i] for i in order)), 0).line_discounts
    for position, index in enumerate(order):
        assert abs(shuffled[position] - original[index]) <= 1


@SETTINGS
@given(amount_offers=st.lists(st.one_of(st.builds(AmountOffOrder, amounts),
                                        st.builds(PercentOffOrder, percents, caps)),
                              min_size=1, max_size=4),
       lines=cart_lines, data=st.data())
def test_shuffling_lines_keeps_a_stack_of_order_offers(amount_offers, lines, data):
    campaigns = [promo(f"o{i}", effect) for i, effect in enumerate(amount_offers)]
    shuffled = data.draw(st.permutations(lines))
    before = {o.campaign_id: o.total_discount for o in _evaluate(campaigns, lines).offers}
    after = {o.campaign_id: o.total_discount for o in _evaluate(campaigns, shuffled).offers}
    assert before == after


# ---- offers set aside past the max-offers cap ----
# An effect type with a `total` lets the applicator tell that an offer past the cap would apply
# without splitting its benefit; the verdicts must be the ones the whole benefit gives.

TOTALLED = {
    PercentOffOrder: st.builds(PercentOffOrder, percents, caps),
    PercentOffItems: st.builds(PercentOffItems, percents, selectors, caps),
    AmountOffEachUnit: st.builds(AmountOffEachUnit, amounts, selectors),
}


def test_every_type_that_totals_is_checked_here():
    assert {kind.effect for kind in EFFECT_TYPES if kind.total is not None} == set(TOTALLED)


@SETTINGS
@given(effect=st.one_of(*TOTALLED.values()), lines=cart_lines, data=st.data(), shipping=st.integers(0, 2000))
def test_a_types_total_is_what_its_benefit_gives(effect, lines, data, shipping):
    facts = facts_of(*lines, totals=data.draw(running_totals(lines)))
    assert effect_type(effect).total(effect, facts, shipping) == compute(effect, facts, shipping).total


costed_lines = st.lists(
    st.builds(CartLine, sku=st.sampled_from(["s1", "s2", "s3"]), name=st.just("item"),
              unit_price=st.integers(min_value=0, max_value=5000), quantity=st.integers(min_value=1, max_value=4),
              categories=st.frozensets(st.sampled_from(CATEGORIES), max_size=2),
              cost=st.one_of(st.none(), st.integers(min_value=0, max_value=5000))),
    min_size=1, max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(effects_=st.lists(st.one_of(effects, *TOTALLED.values()), min_size=2, max_size=8), lines=costed_lines,
       budgets=st.lists(st.one_of(st.none(), st.integers(0, 600)), min_size=8, max_size=8),
       exclusive=st.sets(st.integers(0, 7), max_size=2), max_offers=st.integers(1, 3),
       floor=st.sampled_from([MARGIN_FLOOR_OFF, AT_COST, MarginFloor(percent=Decimal(10))]))
def test_offers_past_the_cap_get_the_verdicts_of_their_whole_benefits(
        effects_, lines, budgets, exclusive, max_offers, floor):
    candidates = [Candidate(promo(f"o{i}", effect, stacking=Stacking.EXCLUSIVE if i in exclusive else Stacking.COMMON),
                            remaining_budget=budgets[i])
                  for i, effect in enumerate(effects_)]
    cart = Cart(tuple(lines), shipping=800)
    totalled = evaluate(candidates, cart, GUEST, CONTEXT, max_offers=max_offers, margin_floor=floor)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(applicator, "_gives_within_budget", lambda *_: False)   # every verdict from compute
        whole = evaluate(candidates, cart, GUEST, CONTEXT, max_offers=max_offers, margin_floor=floor)
    assert totalled == whole


def test_an_offer_past_the_cap_on_a_line_at_its_floor_is_refused_not_set_aside():
    lines = (CartLine("s1", "Beans", 2000, 1), CartLine("s2", "Kettle", 1000, 1, cost=1000))
    on_beans = promo("beans", PercentOffItems(Decimal(10), ItemSelector(skus=frozenset({"s1"}))))
    on_kettle = promo("kettle", PercentOffItems(Decimal(10), ItemSelector(skus=frozenset({"s2"}))))
    evaluation = evaluate([Candidate(on_beans), Candidate(on_kettle)], Cart(lines), GUEST, CONTEXT,
                          max_offers=1, margin_floor=AT_COST)
    assert [(o.campaign_id, o.status, o.reason) for o in evaluation.offers] == [
        ("beans", Status.APPLIED, Reason.APPLIED), ("kettle", Status.NOT_APPLICABLE, Reason.AT_LOWEST_PRICE)]
