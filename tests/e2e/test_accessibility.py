"""axe-core finds no serious or critical accessibility problems on the shopper's pages.

axe-core is the npm package in tests/e2e/package.json (scripts/test installs it); it is injected
from node_modules, so nothing loads from the network. Each page is checked at desktop and phone
width, against WCAG 2.1 A and AA rules.
"""
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", RULES
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def explain(found: list[dict]) -> str:
    lines = []
    for violation in found:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['impact']}: {violation['id']} ({violation['help']}) at {targets}")
    return "\n".join(lines)


@pytest.fixture(scope="module", autouse=True)
def axe_installed():
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` in tests/e2e (scripts/test does it)")


def fill_cart(page, store: str) -> None:
    for sku, quantity in (("ARA-ETH-YIRG", 2), ("GEAR-DRIPPER", 1)):
        page.goto(f"{store}/products/{sku}")
        badge = page.get_by_test_id("cart-count")
        before = int(badge.inner_text())
        page.get_by_label("Quantity").fill(str(quantity))
        page.get_by_role("button", name="Add to cart").click()
        expect(badge).to_have_text(str(before + quantity))


PAGES = [
    ("home", "/"),
    ("category", "/shop/arabica"),
    ("sale-filter", "/shop?sale=1"),
    ("product", "/products/GEAR-PRESS"),
    ("deals", "/deals"),
    ("cart", "/cart"),
    ("checkout", "/checkout"),
    ("wallet", "/wallet"),
    ("orders", "/orders"),
]


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "mobile"])
def test_shopper_pages_have_no_serious_accessibility_violations(browser, store, switch_persona, width):
    # axe is injected as an inline script, which the store's CSP rightly refuses; only this
    # audit's browser context bypasses the CSP, so the pages under audit are otherwise unchanged.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        # The birthday persona has a wallet code, and a cart makes every panel show.
        switch_persona(page, "birthday")
        fill_cart(page, store)
        problems = {}
        for name, path in PAGES:
            page.goto(store + path)
            found = violations(page)
            if found:
                problems[name] = explain(found)
        assert not problems, "\n\n".join(f"{name}:\n{text}" for name, text in problems.items())
    finally:
        context.close()
