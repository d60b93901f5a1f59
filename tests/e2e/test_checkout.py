"""Checkout as a shopper sees it: details, the code field again, one atomic redemption, savings.

Each module gets a store of its own (``make_store``): orders here use up codes and limits.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.support.cartkit import add_to_cart, checkout, choose_persona, code_result, enter_code, hold_requests, open_cart, total

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop(make_store) -> str:
    return make_store()


def birthday_code(page, shop: str) -> str:
    page.goto(shop + "/wallet")
    return page.locator("[data-testid=wallet-offer][data-campaign=birthday]").get_attribute("data-code")


def test_placing_an_order_redeems_the_code_and_shows_what_was_saved(page, shop, screenshot):
    add_to_cart(page, shop, "ARA-KEN-NYERI", 3)      # 3 x $21.00: the cheapest bag is free
    open_cart(page, shop)
    enter_code(page, "HAPPY10")
    expect(total(page)).to_have_text("$43.75")       # 63.00 - 21.00 - 4.20 + 5.95 shipping

    checkout(page, name="Ada Lovelace", email="ada@example.com")

    expect(page.get_by_test_id("order-savings")).to_have_text("You saved $25.20 on this order")
    expect(page.get_by_test_id("order-total")).to_have_text("$43.75")
    expect(page.get_by_test_id("order-ref")).to_have_text(re.compile(r"^AC-[0-9A-F]{10}$"))
    offers = page.get_by_test_id("order-offers")
    expect(offers).to_contain_text("HAPPY10")
    expect(offers).to_contain_text("Three bags, one free")
    expect(page.get_by_test_id("cart-count")).to_have_text("0")
    screenshot("confirmation")


def test_the_code_field_works_at_checkout_too(page, shop):
    add_to_cart(page, shop, "MERCH-MUG", 2)            # $32.00
    page.goto(shop + "/checkout")
    expect(page.get_by_test_id("place-order")).to_contain_text("$37.95")

    enter_code(page, "HAPPY10")

    expect(code_result(page, "HAPPY10")).to_contain_text("Applied: you save $3.20.")
    expect(total(page)).to_have_text("$34.75")
    expect(page.get_by_test_id("place-order")).to_contain_text("$34.75")

    enter_code(page, "TYPO10")
    expect(page.get_by_test_id("code-error")).to_have_text("We couldn't find that code. Check the spelling and try again.")
    expect(total(page)).to_have_text("$34.75")


def test_missing_details_are_asked_for_next_to_their_fields(page, shop):
    add_to_cart(page, shop, "MERCH-MUG")
    page.goto(shop + "/checkout")

    with page.expect_response(re.compile(r"/checkout$")) as answer:
        page.get_by_label("Email", exact=True).fill("not-an-email")
        page.get_by_test_id("place-order").click()

    assert answer.value.status == 422
    expect(page.get_by_test_id("checkout-name-error")).to_have_text("Enter your name.")
    expect(page.get_by_test_id("checkout-email-error")).to_have_text("Enter an email address like name@example.com.")
    expect(page.get_by_label("Email", exact=True)).to_have_value("not-an-email")
    expect(page.get_by_test_id("cart-count")).to_have_text("1")


def test_a_double_click_on_place_order_places_one_order(page, shop):
    choose_persona(page, shop, "referred")
    add_to_cart(page, shop, "BLD-HOUSE", 2)
    page.goto(shop + "/checkout")
    page.get_by_label("Name", exact=True).fill("Felix Friend")
    page.get_by_label("Email", exact=True).fill("felix@example.com")

    page.get_by_test_id("place-order").dblclick()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your order is placed")
    page.goto(shop + "/orders")
    expect(page.get_by_test_id("order")).to_have_count(1)


def test_a_single_use_code_cannot_be_used_twice(page, shop):
    choose_persona(page, shop, "birthday")
    code = birthday_code(page, shop)
    add_to_cart(page, shop, "GEAR-SCALE")              # $45.00: half price on the birthday
    open_cart(page, shop)
    enter_code(page, code)
    expect(code_result(page, code)).to_contain_text("Applied: you save $22.50.")
    checkout(page, name="Bea Bergström", email="bea@example.com")
    expect(page.get_by_test_id("order-savings")).to_contain_text("$40.50")   # + the free tote

    add_to_cart(page, shop, "GEAR-SCALE")
    open_cart(page, shop)
    enter_code(page, code)

    expect(code_result(page, code)).to_have_attribute("data-status", "rejected")
    expect(code_result(page, code)).to_contain_text("This code has already been used.")


def test_a_code_used_up_meanwhile_sends_the_shopper_back_with_the_reason(browser, shop):
    # Two tabs of two browsers as the same customer: both carts hold the sorry code.
    tabs = [browser.new_context().new_page() for _ in range(2)]
    for tab in tabs:
        choose_persona(tab, shop, "vip")
    tabs[0].goto(shop + "/wallet")
    code = tabs[0].locator("[data-testid=wallet-offer][data-campaign=sorry]").get_attribute("data-code")
    for tab in tabs:
        add_to_cart(tab, shop, "MERCH-TEE")
        open_cart(tab, shop)
        enter_code(tab, code)
        expect(code_result(tab, code)).to_contain_text("Applied: you save $10.00.")
        tab.get_by_test_id("checkout-link").click()

    tabs[0].get_by_test_id("place-order").click()
    expect(tabs[0].get_by_role("heading", level=1)).to_have_text("Your order is placed")

    with tabs[1].expect_response(re.compile(r"/checkout$")) as answer:
        tabs[1].get_by_test_id("place-order").click()

    assert answer.value.status == 409
    refusal = tabs[1].get_by_test_id("checkout-refusal")
    expect(refusal).to_contain_text("We couldn't place your order with these offers, and nothing was charged.")
    expect(refusal).to_contain_text(f"{code} This code has already been used.")
    expect(tabs[1].get_by_test_id("checkout-without")).to_contain_text(f"Your order will be placed without {code}.")
    expect(tabs[1].get_by_test_id("cart-count")).to_have_text("1")
    # Now the page has said so, placing the order again places it without the code.
    tabs[1].get_by_label("Name", exact=True).fill("Victor Valdez")
    tabs[1].get_by_label("Email", exact=True).fill("victor@example.com")
    tabs[1].get_by_role("button", name=re.compile(r"^Place order")).click()
    expect(tabs[1].get_by_role("heading", level=1)).to_have_text("Your order is placed")
    for tab in tabs:
        tab.context.close()


def test_checkout_says_which_codes_the_order_goes_without_and_places_it_so(page, mobile_page, shop, screenshot):
    for shopper in (mobile_page, page):
        add_to_cart(shopper, shop, "BLD-HOUSE")
        open_cart(shopper, shop)
        enter_code(shopper, "BLCKFRDY")                  # guests can't use it
        enter_code(shopper, "HAPPY10")
        shopper.get_by_role("link", name="Go to checkout").click()

        without = shopper.get_by_test_id("checkout-without")
        expect(without).to_contain_text("Your order will be placed without BLCKFRDY.")
        expect(without).to_contain_text("Sign in to use this offer.")
        expect(shopper.get_by_role("button", name="Place order · $18.55")).to_be_visible()
    screenshot("checkout-without-phone", page=mobile_page)
    screenshot("checkout-without")

    page.get_by_label("Name", exact=True).fill("Ada Shopper")
    page.get_by_label("Email", exact=True).fill("ada@example.com")
    page.get_by_role("button", name="Place order · $18.55").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your order is placed")
    expect(page.get_by_test_id("order-savings")).to_contain_text("$1.40")


def test_place_order_shows_it_is_working_and_cannot_be_pressed_again(page, shop):
    add_to_cart(page, shop, "MERCH-MUG")
    page.goto(shop + "/checkout")
    page.get_by_label("Name", exact=True).fill("Ada Lovelace")
    page.get_by_label("Email", exact=True).fill("ada@example.com")
    first_held = hold_requests(page, "/checkout")

    page.get_by_test_id("place-order").click()

    button = page.get_by_test_id("place-order")
    expect(button).to_be_disabled()
    expect(button).to_have_class(re.compile(r"\bhtmx-request\b"))
    first_held().continue_()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your order is placed")
