"""Soft conditions: where and to whom an offer is shown, independent of eligibility."""
from __future__ import annotations

from datetime import timedelta

from promo.core.domain import Context, Customer
from promo.core.visibility import is_visible
from tests.support.formatkit import NOW, campaign_with

DORMANT = Customer(id="d", orders_count=3, last_order_at=NOW - timedelta(days=120))
RECENT = Customer(id="r", orders_count=3, last_order_at=NOW - timedelta(days=3))


def at(page=None, category=None) -> Context:
    return Context(now=NOW, page=page, category=category)


def test_without_rules_an_offer_shows_everywhere():
    assert is_visible(campaign_with(), Customer(), at("home"))
    assert is_visible(campaign_with(), Customer(), at())


def test_pages_and_categories_narrow_where_it_shows():
    arabica_pages = campaign_with(visibility={"pages": ["category", "product"], "categories": ["arabica"]})
    assert is_visible(arabica_pages, Customer(), at("category", "Arabica"))
    assert is_visible(arabica_pages, Customer(), at("product", "arabica"))
    assert not is_visible(arabica_pages, Customer(), at("category", "robusta"))
    assert not is_visible(arabica_pages, Customer(), at("home"))


def test_an_audience_shows_a_product_page_offer_only_to_dormant_customers():
    comeback = campaign_with(visibility={"pages": ["product"], "audience": {"fact": "customer.dormant_days", "gte": 90}})
    assert is_visible(comeback, DORMANT, at("product"))
    assert not is_visible(comeback, RECENT, at("product"))
    assert not is_visible(comeback, Customer(), at("product"))  # guests have no last order


def test_unlisted_offers_are_never_shown_but_still_parse_with_eligibility():
    hidden = campaign_with(visibility={"listed": False}, eligibility={"fact": "customer.new", "is": True})
    assert not is_visible(hidden, Customer(), at("deals"))
    assert hidden.eligibility is not None


def test_visibility_does_not_decide_eligibility():
    # Eligible for everyone, shown only on the cart page: elsewhere hidden, yet the rule set is unchanged.
    cart_only = campaign_with(visibility={"pages": ["cart"]})
    assert not is_visible(cart_only, DORMANT, at("home")) and cart_only.eligibility is None
