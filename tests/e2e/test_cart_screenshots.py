"""Cart, checkout, wallet and sign-in at desktop and phone widths, saved to test-artifacts/.

Besides the pictures (look at them), each page must fit its width: nothing may scroll sideways.
"""
import pytest
from playwright.sync_api import expect

from tests.support.cartkit import add_to_cart, choose_persona, enter_code, open_cart

pytestmark = pytest.mark.e2e


def fill_cart(page, store) -> None:
    choose_persona(page, store, "birthday")
    add_to_cart(page, store, "GEAR-DRIPPER")
    add_to_cart(page, store, "GEAR-FILTERS")
    add_to_cart(page, store, "ARA-ETH-YIRG", 2)
    open_cart(page, store)
    enter_code(page, "HAPPY10")
    enter_code(page, "KETTLE10")          # refused: no kettle in the cart


def settled(page) -> None:
    """Reload so the screenshot shows the page, not the toasts of the last action, from the top.
    A full-page capture in a phone-sized window still draws the sticky header where the window
    ended, halfway down the picture, so for the capture it stays at the top of the page."""
    page.reload()
    page.evaluate("document.querySelector('.site-header').style.position = 'static'")
    page.evaluate("window.scrollTo(0, 0)")


def assert_fits(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_cart_checkout_and_wallet_pages(request, store, screenshot, width):
    page = request.getfixturevalue("page" if width == "desktop" else "mobile_page")
    fill_cart(page, store)
    expect(page.get_by_test_id("applied-offer")).to_have_count(4)
    settled(page)
    assert_fits(page)
    screenshot(f"cart-{width}", page=page)

    page.get_by_test_id("checkout-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    settled(page)
    assert_fits(page)
    screenshot(f"checkout-{width}", page=page)

    page.goto(store + "/wallet")
    expect(page.get_by_test_id("wallet-offer").first).to_be_visible()
    assert_fits(page)
    screenshot(f"wallet-{width}", page=page)


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_empty_cart_and_sign_in_pages(request, store, screenshot, width):
    page = request.getfixturevalue("page" if width == "desktop" else "mobile_page")
    open_cart(page, store)
    expect(page.get_by_test_id("cart-empty")).to_be_visible()
    assert_fits(page)
    screenshot(f"cart-empty-{width}", page=page)

    page.goto(store + "/signin")
    assert_fits(page)
    screenshot(f"signin-{width}", page=page)
