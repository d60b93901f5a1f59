"""An example end-to-end suite for the Arabica & Co. demo store.

Written only against what docs/testing.md promises: the promoshop.testing fixtures, the
/_test endpoints and the store's accessible names. Every test starts from a freshly reset
store (promoshop_reset), so the tests can run in any order, alone, or spread over
pytest-xdist workers (each worker gets a store of its own).
"""
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import Page, expect

NEW_YORK = timezone(timedelta(hours=-5))        # the store's zone on these December days
TUESDAY_MORNING = datetime(2026, 12, 1, 10, 30, tzinfo=NEW_YORK)
TUESDAY_4_30_PM = datetime(2026, 12, 1, 16, 30, tzinfo=NEW_YORK)

pytestmark = pytest.mark.usefixtures("promoshop_reset")


def add_to_cart(page: Page, store_url: str, product: str, *, category: str = "blends") -> None:
    page.goto(f"{store_url}/shop/{category}")
    page.get_by_role("button", name=f"Add {product} to cart").click()
    expect(page.get_by_test_id("cart-count")).not_to_have_text("0")


def open_cart(page: Page, store_url: str) -> None:
    page.goto(f"{store_url}/cart")
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()


def test_an_automatic_promotion_appears_then_goes_when_the_cart_stops_qualifying(page: Page, promoshop_server, promoshop_clock):
    promoshop_clock.freeze(TUESDAY_MORNING)
    add_to_cart(page, promoshop_server.url, "House Blend")
    open_cart(page, promoshop_server.url)
    offers = page.get_by_role("list", name="Offers applied")

    page.get_by_role("button", name="One more House Blend").click()
    expect(page.get_by_label("Quantity of House Blend")).to_have_value("2")
    page.get_by_role("button", name="One more House Blend").click()
    expect(offers.get_by_role("listitem").filter(has_text="Three bags, one free")).to_be_visible()

    page.get_by_role("button", name="One fewer House Blend").click()
    expect(page.get_by_label("Quantity of House Blend")).to_have_value("2")
    expect(page.get_by_role("listitem").filter(has_text="Three bags, one free")).to_have_count(0)


def test_a_code_applies(page: Page, promoshop_server, promoshop_clock):
    promoshop_clock.freeze(TUESDAY_MORNING)
    add_to_cart(page, promoshop_server.url, "House Blend")
    open_cart(page, promoshop_server.url)

    page.get_by_label("Have a code?").fill("happy10")
    page.get_by_role("button", name="Apply", exact=True).click()

    offers = page.get_by_role("list", name="Offers applied")
    expect(offers.get_by_role("listitem").filter(has_text="Happy 10")).to_contain_text("−$1.40")
    expect(page.get_by_test_id("total")).to_have_text("$18.55")       # $14.00 − $1.40 + $5.95 shipping


def test_a_wrong_code_gets_its_reason(page: Page, promoshop_server):
    add_to_cart(page, promoshop_server.url, "House Blend")
    open_cart(page, promoshop_server.url)

    page.get_by_label("Have a code?").fill("NOT-A-CODE")
    page.get_by_role("button", name="Apply", exact=True).click()

    expect(page.get_by_role("alert")).to_have_text("We couldn't find that code. Check the spelling and try again.")
    expect(page.get_by_label("Have a code?")).to_have_attribute("aria-invalid", "true")


def test_a_personas_wallet_shows_their_code(shopper_page, promoshop_server):
    page = shopper_page("birthday")
    page.goto(f"{promoshop_server.url}/wallet")

    expect(page.get_by_role("heading", name="Bea's wallet")).to_be_visible()
    birthday = page.get_by_test_id("wallet-offer").filter(has_text="Happy birthday")
    expect(birthday.get_by_test_id("wallet-code")).to_have_text(re.compile(r"^BDAY-"))


def test_happy_hour_at_4_30_pm_through_the_clock(page: Page, promoshop_server, promoshop_clock):
    add_to_cart(page, promoshop_server.url, "House Blend")
    promoshop_clock.freeze(TUESDAY_MORNING)
    open_cart(page, promoshop_server.url)
    expect(page.get_by_text("Happy hour")).to_have_count(0)

    promoshop_clock.freeze(TUESDAY_4_30_PM)
    open_cart(page, promoshop_server.url)
    offers = page.get_by_role("list", name="Offers applied")
    expect(offers.get_by_role("listitem").filter(has_text="Happy hour")).to_contain_text("−$2.10")   # 15% of $14.00


def test_a_reset_between_tests_gives_every_test_the_same_store(shopper_page, promoshop_server, promoshop_reset):
    page = shopper_page("new")
    add_to_cart(page, promoshop_server.url, "House Blend")
    page.goto(f"{promoshop_server.url}/checkout")
    page.get_by_role("button", name=re.compile("^Place order")).click()
    expect(page.get_by_role("heading", name="Your order is placed")).to_be_visible()
    page.goto(f"{promoshop_server.url}/orders")
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()
    expect(page.get_by_text("No orders yet")).to_have_count(0)

    promoshop_reset()

    page.goto(f"{promoshop_server.url}/orders")
    expect(page.get_by_text("No orders yet")).to_be_visible()


def test_the_persona_switcher_shows_who_is_shopping(shopper_page):
    page = shopper_page("vip")
    switcher = page.get_by_role("form", name="Demo · shopping as")
    expect(switcher.get_by_role("button", name="VIP")).to_have_attribute("aria-pressed", "true")
    expect(switcher.get_by_role("button", name="Guest")).to_have_attribute("aria-pressed", "false")
