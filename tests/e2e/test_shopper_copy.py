"""Issue 13 point 7, as a shopper reads the pages: products by name, never by SKU; no coffee
wording on a kettle; a capped percentage states its cap; a share preview without a double
full stop. (No "Code applied for you" on an empty cart: tests/e2e/test_cart.py; no stray "•"
before restrictions: tests/e2e/test_phones_and_console.py.)"""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from shop.web.extensions import promo_engine
from tests.support.cartkit import add_to_cart, open_cart

pytestmark = pytest.mark.e2e


def test_the_kettle_page_names_the_kettle_and_promises_no_roasting(page, store, store_app):
    page.goto(store + "/products/GEAR-KETTLE")

    kettle_week = page.locator("[data-testid=offer][data-campaign=kettle-week]")
    expect(kettle_week).to_contain_text("$10 off Gooseneck Kettle")
    expect(kettle_week).to_contain_text("Gooseneck Kettle only")
    expect(page.get_by_role("main")).to_contain_text("Ships within 2 days")
    expect(page.get_by_role("main")).not_to_contain_text("Roasted to order")
    assert_no_sku(page, store_app)


@pytest.mark.parametrize("path", ["/", "/deals", "/shop/brewing-gear", "/share/KETTLE10", "/share/offer/tote-with-gear"])
def test_offer_pages_name_products_not_skus(page, store, store_app, path):
    page.goto(store + path)

    assert_no_sku(page, store_app)


def test_the_cart_and_wallet_name_products_not_skus(page, store, store_app, switch_persona):
    switch_persona(page, "vip")
    add_to_cart(page, store, "GEAR-KETTLE")
    add_to_cart(page, store, "ARA-ETH-YIRG", 2)
    open_cart(page, store)
    assert_no_sku(page, store_app)

    page.goto(store + "/wallet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Victor's wallet")
    assert_no_sku(page, store_app)


def test_a_capped_percentage_states_its_cap_on_the_deal_and_its_banner(page, store):
    page.goto(store + "/deals")

    black_friday = page.get_by_test_id("deal").filter(has=page.get_by_text("Black Friday", exact=True))
    expect(black_friday).to_contain_text("20% off, up to $50")
    thumbnail = black_friday.get_by_role("img", name="Black Friday banner")
    assert parse_qs(urlsplit(thumbnail.get_attribute("src")).query)["offer"] == ["20% OFF, UP TO $50"]


@pytest.mark.parametrize("path", ["/share/BLCKFRDY", "/share/offer/free-shipping"])
def test_share_previews_end_each_sentence_with_one_full_stop(page, store, path):
    page.goto(store + path)

    for key in ('meta[name="description"]', 'meta[property="og:description"]', 'meta[name="twitter:description"]'):
        preview = page.locator(key).get_attribute("content")
        assert "Arabica & Co. " in preview or preview.endswith("Arabica & Co."), preview
        assert ".." not in preview and not re.search(r"[^.!?]$", preview), preview


def assert_no_sku(page, store_app) -> None:
    """The visible text of the page's main part names no catalogue SKU."""
    skus = [product.sku for product in promo_engine(store_app).list_products()]
    text = page.get_by_role("main").inner_text()
    assert [sku for sku in skus if sku in text] == []
