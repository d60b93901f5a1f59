"""Point 12 of issue 13 as a shopper meets it: a condition on one line's quantity. "Three of one
coffee, $5 off" applies when one bag's line reaches 3, not for three different bags; the cart
says how many more of the same bag it needs, and pressing + on that line brings the discount
and the new total."""
import pytest
from playwright.sync_api import expect

from shop.web.extensions import promo_engine
from tests.support.cartkit import add_to_cart, open_cart, total

pytestmark = pytest.mark.e2e

STOCK_UP = {
    "id": "stock-up", "name": "Three of one coffee", "kind": "promotion",
    "description": "Take three bags of the same coffee and save $5.",
    "eligibility": {"fact": "cart.line_quantity", "items": {"categories": ["arabica"]}, "gte": 3},
    "effect": {"type": "amount_off_order", "amount": 500},
}


@pytest.fixture(scope="module")
def shop(make_app, seed_store, make_live_server) -> str:
    app = make_app(WTF_CSRF_ENABLED=True, DEMO_MODE=True)
    seed_store(app)
    promo_engine(app).create_campaign(STOCK_UP)
    return make_live_server(app)


def applied(page):
    return page.locator("[data-testid=applied-offer][data-campaign=stock-up]")


def test_three_different_bags_are_not_three_of_one(page, shop):
    page.goto(shop + "/deals")
    stock_up = page.get_by_test_id("deal").filter(has=page.get_by_text("Three of one coffee", exact=True))
    expect(stock_up.get_by_role("list", name="Restrictions")).to_contain_text(
        "At least 3 of one item from Arabica in the cart")

    for sku in ("ARA-ETH-YIRG", "ARA-KEN-NYERI", "ARA-COL-HUILA"):
        add_to_cart(page, shop, sku)
    open_cart(page, shop)

    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.get_by_role("list", name="Offers applied")).to_contain_text("Three bags, one free")
    expect(applied(page)).to_have_count(0)


def test_pressing_plus_on_one_bag_brings_the_discount_and_the_new_total(page, shop, screenshot):
    add_to_cart(page, shop, "ARA-ETH-YIRG", 2)
    add_to_cart(page, shop, "ARA-KEN-NYERI")
    open_cart(page, shop)
    expect(applied(page)).to_have_count(0)
    expect(page.locator("[data-testid=nudge][data-campaign=stock-up]")).to_contain_text(
        "Add 1 more of the same item from Arabica to get $5 off")
    before = total(page).inner_text()

    page.get_by_role("button", name="One more Ethiopia Yirgacheffe").click()

    expect(page.get_by_label("Quantity of Ethiopia Yirgacheffe")).to_have_value("3")
    expect(applied(page)).to_contain_text("Three of one coffee")
    expect(applied(page).get_by_test_id("offer-savings")).to_have_text("−$5.00")
    expect(page.locator("[data-testid=nudge][data-campaign=stock-up]")).to_have_count(0)
    expect(total(page)).to_have_text("$55.00")             # and shipping is free now too
    assert before != "$55.00"
    screenshot("line-quantity-applied")

    page.get_by_role("button", name="One fewer Ethiopia Yirgacheffe").click()
    expect(applied(page)).to_have_count(0)
    expect(total(page)).to_have_text(before)
