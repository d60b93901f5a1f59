"""One truth on every page (issue 13, points 1, 2 and 9): the wallet, the cart and checkout tell
the same numbers about the same cart, and every offer the cart leaves out says why and what the
shopper can do."""
import re

import pytest
from playwright.sync_api import expect

from tests.support.cartkit import add_to_cart, code_result, enter_code, open_cart, total

pytestmark = pytest.mark.e2e

PERSONAS = ("new", "vip", "dormant", "birthday", "referred")
# The demo carts: the issue's VIP cart (two Ethiopia bags and a Kenya bag, HAPPY10 and Black
# Friday entered) and its order of three Kenya bags, a kettle and HAPPY10.
DEMO_CARTS = {
    "three-bags-two-codes": (("ARA-ETH-YIRG", "ARA-ETH-YIRG", "ARA-KEN-NYERI"), ("HAPPY10", "BLCKFRDY")),
    "kenya-bags-and-kettle": (("ARA-KEN-NYERI", "ARA-KEN-NYERI", "ARA-KEN-NYERI", "GEAR-KETTLE"), ("HAPPY10",)),
}
PHONE = {"width": 390, "height": 844}


def fill_cart(page, store, skus, codes):
    for sku in sorted(set(skus)):
        add_to_cart(page, store, sku, skus.count(sku))
    open_cart(page, store)
    for code in codes:
        enter_code(page, code)


def cart_offers(page) -> dict[str, str]:
    """The summary's applied offers: campaign -> what the cart took ("$4.05")."""
    rows = page.get_by_test_id("applied-offer")
    return {row.get_attribute("data-campaign"): row.get_by_test_id("offer-savings").inner_text().lstrip("−")
            for row in rows.all()}


def cart_nudges(page) -> dict[str, str]:
    return {nudge.get_attribute("data-campaign"): nudge.locator("p").inner_text()
            for nudge in page.get_by_test_id("nudge").all()}


def wallet_card(page, campaign):
    return page.locator(f"[data-testid=wallet-offer][data-campaign={campaign}]")


