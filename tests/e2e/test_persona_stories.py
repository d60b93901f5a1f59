"""Each demo persona shows its story: the dormant customer's win-back code is in her wallet, the
VIP's past orders fill his history and "You saved", and the birthday persona is greeted."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_dormant_customers_win_back_code_is_in_her_wallet(page, store, switch_persona, screenshot):
    switch_persona(page, "dormant")
    page.goto(store + "/wallet")

    mine = page.get_by_test_id("wallet-others").locator("[data-testid=wallet-offer][data-campaign=win-back]")
    expect(mine).to_contain_text("Welcome back")
    expect(mine).to_contain_text("15% off")
    expect(mine.get_by_test_id("wallet-code")).to_have_text(re.compile(r"^BACK-[A-Z0-9]{6}$"))
    code = mine.get_by_test_id("wallet-code").inner_text()
    screenshot("story-dormant-wallet")

    # The same code on her product pages.
    page.goto(store + "/products/BLD-HOUSE")
    expect(page.locator("[data-testid=offer][data-campaign=win-back]").get_by_test_id("offer-code")).to_have_text(code)


def test_the_vip_has_past_orders_and_savings(page, mobile_page, store, switch_persona, screenshot):
    switch_persona(page, "vip")
    page.goto(store + "/orders")

    expect(page.get_by_text("AC-VIP-0001")).to_be_visible()
    expect(page.get_by_text("AC-VIP-0002")).to_be_visible()
    screenshot("story-vip-orders")

    page.goto(store + "/wallet")
    saved = page.get_by_test_id("saved-this-year")
    expect(saved).to_contain_text("You saved")
    expect(saved).not_to_contain_text("$0.00")
    page.get_by_role("heading", name=re.compile(r"^Redeemed")).click()
    history = page.get_by_test_id("wallet-history")
    expect(history).to_contain_text("AC-VIP-0001")
    expect(history).to_contain_text("AC-VIP-0002")
    mobile_page.goto(store + "/")
    mobile_page.get_by_test_id("persona-vip").click()
    mobile_page.goto(store + "/wallet")
    expect(mobile_page.get_by_test_id("saved-this-year")).not_to_contain_text("$0.00")
    screenshot("story-vip-wallet-phone", page=mobile_page)


def test_the_birthday_persona_is_greeted_and_pointed_at_her_treat(page, mobile_page, store, switch_persona, screenshot):
    switch_persona(page, "birthday")

    greeting = page.get_by_test_id("birthday-greeting")
    expect(greeting.get_by_role("heading", name="Happy birthday, Bea!")).to_be_visible()
    screenshot("story-birthday-home", full_page=False)
    greeting.get_by_role("link", name="See your treat").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bea's wallet")
    expect(page.get_by_role("heading", name="Happy birthday, Bea!")).to_be_visible()
    expect(page.locator("[data-testid=wallet-offer][data-campaign=birthday]")).to_contain_text("50% off items priced up to $50")

    for persona in ("vip", "dormant", "guest"):
        switch_persona(page, persona)
        expect(page.get_by_test_id("birthday-greeting")).to_have_count(0)


def test_the_referred_friend_sees_the_friends_ten_dollars_off_in_wallet_and_cart(page, make_store, screenshot):
    store = make_store()
    page.goto(store + "/")
    page.get_by_test_id("persona-referred").click()
    page.goto(store + "/products/MERCH-TEE")     # its margin holds the whole $10 (see the margin floor)
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_test_id("cart-count")).to_have_text("1")

    page.goto(store + "/wallet")
    friend = page.get_by_test_id("wallet-friend")
    expect(friend.get_by_role("heading", name="From Victor")).to_be_visible()
    expect(friend).to_contain_text("Victor sent you $10 off your first order.")
    expect(friend.get_by_test_id("wallet-state")).to_have_text("In your cart: saves $10.00.")
    # The friend's code shows once: in this panel, not again in the sections below.
    expect(page.locator("[data-testid=wallet-offer][data-code^=FRIEND-]")).to_have_count(1)
    screenshot("story-referred-wallet")

    friend.get_by_role("link", name="Go to your cart").click()
    code = page.get_by_test_id("code-result").filter(has_text=re.compile(r"FRIEND-"))
    expect(code).to_contain_text("Applied: you save $10.00.")
    expect(page.get_by_test_id("total")).to_have_text("$20.95")       # 25.00 - 10.00 + 5.95 shipping
