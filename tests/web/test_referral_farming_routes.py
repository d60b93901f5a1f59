"""Referral farming through the storefront, on SQLite and PostgreSQL: a friend signs up, orders
with the advocate's link, the advocate spends the reward at once, the friend cancels the order
from their order history, and tries again. The advocate gets one reward in all, and their
wallet says it was taken back and that their next referral repays it."""
from __future__ import annotations

import re

import pytest

from shop.web.extensions import promo_engine
from tests.support.webkit import DATABASES, app_on, as_persona, seeded, visible_text

ROUNDS = 3
CONFIRMATION = re.compile(r"/checkout/confirmation/(\d+)$")


@pytest.fixture(params=DATABASES)
def shop(request, make_app, tmp_path):
    with app_on(request.param, make_app, tmp_path, DEMO_MODE=True) as app:
        yield seeded(app)


def post_checkout(client):
    page = client.get("/checkout").get_data(as_text=True)
    token = re.search(r'name="checkout_token" value="(\w+)"', page).group(1)
    return client.post("/checkout", data={"name": "Bo", "email": "bo@example.com", "checkout_token": token})


def checkout(client) -> int:
    """Place the cart's order; returns its redemption id (from the confirmation's address)."""
    response = post_checkout(client)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return int(CONFIRMATION.search(response.headers["Location"]).group(1))


def advocate_code(advocate) -> str:
    assert advocate.post("/wallet/referral-code").status_code == 303
    return re.search(r'data-testid="referral-code">(FRIEND-\w+)', advocate.get("/wallet").get_data(as_text=True)).group(1)


def available_rewards(advocate) -> list[str]:
    wallet = advocate.get("/wallet").get_data(as_text=True)
    return re.findall(r'data-testid="referral-reward" data-code="(RWD-\w+)" data-status="available"', wallet)


@pytest.mark.slow
def test_ordering_and_cancelling_again_and_again_earns_the_advocate_one_reward(shop):
    advocate, friend = shop.test_client(), shop.test_client()
    as_persona(advocate, "vip")
    code = advocate_code(advocate)
    assert friend.post("/register", data={"name": "Bo Friend", "email": "bo.friend@example.com",
                                          "password": "a good long password"}).status_code == 303
    engine = promo_engine(shop)
    advocate_saved = 0

    for round_number in range(ROUNDS):
        friend.get(f"/r/{code}")
        friend.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "3"})
        if round_number > 0:
            assert "already been referred" in visible_text(friend.get("/cart").get_data(as_text=True))
            refused = post_checkout(friend)
            assert refused.status_code == 422 and "already been referred" in visible_text(refused.get_data(as_text=True))
            friend.post("/cart/codes/remove", data={"code": code})         # so they order without it
        order_id = checkout(friend)
        referred = [item.code for item in engine.get_redemption(order_id).items if item.code == code]
        assert referred == ([code] if round_number == 0 else [])     # the discount only the first time
        for reward in available_rewards(advocate):                   # the advocate spends at once
            advocate.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "2"})
            advocate.post("/cart/codes", data={"code": reward})
            advocate_saved += sum(item.discount for item in engine.get_redemption(checkout(advocate)).items
                                  if item.code == reward)
        assert friend.post(f"/orders/{order_id}/cancel").status_code == 303

    assert advocate_saved == 1000
    wallet = advocate.get("/wallet").get_data(as_text=True)
    assert re.findall(r'data-testid="referral-reward" data-code="RWD-\w+" data-status="(\w+)"', wallet) == ["reclaimed"]
    text = visible_text(wallet)
    assert "Converted 0 Rewards earned 0" in text
    assert "taken back: used, then your friend's order was cancelled" in text
    assert "Your next 1 referral earns no reward" in text
