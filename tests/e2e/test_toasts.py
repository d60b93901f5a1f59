"""Toasts bring news the page does not show, and never hide what the shopper is about to use:
the order summary, the phone checkout bar or a primary button, on a desktop or a phone.
Stacked toasts sit one above the other."""
import pytest
from playwright.sync_api import expect

from tests.support.cartkit import add_to_cart, code_result, enter_code, open_cart

pytestmark = pytest.mark.e2e

PROTECTED = "[data-testid=checkout-summary], .totals, .checkout-bar, .button:not(.button--secondary):not(.button--link):not(.button--small)"


def boxes(page, selector: str) -> list[dict]:
    """The on-screen boxes of the visible elements matching `selector`."""
    return page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
        .map((element) => element.getBoundingClientRect())
        .filter((r) => r.width && r.height && r.bottom > 0 && r.top < window.innerHeight)
        .map((r) => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom}))""", selector)


def overlaps(a: dict, b: dict) -> bool:
    return min(a["right"], b["right"]) > max(a["left"], b["left"]) and min(a["bottom"], b["bottom"]) > max(a["top"], b["top"])


def assert_toasts_cover_nothing(page) -> None:
    # The stack moves on the frame after a scroll or a swap settles, as the shopper sees it then.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.wait_for_load_state("networkidle")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    toasts = boxes(page, "#toasts .toast")
    assert toasts, "no toast on screen"
    for toast in toasts:
        for box in boxes(page, PROTECTED):
            assert not overlaps(toast, box), f"toast {toast} covers {box}"
    for first, second in zip(toasts, toasts[1:], strict=False):
        assert not overlaps(first, second), f"stacked toasts overlap: {first} {second}"


def test_a_code_result_shown_next_to_the_code_is_not_repeated_in_a_toast(page, store):
    add_to_cart(page, store, "BLD-HOUSE")
    open_cart(page, store)

    with page.expect_response("**/cart/codes") as answer:
        enter_code(page, "HAPPY10")
    with page.expect_response("**/cart/codes") as refused:
        enter_code(page, "NOSUCHCODE")

    expect(code_result(page, "HAPPY10")).to_contain_text("Applied: you save $1.40.")
    expect(page.get_by_test_id("code-error")).to_contain_text("We couldn't find that code.")
    assert "toast" not in answer.value.headers.get("hx-trigger", "")
    assert "toast" not in refused.value.headers.get("hx-trigger", "")
    expect(page.locator("#toasts .toast")).to_have_count(0)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_stacked_toasts_cover_neither_the_summary_nor_a_primary_button(page, mobile_page, store, size, screenshot):
    shopper = page if size == "desktop" else mobile_page
    add_to_cart(shopper, store, "BLD-HOUSE")
    add_to_cart(shopper, store, "MERCH-MUG")
    open_cart(shopper, store)
    enter_code(shopper, "HAPPY10")
    enter_code(shopper, "BLCKFRDY")
    # The summary and the checkout button in view, as when the shopper is about to check out.
    shopper.get_by_role("link", name="Go to checkout").last.scroll_into_view_if_needed()

    shopper.get_by_role("button", name="Remove code HAPPY10").click()
    expect(shopper.locator("#toasts .toast")).to_have_count(1)
    shopper.get_by_role("button", name="Remove code BLCKFRDY").click()
    expect(shopper.locator("#toasts .toast")).to_have_count(2)

    expect(shopper.get_by_text("Removed code HAPPY10.")).to_be_visible()
    expect(shopper.get_by_text("Removed code BLCKFRDY.")).to_be_visible()
    assert_toasts_cover_nothing(shopper)
    screenshot(f"toasts-cart-{size}", page=shopper, full_page=False)

    # At checkout too, with the summary and "Place order" in view.
    shopper.goto(store + "/checkout")
    shopper.get_by_label("Have a code?").fill("HAPPY10")
    shopper.get_by_role("button", name="Apply", exact=True).click()
    expect(code_result(shopper, "HAPPY10")).to_be_visible()
    shopper.get_by_role("button", name="Remove code HAPPY10").click()
    expect(shopper.get_by_text("Removed code HAPPY10.")).to_be_visible()
    assert_toasts_cover_nothing(shopper)
    screenshot(f"toasts-checkout-{size}", page=shopper, full_page=False)
