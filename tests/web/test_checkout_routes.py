"""Placing orders over HTTP: one redemption per checkout form, whatever the clicks and retries."""
from __future__ import annotations

import re

import pytest

from tests.support.webkit import as_persona, htmx, new_redemptions, session_cart


def checkout_token(client) -> str:
    page = client.get("/checkout").get_data(as_text=True)
    return re.search(r'name="checkout_token" value="(\w+)"', page).group(1)


def place(client, token: str, **headers):
    return client.post("/checkout", data={"name": "Ada", "email": "ada@example.com", "checkout_token": token},
                       headers=headers)


@pytest.fixture
def app(fresh_shop):
    return fresh_shop()


@pytest.fixture
def client(app):
    return app.test_client()


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client):
    response = client.get("/checkout")

    assert response.status_code == 303
    assert response.headers["Location"] == "/cart"


def test_the_same_checkout_form_posted_twice_places_one_order(app, client):
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "2"})
    client.post("/cart/codes", data={"code": "HAPPY10"})
    token = checkout_token(client)
    with client.session_transaction() as before:
        stale_cookie_session = dict(before)

    first = place(client, token)
    # The second click left the browser before the first answer came back: same cookie, same cart.
    with client.session_transaction() as session:
        session.clear()
        session.update(stale_cookie_session)
    second = place(client, token)
    third = place(client, token)      # and a reload after the cart was emptied

    assert first.status_code == second.status_code == third.status_code == 303
    assert first.headers["Location"] == second.headers["Location"] == third.headers["Location"]
    redemptions = new_redemptions(app)
    assert len(redemptions) == 1
    assert redemptions[0].order.discount == 280        # 10% of $28.00
    assert redemptions[0].items[0].code == "HAPPY10"


def test_an_htmx_submit_leaves_checkout_with_hx_redirect(client):
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})

    response = place(client, checkout_token(client), **htmx(target="checkout-body"))

    assert response.status_code == 200
    assert re.fullmatch(r"/checkout/confirmation/\d+", response.headers["HX-Redirect"])
    assert session_cart(client)["items"] == []


def test_a_stale_form_is_not_placed(app, client):
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})
    checkout_token(client)

    response = place(client, "0" * 32)

    assert response.status_code == 409
    assert "Your checkout was out of date" in response.get_data(as_text=True)
    assert new_redemptions(app) == []


@pytest.mark.parametrize("name, email, message", [
    ("", "ada@example.com", "Enter your name."),
    ("Ada", "", "Enter your email address."),
    ("Ada", "ada at example", "Enter an email address like name@example.com."),
    ("A" * 121, "ada@example.com", "Use at most 120 characters."),
])
def test_contact_details_are_checked(app, client, name, email, message):
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})

    response = client.post("/checkout", data={"name": name, "email": email, "checkout_token": checkout_token(client)})

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert new_redemptions(app) == []


def test_a_refused_code_brings_the_shopper_back_with_the_reason_and_nothing_recorded(app, client):
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})
    client.post("/cart/codes", data={"code": "BLCKFRDY"})    # a guest's: kept, with its reason, but refused at redeem

    response = place(client, checkout_token(client))

    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 422
    assert "We couldn't place your order with these offers, and nothing was charged." in html
    assert "Sign in to use this offer." in html
    assert new_redemptions(app) == []
    assert session_cart(client)["items"] == [["BLD-HOUSE", 1]]


def test_a_code_the_page_said_the_order_goes_without_is_left_out_and_the_order_placed(app, client):
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})
    client.post("/cart/codes", data={"code": "BLCKFRDY"})      # guests can't use it
    client.post("/cart/codes", data={"code": "HAPPY10"})
    page = client.get("/checkout").get_data(as_text=True)
    assert "Your order will be placed without BLCKFRDY." in page
    token = re.search(r'name="checkout_token" value="(\w+)"', page).group(1)

    response = client.post("/checkout", data={"name": "Ada", "email": "ada@example.com", "checkout_token": token,
                                              "without": "BLCKFRDY"})

    assert response.status_code == 303
    [redemption] = new_redemptions(app)
    assert [item.code for item in redemption.items] == ["HAPPY10"]
    assert redemption.order.total == 1855


def test_the_checkout_code_field_answers_htmx_with_the_summary_out_of_band(client):
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})

    response = client.post("/checkout/codes", data={"code": "HAPPY10"}, headers=htmx(target="checkout-codes"))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="checkout-codes"')
    assert '<span id="place-order-total" hx-swap-oob="true">$18.55</span>' in html   # 14.00 - 1.40 + 5.95
    unknown = client.post("/checkout/codes", data={"code": "NOPE"}, headers=htmx(target="checkout-codes"))
    assert unknown.status_code == 422
    assert session_cart(client)["codes"] == ["HAPPY10"]


def test_the_confirmation_is_only_for_whoever_placed_the_order(app, client):
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})
    confirmation = place(client, checkout_token(client)).headers["Location"]

    assert client.get(confirmation).status_code == 200
    assert app.test_client().get(confirmation).status_code == 404
    customer = app.test_client()
    as_persona(customer, "vip")
    assert customer.get(confirmation).status_code == 404
    assert app.test_client().get("/checkout/confirmation/99999").status_code == 404
