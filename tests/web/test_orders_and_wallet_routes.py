"""Orders and the wallet belong to one customer: cancelling rolls back, savings add up."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from shop.web.extensions import promo_engine
from tests.support.webkit import STORE_NOW, as_persona, htmx, visible_text


def buy(client, sku: str, *codes: str) -> int:
    client.post("/cart/add", data={"sku": sku, "quantity": "1"})
    for code in codes:
        client.post("/cart/codes", data={"code": code})
    page = client.get("/checkout").get_data(as_text=True)
    token = re.search(r'name="checkout_token" value="(\w+)"', page).group(1)
    response = client.post("/checkout", data={"name": "Ada", "email": "ada@example.com", "checkout_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def app(fresh_shop):
    return fresh_shop()


def test_cancelling_rolls_the_redemption_back_once(app):
    client = app.test_client()
    as_persona(client, "vip")
    order = buy(client, "GIFT-L", "HAPPY10")

    first = client.post(f"/orders/{order}/cancel", headers=htmx(target=f"order-{order}"))
    again = client.post(f"/orders/{order}/cancel")

    assert first.status_code == 200
    assert 'data-status="cancelled"' in first.get_data(as_text=True)
    assert "You can use HAPPY10 again." in first.headers["HX-Trigger"]
    assert again.status_code == 303
    result = promo_engine(app).get_redemption(order)
    assert result.order.status == "cancelled"
    assert all(item.status == "rolled_back" for item in result.items)


def test_the_details_page_of_a_cancelled_order_says_so(app):
    client = app.test_client()
    as_persona(client, "vip")
    order = buy(client, "GIFT-M", "HAPPY10")
    assert "Your order is placed" in visible_text(client.get(f"/checkout/confirmation/{order}").get_data(as_text=True))

    client.post(f"/orders/{order}/cancel")

    page = visible_text(client.get(f"/checkout/confirmation/{order}").get_data(as_text=True))
    assert "Your order is placed" not in page
    assert "Placed Nov 25, 2026 · Cancelled" in page
    assert "HAPPY10 Happy 10 (given back) −$5.00" in page


def test_nobody_else_can_cancel_an_order(app):
    owner, other = app.test_client(), app.test_client()
    as_persona(owner, "vip")
    as_persona(other, "dormant")
    order = buy(owner, "GIFT-S")

    assert other.post(f"/orders/{order}/cancel").status_code == 404
    assert app.test_client().post(f"/orders/{order}/cancel").status_code == 404
    assert promo_engine(app).get_redemption(order).order.status == "placed"


def test_order_history_lists_only_the_shoppers_own_orders(app):
    vip, guest = app.test_client(), app.test_client()
    as_persona(vip, "new")            # the VIP's history holds the orders the pack seeds
    buy(vip, "GIFT-S")
    buy(guest, "GIFT-M")

    vip_page = vip.get("/orders").get_data(as_text=True)
    guest_page = guest.get("/orders").get_data(as_text=True)

    assert vip_page.count('data-testid="order"') == 1 and "$30.95" in vip_page        # 25.00 + 5.95
    assert guest_page.count('data-testid="order"') == 1 and "$50.00" in guest_page    # ships free
    assert 'data-testid="orders-empty"' in app.test_client().get("/orders").get_data(as_text=True)


def test_the_wallet_is_the_customers_own(app):
    guest = app.test_client().get("/wallet").get_data(as_text=True)
    assert 'data-testid="wallet-guest"' in guest and "SORRY-" not in guest

    vip, birthday = app.test_client(), app.test_client()
    as_persona(vip, "vip")
    as_persona(birthday, "birthday")
    vip_page = vip.get("/wallet").get_data(as_text=True)
    birthday_page = birthday.get("/wallet").get_data(as_text=True)

    assert "SORRY-" in vip_page and "BDAY-" not in vip_page
    assert "BDAY-" in birthday_page and "SORRY-" not in birthday_page


def test_saved_this_year_counts_placed_orders_only(app):
    client = app.test_client()
    as_persona(client, "new")         # the VIP's savings count the orders the pack seeds
    kept = buy(client, "GIFT-M", "HAPPY10")           # saves $5.00 (shipping is free anyway at $50)
    cancelled = buy(client, "GIFT-L", "HAPPY10")      # would save $10.00
    client.post(f"/orders/{cancelled}/cancel")

    page = client.get("/wallet").get_data(as_text=True)

    assert re.search(r'data-testid="saved-this-year">You saved <strong>\$5\.00</strong> in 2026', page)
    assert page.count('data-testid="history-entry"') == 1
    assert kept


def test_offers_ending_within_two_weeks_show_their_last_day(app):
    engine = promo_engine(app)
    last_day = (STORE_NOW + timedelta(days=5)).date()
    engine.create_campaign({
        "id": "week-sale", "name": "Week sale", "kind": "promotion",
        "active": {"until": last_day.isoformat()}, "effect": {"type": "percent_off_order", "percent": 5},
        "eligibility": {"fact": "cart.subtotal", "gte": 3000},
    })
    engine.create_campaign({
        "id": "three-weeks-sale", "name": "Three weeks sale", "kind": "promotion",
        "active": {"until": (STORE_NOW + timedelta(days=21)).date().isoformat()},
        "effect": {"type": "percent_off_order", "percent": 4}, "eligibility": {"fact": "cart.subtotal", "gte": 3000},
    })
    client = app.test_client()
    as_persona(client, "vip")
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})        # $14: both sales are near

    page = client.get("/wallet").get_data(as_text=True)

    assert re.search(r"Last day Nov 30, 2026 5% off Week sale Add \$16 more", _offer_text(page, "week-sale"))
    # The pack's Black Friday ends 5 days after the store's day too (active: {until: today+5}).
    assert "Last day Nov 30, 2026" in _offer_text(page, "blckfrdy")
    # The same offer ending in three weeks has no such mark: only the end tells them apart.
    assert "Last day" not in _offer_text(page, "three-weeks-sale")
    assert "2 offers end within two weeks." in visible_text(page)


def _offer_text(page: str, campaign: str) -> str:
    """The words of the wallet's card for one campaign (each offer has one card)."""
    cards = re.findall(rf'data-testid="wallet-offer" data-campaign="{campaign}"', page)
    assert len(cards) == 1, f"{campaign} has {len(cards)} cards"
    start = page.index(f'data-testid="wallet-offer" data-campaign="{campaign}"')
    return visible_text(page[start:page.index("\n</li>", start)])


def test_the_birthday_code_states_its_own_end_and_is_marked_expired_after_it(app):
    client = app.test_client()
    as_persona(client, "birthday")

    page = client.get("/wallet").get_data(as_text=True)

    birthday = _offer_text(page, "birthday")
    assert "Expires Dec 2, 2026" in birthday        # published Nov 25, valid 7 days
    assert re.search(r"Last day Dec 2, 2026 50% off items priced up to \$50 Happy birthday BDAY-\w{6}", birthday)

    promo_engine(app).clock = lambda: STORE_NOW + timedelta(days=8)
    page = client.get("/wallet").get_data(as_text=True)

    birthday = _offer_text(page, "birthday")
    assert "Expired" in birthday and "This code expired on Dec 2, 2026." in birthday
    assert "Apply to cart" not in birthday and "Copy code" not in birthday
    assert "Last day" not in birthday
