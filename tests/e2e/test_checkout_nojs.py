"""The core flow with JavaScript off: every form posts, redirects and shows the new page."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_browse_add_apply_a_code_and_check_out_without_javascript(no_js_page, make_store):
    page, shop = no_js_page, make_store()
    page.goto(shop + "/")
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Single-origin arabica").click()
    page.get_by_role("link", name="Kenya Nyeri AA").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kenya Nyeri AA")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()

    expect(page).to_have_url(shop + "/cart")
    expect(page.get_by_test_id("cart-count")).to_have_text("2")
    expect(page.get_by_test_id("total")).to_have_text("$47.95")        # 42.00 + 5.95

    page.get_by_label("Have a code?").fill("happy10")
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page).to_have_url(shop + "/cart")
    expect(page.locator("[data-testid=code-result][data-code=HAPPY10]")).to_contain_text("Applied: you save $4.20.")
    expect(page.get_by_test_id("total")).to_have_text("$43.75")

    page.get_by_label("Quantity of Kenya Nyeri AA").fill("3")
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_test_id("total")).to_have_text("$43.75")        # the third bag is free
    expect(page.locator("[data-testid=applied-offer][data-campaign=three-bags]")).to_contain_text("−$21.00")

    page.get_by_role("link", name="Go to checkout").click()
    page.get_by_label("Name", exact=True).fill("Nina Noscript")
    page.get_by_label("Email", exact=True).fill("nina@example.com")
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your order is placed")
    expect(page.get_by_test_id("order-savings")).to_have_text("You saved $25.20 on this order")
    expect(page.get_by_test_id("cart-count")).to_have_text("0")


def test_errors_show_inline_without_javascript(no_js_page, store):
    page = no_js_page
    page.goto(store + "/products/MERCH-MUG")
    page.get_by_role("button", name="Add to cart").click()

    page.get_by_label("Have a code?").fill("NOTACODE")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Apply", exact=True).click()
    assert navigation.value.status == 422
    expect(page.get_by_test_id("code-error")).to_have_text("We couldn't find that code. Check the spelling and try again.")

    page.get_by_label("Quantity of Stoneware Mug").fill("-2")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Update").click()
    assert navigation.value.status == 422
    expect(page.get_by_test_id("line-error")).to_have_text("Quantity can't be negative.")
    expect(page.get_by_test_id("cart-count")).to_have_text("1")

    page.get_by_role("button", name="Remove Stoneware Mug").click()
    expect(page.get_by_test_id("cart-empty")).to_be_visible()
