"""The candidate index leaves out only campaigns that could not apply: evaluating the candidates
gives the shopper exactly the discounts evaluating every campaign gives."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promo.core.applicator import Candidate, evaluate
from promo.core.campaign import Campaign, ItemSelector, Kind, Stacking
from promo.core.conditions import All, Any, FactCondition, LinesCondition, Match, Not, Op
from promo.core.domain import Cart, CartLine, Context, Customer
from promo.core.effects.amount_off_each_unit import AmountOffEachUnit
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.bundle_price import BundlePrice
from promo.core.effects.buy_x_get_y import BuyXGetY
from promo.core.effects.cheapest_items import CheapestItems
from promo.core.effects.free_gift import FreeGift
from promo.core.effects.percent_off_items import PercentOffItems
from promo.core.effects.shipping import ShippingDiscount
from promo.core.effects.tiers import Tier, Tiers
from promo.core.effects.volume import Volume
from promo.core.index import CampaignIndex, requirements
from promo.core.results import Status

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
CONTEXT = Context(now=NOW, page="cart")
SKUS = ("beans", "decaf", "mug", "filter", "grinder")
CATEGORIES = ("coffee", "gear", "merch")
COLLECTIONS = ("autumn", "gift")
SEGMENTS = ("vip", "club")


# The strategies are built once, here, not on every draw: building and validating them anew for
# each of the thousands of draws took most of these tests' CPU. What they generate is the same.
SOME_SKUS = st.sets(st.sampled_from(SKUS), max_size=2)
ONE_SKU = st.sets(st.sampled_from(SKUS), max_size=1)
A_CATEGORY = st.sets(st.sampled_from(CATEGORIES), max_size=1)
A_COLLECTION = st.sets(st.sampled_from(COLLECTIONS), max_size=1)
A_SEGMENT = st.sampled_from(SEGMENTS)
SEGMENT_SET = st.sets(st.sampled_from(SEGMENTS), min_size=1)
ORDERS_COUNT = st.integers(0, 6)
SPENT = st.integers(0, 5000)
BOOLEANS = st.booleans()
PRIORITY = st.integers(0, 2)
STACKING = st.sampled_from(list(Stacking))


def selector(draw) -> ItemSelector:
    return ItemSelector(
        skus=frozenset(draw(SOME_SKUS)),
        categories=frozenset(draw(A_CATEGORY)),
        collections=frozenset(draw(A_COLLECTION)),
        exclude_skus=frozenset(draw(ONE_SKU)),
    )


# Each option is built only when chosen: drawing the selectors of all of them for every campaign
# made generating a store take seconds, and Hypothesis's too_slow check fail.
EFFECTS = st.sampled_from([
    lambda draw, items: AmountOffOrder(500), lambda draw, items: PercentOffItems(Decimal(10), items),
    lambda draw, items: AmountOffEachUnit(100, items), lambda draw, items: BundlePrice(2, 1500, items),
    lambda draw, items: CheapestItems(Decimal(50), 1, items),
    lambda draw, items: BuyXGetY(1, 1, items, selector(draw)),
    lambda draw, items: Volume(2, 1, items), lambda draw, items: Tiers((Tier(1000, percent=Decimal(5)),), items),
    lambda draw, items: ShippingDiscount(), lambda draw, items: FreeGift(CartLine("sticker", "Sticker", 100, 1)),
])
CONDITIONS = st.lists(st.sampled_from([
    lambda draw: FactCondition("customer.segment", Op.EQ, draw(A_SEGMENT)),
    lambda draw: FactCondition("customer.segment", Op.IN, frozenset(draw(SEGMENT_SET))),
    lambda draw: LinesCondition(selector(draw), Match.ANY),
    lambda draw: LinesCondition(selector(draw), Match.NONE),
    lambda draw: FactCondition("cart.subtotal", Op.GTE, 1000, items=selector(draw)),
    lambda draw: FactCondition("cart.quantity", Op.GT, 0, items=selector(draw)),
    lambda draw: FactCondition("cart.subtotal", Op.GTE, 4000),
    lambda draw: FactCondition("cart.items_count", Op.GTE, 5),
    lambda draw: Any((FactCondition("customer.segment", Op.EQ, "vip"), FactCondition("cart.subtotal", Op.GTE, 3000))),
    lambda draw: Not(FactCondition("customer.segment", Op.EQ, "club")),
    # Customer gates: checked against the customer before the cart is looked at.
    lambda draw: FactCondition("customer.orders_count", Op.GTE, draw(ORDERS_COUNT)),
    lambda draw: FactCondition("customer.orders_count", Op.LT, draw(ORDERS_COUNT)),
    lambda draw: FactCondition("customer.total_spent", Op.BETWEEN, (draw(SPENT), 6000)),
    lambda draw: FactCondition("customer.total_spent", Op.GT, draw(SPENT)),
    lambda draw: FactCondition("customer.new", Op.EQ, draw(BOOLEANS)),
    lambda draw: FactCondition("customer.guest", Op.EQ, False),
    lambda draw: FactCondition("customer.segment", Op.NE, draw(A_SEGMENT)),
    lambda draw: Any((FactCondition("customer.orders_count", Op.GTE, 3), FactCondition("cart.subtotal", Op.GTE, 3000))),
]), max_size=3)


@st.composite
def campaigns(draw, number: int) -> Campaign:
    items = selector(draw)
    effect = draw(EFFECTS)(draw, items)
    conditions = [make(draw) for make in draw(CONDITIONS)]
    eligibility = None if not conditions else conditions[0] if len(conditions) == 1 else All(tuple(conditions))
    return Campaign(id=f"c{number}", name=f"Campaign {number}", kind=Kind.PROMOTION, effect=effect,
                    eligibility=eligibility, priority=draw(PRIORITY), stacking=draw(STACKING))


CART_SKUS = st.lists(st.sampled_from(SKUS), unique=True, max_size=4)
PRICE = st.integers(100, 5000)
QUANTITY = st.integers(1, 4)
LINE_CATEGORIES = st.sets(st.sampled_from(CATEGORIES), max_size=2)
STORE_SIZE = st.integers(1, 12)


@st.composite
def carts(draw) -> Cart:
    chosen = draw(CART_SKUS)
    lines = tuple(
        CartLine(sku, sku, draw(PRICE), draw(QUANTITY), frozenset(draw(LINE_CATEGORIES)),
                 frozenset(draw(A_COLLECTION)))
        for sku in chosen
    )
    return Cart(lines, "USD", shipping=595)


@st.composite
def stores(draw) -> list[Campaign]:
    size = draw(STORE_SIZE)
    return [draw(campaigns(number)) for number in range(size)]


# A loaded machine (parallel workers, CI neighbours) must not fail the test for drawing slowly.
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def applied(evaluation) -> list[tuple]:
    return [(o.campaign_id, o.discount, o.shipping_discount, o.line_discounts)
            for o in evaluation.offers if o.status is Status.APPLIED]


@pytest.mark.slow
@SETTINGS
@given(stores(), carts(), st.sets(st.sampled_from(SEGMENTS)), st.booleans(), st.integers(0, 6), st.integers(0, 7000))
def test_candidates_give_the_same_discounts_as_every_campaign(store, cart, segments, guest, orders, spent):
    customer = Customer() if guest else Customer(id="c-1", segments=frozenset(segments), orders_count=orders,
                                                 total_spent=spent)
    everything = evaluate([Candidate(c) for c in store], cart, customer, CONTEXT)
    candidates = CampaignIndex(store).candidates(cart, customer)
    narrowed = evaluate([Candidate(c) for c in candidates], cart, customer, CONTEXT)

    assert applied(narrowed) == applied(everything)
    assert (narrowed.discount, narrowed.shipping_discount, narrowed.total) == (
        everything.discount, everything.shipping_discount, everything.total)
    kept = {c.id for c in candidates}
    for offer in everything.offers:
        if offer.campaign_id not in kept:
            assert offer.status is Status.NOT_APPLICABLE, offer


@pytest.mark.slow
@SETTINGS
@given(stores(), carts(), st.sets(st.sampled_from(SEGMENTS)), st.booleans(), st.integers(0, 6), st.integers(0, 7000))
def test_offers_left_out_of_nudges_neither_apply_nor_hint_on_their_own(store, cart, segments, guest, orders, spent):
    customer = Customer() if guest else Customer(id="c-1", segments=frozenset(segments), orders_count=orders,
                                                 total_spent=spent)
    kept = {c.id for c in CampaignIndex(store, hints=True).candidates(cart, customer)}
    for campaign in store:
        if campaign.id in kept:
            continue
        alone = evaluate([Candidate(campaign)], cart, customer, CONTEXT).offers[0]
        assert alone.status is Status.NOT_APPLICABLE and alone.hint is None, (campaign, alone)


def test_a_dripper_without_filters_still_hears_about_the_filters():
    dripper = ItemSelector(skus=frozenset({"dripper"}))
    filters = ItemSelector(skus=frozenset({"filters"}))
    campaign = Campaign("dripper-filters", "Dripper + filters", Kind.PROMOTION,
                        BuyXGetY(1, 1, dripper, filters, percent=Decimal(50)))
    cart = Cart((CartLine("dripper", "Dripper", 2800, 1),))
    assert CampaignIndex([campaign]).candidates(cart) == []          # cannot apply yet
    assert CampaignIndex([campaign], hints=True).candidates(cart) == [campaign]   # "Add 1 more item"


def test_candidates_keep_the_given_order_and_the_always_bucket():
    coffee = ItemSelector(categories=frozenset({"coffee"}))
    storewide = Campaign("storewide", "Storewide", Kind.PROMOTION, AmountOffOrder(100))
    tea = Campaign("tea", "Tea", Kind.PROMOTION, PercentOffItems(Decimal(10), ItemSelector(categories=frozenset({"tea"}))))
    beans = Campaign("beans", "Beans", Kind.PROMOTION, PercentOffItems(Decimal(10), coffee))
    vip = Campaign("vip", "VIP", Kind.PROMOTION, AmountOffOrder(100),
                   eligibility=FactCondition("customer.segment", Op.EQ, "vip"))
    index = CampaignIndex([beans, tea, vip, storewide])
    cart = Cart((CartLine("ARA-1", "Beans", 1500, 1, frozenset({"coffee"})),))

    assert [c.id for c in index.candidates(cart, Customer())] == ["beans", "storewide"]
    assert [c.id for c in index.candidates(cart, Customer(id="v", segments=frozenset({"VIP"})))] == [
        "beans", "vip", "storewide"]


def test_every_requirement_must_be_met():
    mugs = ItemSelector(skus=frozenset({"mug"}))
    coffee = ItemSelector(categories=frozenset({"coffee"}))
    campaign = Campaign("mug-with-coffee", "Mug with coffee", Kind.PROMOTION, PercentOffItems(Decimal(50), mugs),
                        eligibility=All((LinesCondition(coffee), FactCondition("customer.segment", Op.EQ, "club"))))
    assert len(requirements(campaign)) == 3
    index = CampaignIndex([campaign])
    mug = CartLine("mug", "Mug", 1200, 1)
    beans = CartLine("beans", "Beans", 1500, 1, frozenset({"coffee"}))
    member = Customer(id="m", segments=frozenset({"club"}))
    assert index.candidates(Cart((mug,)), member) == []
    assert index.candidates(Cart((mug, beans)), Customer(id="x")) == []
    assert index.candidates(Cart((mug, beans)), member) == [campaign]


def test_public_codes_are_found_as_shoppers_type_them():
    coupon = Campaign("happy", "Happy", Kind.COUPON, AmountOffOrder(100), code="HAPPY10")
    assert CampaignIndex([coupon]).for_code(" happy10 ") is coupon
    assert CampaignIndex([coupon]).for_code("SAD10") is None


def test_customer_gates_leave_out_what_the_customer_cannot_get_whatever_the_cart():
    """Campaigns gated on orders placed or lifetime spend are found by the customer's figures
    (sorted by the minimum they ask), other gates once per condition."""
    def gated(number: int, condition: FactCondition) -> Campaign:
        return Campaign(f"g{number}", f"Gated {number}", Kind.PROMOTION, AmountOffOrder(100), eligibility=condition)

    store = [gated(n, FactCondition("customer.orders_count", Op.GTE, n)) for n in range(10)]
    store += [gated(10 + n, All((FactCondition("customer.total_spent", Op.GT, n * 1000),
                                 FactCondition("customer.country", Op.EQ, "PL")))) for n in range(5)]
    store += [gated(20, FactCondition("customer.new", Op.EQ, True))]
    index = CampaignIndex(store, hints=True)
    cart = Cart((CartLine("beans", "Beans", 1500, 1),))

    regular = Customer(id="r", orders_count=3, total_spent=2500, country="PL")
    assert [c.id for c in index.candidates(cart, regular)] == ["g0", "g1", "g2", "g3", "g10", "g11", "g12"]
    assert [c.id for c in index.candidates(cart, Customer())] == ["g0", "g20"]