@pytest.mark.parametrize("cart", DEMO_CARTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_wallet_tells_the_carts_amounts_and_hints(page, store, switch_persona, persona, cart):
    skus, codes = DEMO_CARTS[cart]
    switch_persona(page, persona)
    fill_cart(page, store, list(skus), codes)
    applied, nudges = cart_offers(page), cart_nudges(page)
    assert applied

    page.goto(store + "/wallet")

    in_cart = page.locator("[data-testid=wallet-offer]:has([data-state=in_cart])")
    told = {card.get_attribute("data-campaign"): card.get_by_test_id("wallet-state").inner_text()
            for card in in_cart.all()}
    # "In your cart" for exactly the offers the cart applied, each with the cart's amount.
    assert {campaign: re.match(r"In your cart: saves (\D*[\d,]+(?:\.\d\d)?)", text).group(1) for campaign, text in told.items()} == applied
    # Every hint the cart gives reads the same in the wallet.
    for campaign, hint in nudges.items():
        expect(wallet_card(page, campaign).get_by_test_id("wallet-state")).to_contain_text(hint.split(" with code ")[0])
    # Each offer appears once.
    campaigns = [card.get_attribute("data-campaign") for card in page.get_by_test_id("wallet-offer").all()]
    assert len(campaigns) == len(set(campaigns)), campaigns


def test_the_issues_vip_cart_reads_the_same_in_the_cart_and_the_wallet(page, store, switch_persona, screenshot):
    switch_persona(page, "vip")
    fill_cart(page, store, ["ARA-ETH-YIRG", "ARA-ETH-YIRG", "ARA-KEN-NYERI"], ("HAPPY10", "BLCKFRDY"))

    # The cart: HAPPY10 takes 10% of what the free bag left; Black Friday is set aside, saying why.
    expect(code_result(page, "HAPPY10")).to_contain_text("Applied: you save $4.05.")
    black_friday = code_result(page, "BLCKFRDY")
    expect(black_friday).to_have_attribute("data-status", "set_aside")
    expect(black_friday).to_contain_text("Can't be combined with Three bags, one free and Happy 10, which save you more.")
    expect(black_friday).to_contain_text("BLCKFRDY stays in your cart: it applies if it becomes the better deal.")
    expect(page.get_by_test_id("shipping")).to_have_text("$5.95")
    nudges = page.get_by_test_id("nudge")
    expect(nudges.filter(has_text="for free shipping").locator("p")).to_have_text("Add $13.55 more for free shipping")
    expect(nudges.filter(has_text="10% off").locator("p")).to_have_text("Add $59.50 more to get 10% off")
    screenshot("one-truth-vip-cart")

    page.goto(store + "/wallet")

    expect(wallet_card(page, "happy10").get_by_test_id("wallet-state")).to_have_text("In your cart: saves $4.05.")
    black_friday = wallet_card(page, "blckfrdy")
    expect(black_friday.get_by_test_id("wallet-state")).to_contain_text("Can't be combined with Three bags, one free")
    expect(black_friday.get_by_test_id("in-cart")).to_have_count(0)
    expect(black_friday.get_by_test_id("set-aside-badge")).to_have_text("Entered, set aside")
    # Free shipping is not promised: the wallet gives the cart's hint, not the $5.95 it saves alone.
    expect(wallet_card(page, "free-shipping").get_by_test_id("wallet-state")).to_have_text("Add $13.55 more for free shipping")
    expect(wallet_card(page, "spend-tiers").get_by_test_id("wallet-state")).to_have_text("Add $59.50 more to get 10% off")
    # A code not in the cart says what it would add to this cart, not what it saves alone.
    # (what the cart as it is lets it take: the margin floor may hold it under its $10)
    expect(wallet_card(page, "sorry").get_by_test_id("wallet-state")).to_have_text(
        re.compile(r"^\s*Saves \$\d+\.\d\d more on your cart as it is"))
    screenshot("one-truth-vip-wallet")


def test_product_badges_say_in_your_cart_only_for_what_the_cart_applied(page, store, switch_persona):
    switch_persona(page, "vip")
    fill_cart(page, store, ["ARA-ETH-YIRG", "ARA-ETH-YIRG", "ARA-KEN-NYERI"], ("HAPPY10", "BLCKFRDY"))
    applied = cart_offers(page)

    page.goto(store + "/products/ARA-ETH-YIRG")

    offers = page.get_by_test_id("offer")
    expect(offers.first).to_be_visible()
    for offer in offers.all():
        campaign = offer.get_attribute("data-campaign")
        badge = offer.get_by_test_id("offer-in-cart")
        if campaign in applied:
            expect(badge).to_have_text("In your cart")
        else:
            expect(badge).to_have_count(0)
    expect(page.locator("[data-testid=offer][data-campaign=three-bags]").get_by_test_id("offer-in-cart")).to_be_visible()
    expect(page.locator("[data-testid=offer][data-campaign=bags10]").get_by_test_id("offer-in-cart")).to_have_count(0)


def test_free_shipping_stays_when_the_cart_holds_many_offers(page, store):
    # The issue's order: free tote, spend tier, HAPPY10 and the kettle's code fill four of the
    # five places; free shipping sits outside the cap, so it is never the one left out.
    fill_cart(page, store, ["ARA-KEN-NYERI"] * 3 + ["GEAR-KETTLE"], ("HAPPY10",))

    expect(page.get_by_test_id("applied-offer").filter(has_text="Free shipping over $50")).to_contain_text("$5.95")
    expect(page.get_by_test_id("shipping")).to_contain_text("Free")
    expect(total(page)).to_have_text("$75.86")


def test_offers_set_aside_show_why_and_what_to_do_in_the_cart_and_at_checkout(page, store, switch_persona, screenshot):
    switch_persona(page, "vip")
    # Seven mugs ($112): Black Friday's 20% beats the 10% spend tier, which it can't be combined with.
    fill_cart(page, store, ["MERCH-MUG"] * 7, ("BLCKFRDY",))

    expect(code_result(page, "BLCKFRDY")).to_contain_text("Applied: you save $22.40.")
    set_aside = page.get_by_test_id("set-aside")
    expect(set_aside.get_by_role("heading")).to_have_text("Not applied to this order")
    tiers = set_aside.locator("[data-testid=set-aside-offer][data-campaign=spend-tiers]")
    expect(tiers).to_contain_text("Spend more, save more")
    group = set_aside.get_by_test_id("set-aside-group").filter(
        has=page.locator("[data-testid=set-aside-offer][data-campaign=spend-tiers]"))
    expect(group.get_by_test_id("set-aside-reason")).to_have_text(
        "Can't be combined with Black Friday, which saves you more. Remove BLCKFRDY to get this offer instead.")
    screenshot("one-truth-set-aside-cart")

    page.get_by_test_id("checkout-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    tiers = page.locator("[data-testid=set-aside-offer][data-campaign=spend-tiers]")
    expect(page.get_by_test_id("set-aside-group").filter(has=tiers)).to_contain_text(
        "Remove BLCKFRDY to get this offer instead.")


def test_the_vip_wallet_is_short_on_a_phone(browser, store, screenshot):
    """Point 9: what the cart holds and can use now is open; the rest is folded behind
    disclosures whose summaries say what is inside (counts, the closest hint, the balances)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(store + "/")
        page.get_by_test_id("persona-vip").click()
        page.wait_for_url(store + "/")
        fill_cart(page, store, ["ARA-ETH-YIRG", "ARA-ETH-YIRG", "ARA-KEN-NYERI"], ("HAPPY10", "BLCKFRDY"))
        page.goto(store + "/wallet")
        expect(page.get_by_test_id("wallet-in-cart")).to_be_visible()
        expect(page.get_by_test_id("wallet-usable")).to_be_visible()

        height = page.evaluate("document.documentElement.scrollHeight")
        width = page.evaluate("document.documentElement.scrollWidth")
        screenshot("one-truth-vip-wallet-390", page=page)
        # 3,700 px in the issue, 3,141 px before the folds, 2,058 px with them.
        assert height <= 2200, f"the VIP wallet is {height} px long on a 390 px phone"
        assert width <= PHONE["width"]

        summaries = page.locator(".wallet-fold > summary")
        expect(summaries).to_have_text([
            "Almost there (2) · Add $13.55 more for free shipping",
            "Refer a friend · 0 invited, 0 ordered",
            "Balances · 252 Beans club points · $50.00 on a gift card",
            "Redeemed (7)",
            "Emails from us · on",
        ])
        for summary in summaries.all():
            box = summary.bounding_box()
            assert box["height"] >= 24 and box["width"] >= 24, "each disclosure is a full-size tap target"
        # Folded sections open on a tap; the gift card's history stays folded inside its card.
        page.get_by_text("Almost there (2)").click()
        expect(page.get_by_test_id("wallet-near").get_by_text("Add $13.55 more for free shipping")).to_be_visible()
        page.get_by_role("heading", name="Balances").click()
        expect(page.get_by_test_id("gift-card-balance")).to_have_text("$50.00")
        expect(page.get_by_test_id("gift-card-ledger")).to_be_hidden()
        page.get_by_text("Card history (1)").click()
        ledger = page.get_by_test_id("gift-card-ledger")
        expect(ledger).to_be_visible()
        card, table = page.get_by_test_id("gift-card").bounding_box(), ledger.bounding_box()
        assert table["x"] >= card["x"] and table["x"] + table["width"] <= card["x"] + card["width"], \
            "the gift card's history fits its card"
        page.get_by_text(re.compile(r"^Redeemed")).click()
        expect(page.get_by_test_id("wallet-history-fold")).to_have_attribute("open", "")
        expect(page.get_by_test_id("history-entry")).to_have_count(7)
        screenshot("one-truth-vip-wallet-390-open", page=page)
    finally:
        context.close()
