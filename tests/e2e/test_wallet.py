"""The wallet: a customer's own codes, what applies to the cart now, near misses, and savings."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.support.cartkit import add_to_cart, cart_line, checkout, choose_persona, code_result, enter_code, open_cart, total

pytestmark = pytest.mark.e2e


def wallet_offer(page, section: str, campaign: str):
    """The card of `campaign` in the wallet section `section` ("wallet-in-cart", "wallet-usable",
    "wallet-near", "wallet-others"); each offer has one card in the whole wallet."""
    return page.get_by_test_id(section).locator(f"[data-testid=wallet-offer][data-campaign={campaign}]")


def test_a_guest_is_asked_to_pick_a_persona(page, store):
    page.goto(store + "/wallet")

    guest = page.get_by_test_id("wallet-guest")
    expect(guest).to_contain_text("Pick a persona to see their wallet")
    expect(guest.get_by_role("button", name="VIP")).to_be_visible()
    expect(page.get_by_test_id("wallet-offer")).to_have_count(0)


def test_the_birthday_code_is_in_the_wallet_and_usable_with_the_cart(page, store, switch_persona):
    switch_persona(page, "birthday")
    add_to_cart(page, store, "GEAR-SCALE")            # $45.00
    page.goto(store + "/wallet")

    mine = wallet_offer(page, "wallet-usable", "birthday")
    expect(mine.get_by_test_id("wallet-code")).to_have_text(re.compile(r"^BDAY-[A-Z0-9]{6}$"))
    expect(mine).to_contain_text("50% off items priced up to $50")
    expect(mine.get_by_role("list", name="Restrictions")).to_contain_text("Items up to $50")
    expect(mine.get_by_test_id("wallet-state")).to_have_text("Saves $22.50 more on your cart as it is.")
    expect(mine.get_by_role("button", name=re.compile(r"^Copy code BDAY-"))).to_be_visible()

    # Public offers this cart can use now, and the ones it is close to, with the math done.
    expect(wallet_offer(page, "wallet-usable", "happy10").get_by_test_id("wallet-state")).to_have_text(
        "Saves $4.50 more on your cart as it is.")
    # What the cart is close to is folded under what it can use now, its closest hint in view.
    near = page.get_by_test_id("wallet-near-fold")
    expect(near.locator("summary")).to_have_text("Almost there (3) · Add $5 more for free shipping")
    near.get_by_text("Almost there").click()
    tiers = wallet_offer(page, "wallet-near", "spend-tiers")
    expect(tiers).to_be_visible()
    expect(tiers.get_by_test_id("wallet-state")).to_have_text("Add $55 more to get 10% off")
    expect(tiers.locator("progress")).to_have_attribute("value", "45")
    # Black Friday would be set aside for the free tote, which saves more: it says so, folded away.
    black_friday = wallet_offer(page, "wallet-others", "blckfrdy")
    expect(black_friday.get_by_test_id("wallet-state")).to_have_text(
        "On its own: $9.00. Can't be combined with Free tote with brewing gear, which saves you more.")
    # Timeframes are stated, and a dated public code can be downloaded as a banner.
    expect(black_friday.get_by_test_id("wallet-timeframe")).to_have_text("Valid Nov 18\u2009–\u200930, 2026")
    expect(black_friday.get_by_test_id("banner-download")).to_have_attribute("href", re.compile(r"^/banners/square\.png\?"))


def test_apply_to_cart_puts_the_code_in_the_cart(page, store, switch_persona):
    switch_persona(page, "birthday")
    add_to_cart(page, store, "GEAR-SCALE")
    page.goto(store + "/wallet")
    mine = wallet_offer(page, "wallet-usable", "birthday")
    code = mine.get_attribute("data-code")

    mine.get_by_role("button", name="Apply to cart").click()

    expect(page.get_by_text(f"Code {code} applied.")).to_be_visible()
    page.goto(store + "/wallet")
    in_cart = wallet_offer(page, "wallet-in-cart", "birthday")
    expect(in_cart.get_by_test_id("wallet-state")).to_have_text("In your cart: saves $22.50.")
    open_cart(page, store)
    expect(code_result(page, code)).to_contain_text("Applied: you save $22.50.")


def test_copy_code_copies_and_says_so(page, store, switch_persona, remember_texts):
    remember_texts("#toasts .toast")
    said = remember_texts("#announcements")
    switch_persona(page, "vip")
    page.goto(store + "/wallet")
    sorry = wallet_offer(page, "wallet-others", "sorry")
    code = sorry.get_attribute("data-code")
    # Chrome lets the page a shopper is on write the clipboard; the headless shell asks first.
    page.context.grant_permissions(["clipboard-write"], origin=store)

    sorry.get_by_role("button", name=f"Copy code {code}").click()

    # The button says it; screen readers hear it; no toast repeats it.
    expect(sorry.get_by_role("button", name=f"Copy code {code}")).to_have_text("Copied")
    said.expect_shown(f"Code {code} copied")
    assert page.evaluate("(window.__rememberedTexts || {})['#toasts .toast'] || []") == []


def test_the_vip_holds_the_sorry_code_support_sent(page, store, switch_persona):
    switch_persona(page, "vip")
    page.goto(store + "/wallet")

    sorry = wallet_offer(page, "wallet-others", "sorry")
    expect(sorry.get_by_test_id("wallet-code")).to_have_text(re.compile(r"^SORRY-[A-Z0-9]{6}$"))
    expect(sorry).to_contain_text("$10 off")
    expect(sorry.get_by_test_id("wallet-state")).to_have_text("Your cart has no items this offer applies to.")


def test_redeemed_offers_add_up_to_what_was_saved_this_year(page, make_store):
    shop = make_store()
    choose_persona(page, shop, "birthday")
    page.goto(shop + "/wallet")
    expect(page.get_by_test_id("saved-this-year")).to_have_text("You saved $0.00 in 2026")
    code = wallet_offer(page, "wallet-others", "birthday").get_attribute("data-code")
    add_to_cart(page, shop, "GEAR-SCALE")
    open_cart(page, shop)
    page.get_by_label("Have a code?").fill(code)
    page.get_by_test_id("apply-code").click()
    expect(code_result(page, code)).to_contain_text("Applied: you save $22.50.")
    checkout(page, name="Bea Bergström", email="bea@example.com")

    page.goto(shop + "/wallet")

    expect(page.get_by_test_id("saved-this-year")).to_have_text("You saved $40.50 in 2026")
    page.get_by_text("Redeemed (2)").click()
    history = page.get_by_test_id("history-entry")
    expect(history).to_have_count(2)
    expect(history.filter(has_text="Happy birthday")).to_contain_text("$22.50")
    expect(history.filter(has_text="Free tote with brewing gear")).to_contain_text("$18.00")
    used = wallet_offer(page, "wallet-others", "birthday")
    expect(used.get_by_test_id("wallet-state")).to_have_text("This code has already been used.")


def test_the_birthday_code_lasts_seven_days_and_takes_half_off_each_item_up_to_fifty_dollars(page, store, switch_persona, screenshot):
    switch_persona(page, "birthday")
    add_to_cart(page, store, "GEAR-SCALE")            # $45.00: half is $22.50
    add_to_cart(page, store, "MERCH-MUG")             # $16.00: half is $8.00
    add_to_cart(page, store, "GEAR-GRINDER")          # $89.00: over $50, full price
    page.goto(store + "/wallet")

    mine = wallet_offer(page, "wallet-usable", "birthday")
    # Published on the birthday (Wed Nov 25, the store's date), valid 7 days: through Wed Dec 2.
    expect(mine.get_by_test_id("wallet-timeframe")).to_have_text("Expires Dec 2, 2026")
    expect(mine.get_by_test_id("expiring-offer")).to_have_text("Last day Dec 2, 2026")
    code = mine.get_attribute("data-code")
    screenshot("wallet-birthday-code")

    mine.get_by_role("button", name="Apply to cart").click()
    expect(page.get_by_text(f"Code {code} applied.")).to_be_visible()
    open_cart(page, store)

    # $150 of items reaches the 10% spend tier, which applies before codes ($4.50 + $1.60 + $8.90);
    # the birthday code then halves what is left of the scale and the mug: $20.25 + $7.20.
    expect(code_result(page, code)).to_contain_text("Applied: you save $27.45.")
    expect(cart_line(page, "GEAR-SCALE")).to_contain_text("−$20.25 Happy birthday")
    expect(cart_line(page, "MERCH-MUG")).to_contain_text("−$7.20 Happy birthday")
    expect(cart_line(page, "GEAR-GRINDER")).not_to_contain_text("Happy birthday")
    # $150 + the free tote ($18, given back) − $15 tier − $27.45 birthday; shipping is free over $50.
    expect(total(page)).to_have_text("$107.55")
    screenshot("cart-birthday-code")


def test_eight_days_after_the_birthday_the_code_is_refused_as_expired(page, store, switch_persona, at_store_time, screenshot):
    at_store_time(datetime(2026, 12, 3, 10, 30, tzinfo=ZoneInfo("America/New_York")))
    switch_persona(page, "birthday")
    page.goto(store + "/wallet")

    mine = wallet_offer(page, "wallet-others", "birthday")
    expect(mine.get_by_test_id("wallet-expired")).to_have_text("Expired")
    expect(mine.get_by_test_id("wallet-state")).to_have_text("This code expired on Dec 2, 2026.")
    expect(mine.get_by_role("button", name="Apply to cart")).to_have_count(0)
    expect(mine.get_by_test_id("expiring-offer")).to_have_count(0)
    screenshot("wallet-birthday-code-expired")
    code = mine.get_attribute("data-code")

    add_to_cart(page, store, "GEAR-SCALE")
    open_cart(page, store)
    enter_code(page, code)

    expect(code_result(page, code)).to_contain_text("This code expired on Dec 2, 2026.")
    expect(total(page)).to_have_text("$50.95")       # $45 + the free tote, and $5.95 shipping: no birthday discount
    screenshot("cart-birthday-code-expired")


def test_a_shopper_stops_offer_emails_from_the_wallet_and_keeps_the_codes(page, make_store, remember_texts, screenshot):
    shop = make_store()         # changes the persona's profile
    toasts = remember_texts("#toasts .toast")
    choose_persona(page, shop, "vip")
    page.goto(shop + "/wallet")
    emails = page.get_by_test_id("wallet-emails")
    expect(emails.locator("summary")).to_have_text("Emails from us · on")     # folded, saying where it stands
    emails.get_by_role("heading", name="Emails from us").click()
    expect(emails.get_by_test_id("marketing-status")).to_contain_text("We email you when a new code lands")

    emails.get_by_role("button", name="Stop emailing me offers").click()

    toasts.expect_shown("No more offer emails. New codes still appear in your wallet.")
    expect(emails.get_by_test_id("marketing-status")).to_have_text(
        "We don't email you offers. New codes still appear here in your wallet.")     # still open
    expect(emails.locator("summary")).to_have_text("Emails from us · off")
    expect(wallet_offer(page, "wallet-others", "sorry")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("wallet-emails").locator("summary")).to_have_text("Emails from us · off")
    page.get_by_role("heading", name="Emails from us").click()
    expect(page.get_by_test_id("wallet-emails").get_by_role("button")).to_have_text("Email me offers")
    screenshot("wallet-emails-declined")
