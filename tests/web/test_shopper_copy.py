"""What shoppers read (issue 13, point 7): products by name not SKU, no "applied for you" with
nothing to apply it to, coffee words only on coffee, one full stop after "Arabica & Co.", and a
capped percentage stated with its cap."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from shop.storefront.model.product_names import name_products


def visible_text(html: str) -> str:
    """The page as read: no tags, attributes, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_kettle_offer_names_the_kettle_not_its_sku(shopper):
    text = visible_text(page(shopper, "/products/GEAR-KETTLE"))

    assert "GEAR-KETTLE" not in text
    assert "$10 off Gooseneck Kettle" in text
    assert "each product from" not in text
    assert "Gooseneck Kettle only" in text


@pytest.mark.parametrize("path", ["/", "/deals", "/share/KETTLE10"])
def test_no_sku_in_offer_pages(shopper, path):
    text = visible_text(page(shopper, path))

    assert not re.search(r"\b(GEAR|ARA|BLD|DRIP|MERCH)-[A-Z0-9-]+\b", text)


def test_a_sku_inside_a_longer_token_is_left_alone():
    names = {"DRIP-V60": "V60 Dripper", "DRIP-V60-PAPER": "V60 Filter Papers"}

    assert name_products("DRIP-V60-PAPER or DRIP-V60 only", names) == "V60 Filter Papers or V60 Dripper only"
    assert name_products("XDRIP-V60", names) == "XDRIP-V60"


def test_an_auto_applied_code_is_not_applied_to_an_empty_cart(shop_app: Flask):
    shopper = shop_app.test_client()
    empty = visible_text(page(shopper, "/products/GEAR-KETTLE"))
    shopper.post("/cart/add", data={"sku": "GEAR-KETTLE", "quantity": "1"})
    filled = visible_text(page(shopper, "/products/GEAR-KETTLE"))

    assert "Code applied for you" not in empty
    assert "No code needed" in empty
    assert "Code applied for you" in filled


def test_only_coffee_is_roasted_to_order(shopper):
    assert "Roasted to order" not in visible_text(page(shopper, "/products/GEAR-KETTLE")).split("©")[0]
    assert "Roasted to order" in visible_text(page(shopper, "/products/ARA-ETH-YIRG")).split("©")[0]


def test_the_share_preview_ends_the_store_name_with_one_full_stop(shopper):
    html = page(shopper, "/share/BLCKFRDY")
    description = unescape(re.search(r'<meta property="og:description" content="([^"]*)"', html).group(1))

    assert "Use code BLCKFRDY at Arabica & Co. " in description + " "
    assert "Co.." not in description


def test_a_capped_percentage_banner_states_its_cap(shopper):
    html = page(shopper, "/deals")
    start = html.index('data-testid="deal" data-campaign="blckfrdy"')
    href = unescape(re.search(r'<a [^>]*href="([^"]+)"[^>]*data-testid="banner-download"', html[start:]).group(1))
    query = parse_qs(urlsplit(href).query)

    assert query["offer"] == ["20% OFF, UP TO $50"]
    assert "percent" not in query

