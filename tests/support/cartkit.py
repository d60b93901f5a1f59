"""What a shopper does in the cart, checkout and wallet tests, written once.

Every step goes through the page as a person would (product page form, cart buttons, the code
field); the helpers only wait for the page to settle before the test looks at it.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, Route, expect


def add_to_cart(page: Page, store: str, sku: str, quantity: int = 1) -> None:
    """Add from the product page and wait for the header badge to count the new items."""
    page.goto(f"{store}/products/{sku}")
    badge = page.get_by_test_id("cart-count")
    before = int(badge.inner_text())
    page.get_by_label("Quantity").fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()
    expect(badge).to_have_text(str(before + quantity))


def open_cart(page: Page, store: str) -> None:
    page.goto(f"{store}/cart")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")


def enter_code(page: Page, code: str) -> None:
    page.get_by_label("Have a code?").fill(code)
    page.get_by_test_id("apply-code").click()
    # The code is listed with its result, or the field says why it was not taken.
    expect(page.locator(f"[data-testid=code-result][data-code='{code.strip().upper()}'], [data-testid=code-error]")).to_be_visible()


def code_result(page: Page, code: str):
    return page.locator(f"[data-testid=code-result][data-code='{code}']")


def cart_line(page: Page, sku: str):
    return page.locator(f"[data-testid=cart-line][data-sku='{sku}']")


def total(page: Page):
    return page.get_by_test_id("total")


def checkout(page: Page, *, name: str = "Ada Shopper", email: str = "ada@example.com") -> None:
    """From the cart: go to checkout, fill the details and place the order."""
    page.get_by_test_id("checkout-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_test_id("place-order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your order is placed")


def choose_persona(page: Page, store: str, key: str) -> None:
    """One click on the demo bar of `store` (any store, not only the shared one)."""
    page.goto(store + "/")
    page.get_by_test_id(f"persona-{key}").click()
    expect(page.get_by_test_id(f"persona-{key}")).to_have_attribute("aria-pressed", "true")


def hold_requests(page: Page, path: str) -> Callable[[], Route]:
    """Requests whose URL ends in `path` wait until the test lets them go, so it can look at the
    page while one is in flight. Returns ``first_held()``: the first held request's route
    (``.continue_()`` sends it on).

    The page can show the request (a disabled button) before Playwright has handed the route
    to the test, so ``first_held()`` keeps Playwright's events flowing until it has one."""
    held: list[Route] = []
    page.route(re.compile(re.escape(path) + "$"), lambda route: held.append(route))

    def first_held() -> Route:
        for _ in range(500):                 # 10 s, Playwright's default timeout in these tests
            if held:
                return held[0]
            page.wait_for_timeout(20)        # lets Playwright dispatch the route event
        raise AssertionError(f"no request to {path} was held")

    return first_held
