"""Order history: cancelling an order rolls its redemption back, and orders stay private."""
import pytest
from playwright.sync_api import expect

from tests.support.cartkit import add_to_cart, checkout, choose_persona, code_result, enter_code, open_cart, total

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop(make_store) -> str:
    return make_store()


def test_cancelling_an_order_makes_its_code_usable_again(page, shop, screenshot, remember_texts):
    choose_persona(page, shop, "birthday")
    page.goto(shop + "/wallet")
    code = page.locator("[data-testid=wallet-offer][data-campaign=birthday]").first.get_attribute("data-code")
    add_to_cart(page, shop, "MERCH-TEE")                # $25.00, half price with the birthday code
    open_cart(page, shop)
    enter_code(page, code)
    checkout(page, name="Bea Bergström", email="bea@example.com")
    add_to_cart(page, shop, "MERCH-TEE")
    open_cart(page, shop)
    enter_code(page, code)
    expect(code_result(page, code)).to_contain_text("This code has already been used.")

    toasts = remember_texts("#toasts .toast")
    page.goto(shop + "/orders")
    order = page.get_by_test_id("order").first
    expect(order.get_by_test_id("order-status")).to_have_text("Placed")
    expect(order.get_by_test_id("order-total")).to_have_text("$18.45")
    expect(order).to_contain_text(code)
    order.get_by_test_id("cancel-order").click()

    expect(order.get_by_test_id("order-status")).to_have_text("Cancelled")
    # What was paid, struck through and refunded: not the $30.95 the order would cost without the code.
    expect(order.get_by_test_id("order-total")).to_have_text("$18.45")
    expect(order.get_by_test_id("order-refunded")).to_have_text("Refunded")
    expect(order.get_by_test_id("cancel-order")).to_have_count(0)
    toasts.expect_shown(f"You can use {code} again.")
    screenshot("orders")
    open_cart(page, shop)
    expect(code_result(page, code)).to_contain_text("Applied: you save $12.50.")
    expect(total(page)).to_have_text("$18.45")


def test_a_guest_sees_their_own_orders_and_nobody_else_sees_them(page, browser, shop):
    add_to_cart(page, shop, "BLD-DECAF")
    open_cart(page, shop)
    checkout(page, name="Gus Guest", email="gus@example.com")
    confirmation = page.url
    page.goto(shop + "/orders")
    expect(page.get_by_test_id("order")).to_have_count(1)

    stranger = browser.new_context().new_page()
    response = stranger.goto(confirmation)
    assert response is not None and response.status == 404
    stranger.goto(shop + "/orders")
    expect(stranger.get_by_test_id("orders-empty")).to_be_visible()
    stranger.context.close()
