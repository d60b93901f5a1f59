"""The margin floor as a shopper meets it: "$10 off each bag" gives the full $10 on a bag with
margin to spare, and only $3 on Panama Geisha, whose cost leaves no more; the cart says so.

Seeded Arabica & Co. store (scenarios/arabica.yaml): Panama Geisha sells at $42.00 and costs
$39.00, Ethiopia Yirgacheffe sells at $19.50 and costs $9.00; the store's margin floor is at cost.
"""
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
