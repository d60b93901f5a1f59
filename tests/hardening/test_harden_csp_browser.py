"""In Chromium, with the CSP enforced, no page of the store or console trips a violation
(htmx's own indicator style included) and htmx still works."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_no_csp_violations_while_shopping(page, live_server):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    for path in ("/", "/deals", "/cart", "/console/login"):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
    page.goto(live_server + "/cart")
    page.fill("input[name=code]", "NOT-A-CODE")
    page.locator("input[name=code]").press("Enter")
    # Waits for htmx's answer: "networkidle" may be read before the request has even started.
    expect(page.locator("#cart-items").get_by_text("We couldn't find that code")).to_be_visible()
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert violations == []
