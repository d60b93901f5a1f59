"""The visibility index leaves out only offers that are not shown: on generated stores, shoppers
and pages, VisibilityIndex.shown is exactly is_visible applied to every campaign, in order."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promo.core.campaign import Campaign, Kind, Visibility
from promo.core.conditions import All, Any, FactCondition, Not, Op
from promo.core.domain import Context, Customer
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.visibility import VisibilityIndex, is_visible
from promo.format.definition import PAGES

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
CATEGORIES = ("coffee", "gear")
SEGMENTS = ("vip", "club", "Staff")
AUDIENCES = (
    FactCondition("customer.segment", Op.EQ, "vip"),
    FactCondition("customer.segment", Op.EQ, "staff"),   # segments match whatever their case
    FactCondition("customer.segment", Op.IN, frozenset({"vip", "club"})),
    All((FactCondition("customer.segment", Op.EQ, "club"), FactCondition("customer.orders_count", Op.GTE, 1))),
    Any((FactCondition("customer.segment", Op.EQ, "vip"), FactCondition("customer.new", Op.EQ, True))),
    Not(FactCondition("customer.segment", Op.EQ, "vip")),
    FactCondition("customer.orders_count", Op.EQ, 0),
)


# The strategies are built once, here, not on every draw: building and validating them anew for
# each draw took most of this test's CPU. What they generate is the same.
VISIBLE_PAGES = st.sets(st.sampled_from(PAGES), max_size=2)
VISIBLE_CATEGORIES = st.sets(st.sampled_from(CATEGORIES), max_size=1)
AUDIENCE = st.none() | st.sampled_from(AUDIENCES)
BOOLEANS = st.booleans()
STORE_SIZE = st.integers(0, 15)
SHOPPER_SEGMENTS = st.sets(st.sampled_from(SEGMENTS))
ORDERS_COUNT = st.integers(0, 2)


@st.composite
def campaigns(draw, number: int) -> Campaign:
    visibility = Visibility(
        pages=frozenset(draw(VISIBLE_PAGES)),
        categories=frozenset(draw(VISIBLE_CATEGORIES)),
        audience=draw(AUDIENCE),
        listed=draw(BOOLEANS),
    )
    return Campaign(id=f"c{number}", name=f"Campaign {number}", kind=Kind.PROMOTION, effect=AmountOffOrder(100),
                    visibility=visibility)


@st.composite
def stores(draw) -> list[Campaign]:
    return [draw(campaigns(number)) for number in range(draw(STORE_SIZE))]


@st.composite
def shoppers(draw) -> Customer:
    if draw(BOOLEANS):
        return Customer()
    return Customer(id="c-1", segments=frozenset(draw(SHOPPER_SEGMENTS)), orders_count=draw(ORDERS_COUNT))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(stores(), shoppers(), st.none() | st.sampled_from(PAGES + ("HOME",)), st.none() | st.sampled_from(CATEGORIES))
def test_shown_is_is_visible_on_every_campaign(store, customer, page, category):
    context = Context(now=NOW, page=page, category=category)
    assert VisibilityIndex(store).shown(customer, context) == [c for c in store if is_visible(c, customer, context)]


def test_unlisted_other_pages_and_other_audiences_are_left_out():
    def campaign(name: str, **rules) -> Campaign:
        return Campaign(id=name, name=name, kind=Kind.PROMOTION, effect=AmountOffOrder(100),
                        visibility=Visibility(**rules))

    store = [
        campaign("everywhere"),
        campaign("hidden", listed=False),
        campaign("cart-only", pages=frozenset({"cart"})),
        campaign("vip-only", audience=FactCondition("customer.segment", Op.EQ, "vip")),
        campaign("home-only", pages=frozenset({"home"})),
    ]
    index = VisibilityIndex(store)
    home = Context(now=NOW, page="home")
    vip = Customer(id="v", segments=frozenset({"VIP"}))

    assert [c.id for c in index.shown(Customer(), home)] == ["everywhere", "home-only"]
    assert [c.id for c in index.shown(vip, home)] == ["everywhere", "vip-only", "home-only"]
    assert [c.id for c in index.shown(vip, Context(now=NOW, page="cart"))] == ["everywhere", "cart-only", "vip-only"]
