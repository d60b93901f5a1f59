"""Referral links, the wallet's referral and balances sections, and gift cards in the cart, over HTTP."""
from __future__ import annotations

import re

import pytest

from shop.web.extensions import promo_engine
from tests.support.webkit import as_persona, htmx, session_cart, visible_text


def checkout(client) -> str:
    page = client.get("/checkout").get_data(as_text=True)
    token = re.search(r'name="checkout_token" value="(\w+)"', page).group(1)
    response = client.post("/checkout", data={"name": "Ada", "email": "ada@example.com", "checkout_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


@pytest.fixture
def app(fresh_shop):
    return fresh_shop()


@pytest.fixture
def client(app):
    return app.test_client()


def vip_referral_code(app) -> str:
    return promo_engine(app).referral_code_for("vip").code


def test_a_referral_link_puts_the_code_in_a_new_visitors_cart(app, client):
    code = vip_referral_code(app)

    response = client.get(f"/r/{code}")

    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert session_cart(client)["codes"] == [code]
    assert "A friend invited you" in visible_text(client.get("/").get_data(as_text=True))


def test_the_advocate_opening_their_own_link_keeps_it_out_of_their_cart(app, client):
    code = vip_referral_code(app)
    as_persona(client, "vip")

    client.get(f"/r/{code}")

    assert session_cart(client).get("codes", []) == []
    assert "your own referral link" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("code", ["NOPE-123", "HAPPY10"])
def test_unknown_codes_and_codes_that_are_no_referral_have_no_link(client, code):
    response = client.get(f"/r/{code}")

    assert response.status_code == 404
    assert session_cart(client) == {}


def test_a_referred_friend_saves_and_the_advocate_sees_the_reward_in_their_wallet(app, client):
    code = vip_referral_code(app)
    as_persona(client, "referred")
    client.get(f"/r/{code}")
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "3"})

    checkout(client)

    [order] = promo_engine(app).list_redemptions(customer_id="referred-friend")
    assert [item.code for item in order.items if item.code] == [code] and order.order.discount >= 1000
    as_persona(client, "vip")
    wallet = client.get("/wallet").get_data(as_text=True)
    text = visible_text(wallet)
    assert 'data-testid="referral-code">' + code in wallet
    assert "Invited 1 Converted 1 Rewards earned 1" in text
    assert re.search(r'data-testid="referral-reward" data-code="RWD-\w+" data-status="available"', wallet)
    assert f"/r/{code}" in wallet


def test_a_customer_without_a_code_gets_one_from_the_wallet(client):
    as_persona(client, "new")
    assert 'data-testid="get-referral-code"' in client.get("/wallet").get_data(as_text=True)

    response = client.post("/wallet/referral-code")
    again = client.post("/wallet/referral-code")

    assert response.status_code == again.status_code == 303
    wallet = client.get("/wallet").get_data(as_text=True)
    assert len(set(re.findall(r'data-testid="referral-code">(FRIEND-\w+)', wallet))) == 1


def test_gift_card_lines_show_what_each_card_pays_and_what_is_left(app, client):
    card = promo_engine(app).customer_gift_cards("vip")[0].code
    as_persona(client, "vip")
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})

    client.post("/cart/codes", data={"code": card})
    page = client.get("/cart").get_data(as_text=True)

    assert f'data-testid="gift-card-payment" data-code="{card}"' in page
    assert re.search(r'data-testid="amount-due">\$0\.00<', page)
    assert "stays on the card" in visible_text(page)
    confirmation = client.get(checkout(client)).get_data(as_text=True)
    assert f'data-testid="order-gift-card" data-code="{card}">$19.95<' in confirmation
    assert "You earned <strong>14</strong> Beans club points with this order." in confirmation
    assert re.search(r'data-testid="order-amount-due">\$0\.00<', confirmation)
    balance = promo_engine(app).gift_card_balance(card)
    assert balance.balance < 5000 and balance.entries[0].kind == "redemption"
    wallet = client.get("/wallet").get_data(as_text=True)
    assert 'data-testid="gift-card-entry" data-kind="redemption"' in wallet
    assert 'data-testid="gift-card-entry" data-kind="issue"' in wallet and "Card issued" in visible_text(wallet)
    assert sum(entry.amount for entry in promo_engine(app).gift_card_balance(card).entries) == balance.balance


def test_points_earned_at_checkout_are_redeemed_in_place_with_htmx(app, client):
    as_persona(client, "vip")
    client.post("/cart/add", data={"sku": "GIFT-L", "quantity": "6"})   # $600: 600 points
    checkout(client)
    wallet = client.get("/wallet").get_data(as_text=True)
    points = int(re.search(r'data-testid="points-balance">([\d,]+)<', wallet).group(1).replace(",", ""))
    assert points >= 500
    key = re.search(r'name="spend_key" value="([\w-]+)"', wallet).group(1)

    response = client.post("/wallet/points/beans-club/1", data={"spend_key": key}, headers=htmx("wallet-balances-section"))
    replay = client.post("/wallet/points/beans-club/1", data={"spend_key": key}, headers=htmx("wallet-balances-section"))

    assert response.status_code == 200 and "toast" in response.headers["HX-Trigger"]
    assert f'data-testid="points-balance">{points - 500:,}<' in response.get_data(as_text=True)
    assert f'data-testid="points-balance">{points - 500:,}<' in replay.get_data(as_text=True)   # spent once
    codes = [c.code for c in promo_engine(app).customer_codes("vip") if c.code.startswith("RWD-")]
    assert len(codes) == 1


def test_a_negative_points_balance_reads_as_a_debt_repaid_by_future_orders(app, client):
    engine = promo_engine(app)
    as_persona(client, "vip")
    before = engine.points_account("vip", "beans-club").points
    client.post("/cart/add", data={"sku": "GIFT-L", "quantity": "6"})   # $600: 600 points
    checkout(client)
    order = engine.list_redemptions(customer_id="vip")[0]
    engine.spend_points("vip", "beans-club", 1)                          # 500 of them spent
    engine.rollback(order.id, reason="cancelled")                       # all 600 taken back

    wallet = client.get("/wallet").get_data(as_text=True)

    owed = engine.points_account("vip", "beans-club").points
    assert owed == before - 500 < 0
    assert f'data-testid="points-balance">{owed:,}<' in wallet           # e.g. -500
    assert "Your next orders' points repay them first." in visible_text(wallet)
    assert 'data-testid="points-entry" data-kind="reverse"' in wallet
    assert f"Need {500 - owed:,} more" in visible_text(wallet)


def test_a_spend_above_the_balance_is_refused_without_javascript_too(client):
    as_persona(client, "new")

    response = client.post("/wallet/points/beans-club/1", data={"spend_key": "k"})

    assert response.status_code == 303
    assert "Not enough points" in client.get("/wallet").get_data(as_text=True)


def test_guests_cannot_spend_points_or_publish_codes(client):
    assert client.post("/wallet/points/beans-club/1").status_code == 403
    assert client.post("/wallet/referral-code").status_code == 403
