"""Product badges and the banner strip say what the shopper's cart does with an offer from the
cart's own evaluation (issue 13, point 1), not from whether the cart holds anything."""
from __future__ import annotations

import re

from flask import Flask

from tests.support.webkit import visible_text


def offer_card(html: str, campaign: str) -> str:
    start = html.index(f'data-testid="offer" data-campaign="{campaign}"')
    return visible_text(html[start:html.index("</li>", start)])


def test_an_auto_applied_code_is_applied_for_you_only_when_the_cart_applies_it(shop_app: Flask):
    shopper = shop_app.test_client()
    shopper.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})      # a cart, but no kettle

    kettle_page = shopper.get("/products/GEAR-KETTLE").get_data(as_text=True)
    assert "No code needed" in offer_card(kettle_page, "kettle-week")

    shopper.post("/cart/add", data={"sku": "GEAR-KETTLE", "quantity": "1"})
    kettle_page = shopper.get("/products/GEAR-KETTLE").get_data(as_text=True)
    assert "Code applied for you" in offer_card(kettle_page, "kettle-week")


def test_a_product_badge_says_in_your_cart_for_an_offer_the_cart_applies(shop_app: Flask):
    shopper = shop_app.test_client()
    bag_page = shopper.get("/products/ARA-ETH-YIRG").get_data(as_text=True)
    assert "In your cart" not in offer_card(bag_page, "three-bags")

    shopper.post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "3"})
    bag_page = shopper.get("/products/ARA-ETH-YIRG").get_data(as_text=True)
    assert re.search(r"In your cart", offer_card(bag_page, "three-bags"))
