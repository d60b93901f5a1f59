"""The cart fragment htmx swaps in on every line change stays small: one form (and one CSRF
token) per line, compressed on the wire for clients that accept it, and rendered from its own
data without the layout's database reads."""
from __future__ import annotations

import gzip
import re

import brotli
import pytest
from flask import request

from shop.web.extensions import promo_engine
from tests.support.webkit import htmx

LINES = 20
GOAL_BYTES = 8_000


@pytest.fixture
def twenty_lines(shopper):
    skus = [product.sku for product in promo_engine(shopper.application).list_products()][:LINES]
    for sku in skus:
        assert shopper.post("/cart/add", data={"sku": sku, "quantity": "1"}).status_code == 303
    return skus


def update(client, sku: str, encoding: str | None = None):
    headers = htmx()
    if encoding is not None:
        headers["Accept-Encoding"] = encoding
    return client.post("/cart/update", data={"sku": sku, "quantity": "2"}, headers=headers)


def test_each_cart_line_is_one_form_with_one_csrf_token(shopper, twenty_lines):
    html = update(shopper, twenty_lines[0]).get_data(as_text=True)

    lines = re.findall(r'<tr class="cart-line[^"]*" data-testid="cart-line" data-sku="([^"]+)"', html)
    assert len(lines) == len(twenty_lines)
    # One form per line, plus the code panel's own.
    assert html.count("<form") == len(lines) + 1
    assert html.count('name="csrf_token"') == len(lines) + 1
    row = html[html.index(f'data-sku="{twenty_lines[0]}"'):]
    row = row[:row.index("</tr>")]
    assert row.count("<form") == 1
    assert 'name="step" value="-1"' in row and 'name="step" value="1"' in row
    assert re.search(r'formaction="/cart/remove" hx-post="/cart/remove"', row)


def test_a_stepper_button_and_remove_post_what_they_say(shopper, twenty_lines):
    sku = twenty_lines[1]
    # As the one form posts them: the quantity field goes along with the button pressed.
    stepped = shopper.post("/cart/update", data={"sku": sku, "quantity": "1", "step": "1"}, headers=htmx())
    assert stepped.status_code == 200
    assert re.search(rf'id="qty-{sku}"[^>]*value="2"', stepped.get_data(as_text=True))

    removed = shopper.post("/cart/remove", data={"sku": sku, "quantity": "2"}, headers=htmx())
    assert removed.status_code == 200
    assert f'data-sku="{sku}"' not in removed.get_data(as_text=True)


@pytest.mark.parametrize("encoding, decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_the_twenty_line_fragment_is_compressed_under_8_kb(shopper, twenty_lines, encoding, decode):
    plain = update(shopper, twenty_lines[0]).get_data()
    response = update(shopper, twenty_lines[0], f"{encoding}, identity")

    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"] and "HX-Request" in response.headers["Vary"]
    assert len(response.get_data()) <= GOAL_BYTES < len(plain)
    unpacked = decode(response.get_data())
    # The same fragment (its CSRF tokens carry a timestamp, so compare all but their bytes).
    assert len(unpacked) == len(plain) and unpacked.lstrip().startswith(b'<div id="cart-items"')


def test_a_client_that_accepts_no_compression_gets_plain_html(shopper, twenty_lines):
    response = update(shopper, twenty_lines[0])

    assert "Content-Encoding" not in response.headers
    assert response.get_data(as_text=True).lstrip().startswith('<div id="cart-items"')


def test_htmx_fragments_skip_the_layouts_database_reads(fresh_shop):
    app = fresh_shop()
    client = app.test_client()
    ran: list[str] = []

    def layout_context() -> dict:
        ran.append(request.path)
        return {}

    app.template_context_processors[None].append(layout_context)
    assert client.post("/cart/add", data={"sku": "MERCH-MUG", "quantity": "1"}).status_code == 303
    assert update(client, "MERCH-MUG").status_code == 200
    assert ran == []
    assert client.get("/cart").status_code == 200
    assert ran == ["/cart"]
