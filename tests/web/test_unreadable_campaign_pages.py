"""A campaign whose stored definition no longer parses does not take the store down: the cart,
checkout, the wallet and the deals page price and list every other campaign."""
from __future__ import annotations

import re

import pytest

from shop.web.extensions import db, promo_engine
from tests.support.definitionkit import store_unreadable
from tests.support.webkit import as_persona, new_redemptions, visible_text

# An automatic promotion, a listed public code, a code in the VIP's wallet, the points programme.
UNREADABLE = ("three-bags", "happy10", "sorry", "beans-club")


@pytest.fixture
def app(fresh_shop):
    app = fresh_shop()
    with app.app_context():
        for campaign_id in UNREADABLE:
            store_unreadable(db.engine, campaign_id)
    return app


@pytest.fixture
def vip(app):
    client = app.test_client()
    as_persona(client, "vip")
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "4"})   # 4 coffee bags, $56.00
    return client


def test_the_cart_prices_the_other_campaigns_and_refuses_the_broken_code(vip):
    entered = vip.post("/cart/codes", data={"code": "HAPPY10"}, follow_redirects=True)
    cart = visible_text(vip.get("/cart").get_data(as_text=True))

    assert entered.status_code == 200
    # Said once, next to the code (not again in a flash message above the cart).
    assert visible_text(entered.get_data(as_text=True)).count("This offer can't be used right now.") == 1
    assert "HAPPY10 This offer can't be used right now." in cart
    assert "Free shipping over $50 −$5.95" in cart      # another promotion still applies
    assert "Total $56.00" in cart                       # no bag free: three-bags is out
    assert "Three bags" not in cart


def test_checkout_places_the_order_with_the_other_campaigns(app, vip):
    page = vip.get("/checkout")
    token = re.search(r'name="checkout_token" value="(\w+)"', page.get_data(as_text=True)).group(1)

    placed = vip.post("/checkout", data={"name": "Vic", "email": "vic@example.com", "checkout_token": token})

    assert page.status_code == 200
    assert placed.status_code == 303
    [result] = new_redemptions(app)
    assert [item.campaign_id for item in result.items] == ["free-shipping"]
    assert result.order.total == 5600
    assert promo_engine(app).points_accounts("vip") == []     # the unreadable programme earns nothing


def test_the_wallet_and_the_deals_page_list_the_rest(vip):
    wallet = vip.get("/wallet")
    deals = vip.get("/deals")
    home = vip.get("/")

    assert wallet.status_code == deals.status_code == home.status_code == 200
    wallet_text, deals_text = visible_text(wallet.get_data(as_text=True)), visible_text(deals.get_data(as_text=True))
    assert "Black Friday" in wallet_text and "Sorry about that" not in wallet_text
    assert "Black Friday" in deals_text and "Happy 10" not in deals_text
