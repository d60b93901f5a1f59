"""Gift cards and points in the browser: a card pays after the discounts with its line in the
cart and checkout and its ledger in the wallet; points earned at checkout are redeemed in the
wallet in place (htmx) for a reward code."""
import re

import pytest
from playwright.sync_api import expect

from shop.web.extensions import promo_engine
from tests.support.cartkit import add_to_cart, checkout, choose_persona, open_cart

pytestmark = pytest.mark.e2e


@pytest.fixture
def shop(make_app, seed_store, make_live_server):
    app = make_app(WTF_CSRF_ENABLED=True, DEMO_MODE=True)
    seed_store(app)
    return app, make_live_server(app)


def test_a_gift_card_pays_what_is_left_and_its_ledger_shows_the_order(page, shop):
    app, store = shop
    choose_persona(page, store, "vip")
    card = promo_engine(app).customer_gift_cards("vip")[0].code
    add_to_cart(page, store, "BLD-HOUSE", 2)                  # $28.00 + $5.95 shipping
    open_cart(page, store)

    page.get_by_label("Have a code?").fill(card)
    page.get_by_test_id("apply-code").click()

    line = page.locator(f"[data-testid=gift-card-line][data-code='{card}']")
    expect(line).to_contain_text("Gift card: pays $33.95, $16.05 stays on the card.")
    expect(page.locator(f"[data-testid=gift-card-payment][data-code='{card}']")).to_have_text("−$33.95")
    expect(page.get_by_test_id("amount-due")).to_have_text("$0.00")
    page.get_by_test_id("checkout-link").click()
    expect(page.get_by_test_id("amount-due")).to_have_text("$0.00")      # checkout states it too
    page.get_by_test_id("place-order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your order is placed")

    page.goto(store + "/wallet")
    balances = page.get_by_test_id("wallet-balances")
    expect(balances.get_by_test_id("balances-summary")).to_contain_text("$16.05 on a gift card")
    balances.get_by_text("Balances").click()
    wallet_card = page.locator(f"[data-testid=gift-card][data-code='{card}']")
    expect(wallet_card.get_by_test_id("gift-card-balance")).to_have_text("$16.05")
    wallet_card.get_by_text("Card history (2)").click()          # folded, so the card stays short
    expect(wallet_card.get_by_test_id("gift-card-ledger")).to_be_visible()
    entry, issued = wallet_card.get_by_test_id("gift-card-entry").all()     # newest first
    expect(entry).to_have_attribute("data-kind", "redemption")
    expect(entry).to_contain_text("−$33.95")
    expect(issued).to_have_attribute("data-kind", "issue")
    expect(issued).to_contain_text("Card issued")
    expect(issued).to_contain_text("+$50.00")


def test_points_from_an_order_are_redeemed_in_place_for_a_reward_code(page, shop, remember_texts):
    _, store = shop
    choose_persona(page, store, "vip")
    add_to_cart(page, store, "ARA-ETH-YIRG", 25)          # arabica earns double
    open_cart(page, store)
    checkout(page, name="Victor Valdez", email="victor@example.com")
    toasts = remember_texts("#toasts .toast")
    page.goto(store + "/wallet")
    page.get_by_test_id("wallet-balances").get_by_text("Balances").click()
    account = page.locator("[data-testid=points-account][data-programme=beans-club]")
    points = int(account.get_by_test_id("points-balance").inner_text().replace(",", ""))
    assert points >= 500
    page.evaluate("window.__notReloaded = true")

    account.locator("[data-testid=points-reward][data-reward='1']").get_by_role("button", name="Redeem").click()

    toasts.expect_shown(re.compile(r"\$5 off: code RWD-\w+ is in your wallet\."))
    expect(account.get_by_test_id("points-balance")).to_have_text(f"{points - 500:,}")
    assert page.evaluate("window.__notReloaded") is True        # swapped in place, no page load
    account.get_by_text("Points history").click()
    expect(account.locator("[data-testid=points-entry]").first).to_have_attribute("data-kind", "spend")
    page.reload()
    expect(page.get_by_test_id("wallet-others")).to_contain_text("$5 off")


def test_a_refused_redemption_swaps_in_the_balance_as_it_is_now(page, shop, remember_texts):
    """The 409 answer is a fragment too: htmx swaps it in (one setting for every page), so the
    shopper sees the balance another tab left, not the stale one they clicked on."""
    app, store = shop
    engine = promo_engine(app)
    choose_persona(page, store, "vip")
    add_to_cart(page, store, "ARA-ETH-YIRG", 25)
    open_cart(page, store)
    checkout(page, name="Victor Valdez", email="victor@example.com")
    toasts = remember_texts("#toasts .toast")
    page.goto(store + "/wallet")
    page.get_by_test_id("wallet-balances").get_by_text("Balances").click()
    account = page.locator("[data-testid=points-account][data-programme=beans-club]")
    assert int(account.get_by_test_id("points-balance").inner_text().replace(",", "")) >= 500
    while engine.points_account("vip", "beans-club").points >= 500:     # spent in another tab meanwhile
        engine.spend_points("vip", "beans-club", 1)
    left = engine.points_account("vip", "beans-club").points
    page.evaluate("window.__notReloaded = true")

    account.locator("[data-testid=points-reward][data-reward='1']").get_by_role("button", name="Redeem").click()

    toasts.expect_shown(re.compile(r"Not enough points"))
    expect(account.get_by_test_id("points-balance")).to_have_text(f"{left:,}")
    assert page.evaluate("window.__notReloaded") is True
