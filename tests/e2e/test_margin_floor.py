"""The margin floor as a shopper meets it: "$10 off each bag" gives the full $10 on a bag with
margin to spare, and only $3 on Panama Geisha, whose cost leaves no more; the cart says so.

Seeded Arabica & Co. store (scenarios/arabica.yaml): Panama Geisha sells at $42.00 and costs
$39.00, Ethiopia Yirgacheffe sells at $19.50 and costs $9.00; the store's margin floor is at cost.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.support.cartkit import add_to_cart, cart_line, code_result, enter_code, open_cart

pytestmark = pytest.mark.e2e


def test_bags10_is_capped_on_the_thin_margin_bag_and_the_cart_says_so(page, store):
    add_to_cart(page, store, "ARA-PAN-GEISHA")
    add_to_cart(page, store, "ARA-ETH-YIRG")
    open_cart(page, store)

    enter_code(page, "BAGS10")

    expect(code_result(page, "BAGS10")).to_contain_text("Applied: you save $13.00 ($3 on Panama Geisha).")
    offer = page.locator("[data-testid=applied-offer][data-campaign=bags10]")
    expect(offer).to_contain_text("$10 off each bag ($3 on Panama Geisha)")
    expect(offer.get_by_test_id("offer-savings")).to_have_text("−$13.00")
    geisha = cart_line(page, "ARA-PAN-GEISHA")
    expect(geisha.get_by_test_id("line-discount")).to_have_text("−$3.00 $10 off each bag (our lowest price)")
    expect(geisha.get_by_test_id("line-now")).to_have_text("$39.00")
    yirg = cart_line(page, "ARA-ETH-YIRG")
    expect(yirg.get_by_test_id("line-discount")).to_have_text("−$10.00 $10 off each bag")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(geisha.get_by_test_id("line-discount")).to_be_visible()


def test_an_order_amount_held_back_by_the_floor_is_stated_once_in_the_wallet_cart_and_checkout(page, make_store, switch_persona):
    """The note says which line held the amount back; the amount itself is said once."""
    shop = make_store()               # applies the VIP's SORRY code
    page.goto(shop + "/")
    page.get_by_test_id("persona-vip").click()
    page.wait_for_url(shop + "/")
    add_to_cart(page, shop, "ARA-ETH-YIRG", 2)
    add_to_cart(page, shop, "ARA-KEN-NYERI")
    open_cart(page, shop)
    enter_code(page, "HAPPY10")        # the free bag and 10% off leave Yirgacheffe no margin to give
    page.goto(shop + "/wallet")

    sorry = page.locator("[data-testid=wallet-offer][data-campaign=sorry]")
    note = "(Ethiopia Yirgacheffe is at the lowest price we can sell at)"
    expect(sorry.get_by_test_id("wallet-state")).to_have_text(f"Saves $8.45 more on your cart as it is {note}.")
    code = sorry.get_attribute("data-code")
    sorry.get_by_role("button", name="Apply to cart").click()

    open_cart(page, shop)
    expect(code_result(page, code)).to_have_text(re.compile(rf"Applied: you save \$8\.45 {re.escape(note)}\.\s+Remove"))
    expect(page.locator("[data-testid=applied-offer][data-campaign=sorry]")).to_contain_text(f"Sorry about that {note}")
    page.get_by_test_id("checkout-link").click()
    expect(code_result(page, code)).to_contain_text(f"Applied: you save $8.45 {note}.")
    expect(page.get_by_text("$8.45 in all")).to_have_count(0)
