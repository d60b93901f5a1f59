"""Two-sided referrals in the browser: the advocate shares their link, a friend lands on it,
signs up and checks out with the code already applied, and the advocate's wallet shows the
reward; the advocate's own code is refused, and rolling the friend's order back revokes it."""
import re

import pytest
from playwright.sync_api import expect

from shop.web.extensions import promo_engine
from tests.support.cartkit import add_to_cart, checkout, choose_persona, code_result, open_cart

pytestmark = pytest.mark.e2e


@pytest.fixture
def shop(make_app, seed_store, make_live_server):
    """A store of its own (orders use the referral up) and its app, to roll an order back."""
    app = make_app(WTF_CSRF_ENABLED=True, DEMO_MODE=True)
    seed_store(app)
    return app, make_live_server(app)


@pytest.fixture
def friend_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def advocate_link(page, store: str) -> tuple[str, str]:
    """The VIP opens their wallet and reads their referral code and link."""
    choose_persona(page, store, "vip")
    page.goto(store + "/wallet")
    section = page.get_by_test_id("wallet-referral")
    section.get_by_role("heading", name="Refer a friend").click()       # the section opens on a tap
    code = section.get_by_test_id("referral-code").inner_text()
    link = section.get_by_test_id("referral-link").input_value()
    assert re.fullmatch(r"FRIEND-[A-Z0-9]{6}", code)
    assert link.endswith(f"/r/{code}")
    expect(section.get_by_test_id("referral-banner")).to_have_attribute("href", re.compile(r"^/banners/square\.png\?"))
    expect(section.get_by_test_id("referral-invited")).to_have_text("0")
    return code, link


def friend_orders(page, store: str, link: str, code: str) -> None:
    """A new visitor opens the link, sees the code needs an account, signs up and checks out."""
    page.goto(link)
    expect(page.get_by_role("status").filter(has_text="A friend invited you")).to_contain_text(code)
    add_to_cart(page, store, "BLD-HOUSE", 3)
    open_cart(page, store)
    expect(code_result(page, code)).to_contain_text("Sign in or create an account to use a friend's referral code")

    page.goto(store + "/signin")
    page.get_by_test_id("register-name").fill("Frida Friend")
    page.get_by_test_id("register-email").fill("frida@example.com")
    page.get_by_test_id("register-password").fill("a good long password")
    page.get_by_role("button", name="Create account").click()

    open_cart(page, store)
    expect(code_result(page, code)).to_have_attribute("data-status", "applied")
    expect(code_result(page, code)).to_contain_text("Applied: you save $10.00")
    checkout(page, name="Frida Friend", email="frida@example.com")


def test_a_friend_lands_on_the_link_checks_out_with_the_code_and_the_advocate_is_rewarded(page, friend_page, shop):
    _, store = shop
    code, link = advocate_link(page, store)

    friend_orders(friend_page, store, link, code)

    page.goto(store + "/wallet")
    section = page.get_by_test_id("wallet-referral")
    expect(section.get_by_test_id("referral-invited")).to_have_text("1")
    expect(section.get_by_test_id("referral-converted")).to_have_text("1")
    expect(section.get_by_test_id("referral-rewards-earned")).to_have_text("1")
    reward = section.get_by_test_id("referral-reward")
    expect(reward).to_have_attribute("data-status", "available")
    expect(reward).to_contain_text("ready to use")
    # The reward is a code in the advocate's wallet like any other, usable with their cart.
    reward_code = reward.get_attribute("data-code")
    expect(page.locator(f"[data-testid=wallet-offer][data-code='{reward_code}']")).to_contain_text("$10 off")


def test_the_advocate_cannot_use_their_own_code(page, shop):
    _, store = shop
    code, link = advocate_link(page, store)

    page.goto(link)
    expect(page.get_by_role("status").filter(has_text="your own referral link")).to_be_visible()
    add_to_cart(page, store, "BLD-HOUSE", 1)
    open_cart(page, store)
    expect(code_result(page, code)).to_have_count(0)          # the link did not put it in the cart
    page.get_by_label("Have a code?").fill(code)
    page.get_by_test_id("apply-code").click()

    expect(code_result(page, code)).to_have_attribute("data-status", "rejected")
    expect(code_result(page, code)).to_contain_text("That's your own referral code: share it with friends")


def test_rolling_the_friends_order_back_revokes_the_unused_reward(page, friend_page, shop):
    app, store = shop
    code, link = advocate_link(page, store)
    friend_orders(friend_page, store, link, code)
    engine = promo_engine(app)
    friend = engine.find_customer_by_email("frida@example.com")[0]
    [order] = engine.list_redemptions(customer_id=friend.id)

    engine.rollback(order.id, reason="payment failed")

    page.goto(store + "/wallet")
    section = page.get_by_test_id("wallet-referral")
    expect(section.get_by_test_id("referral-converted")).to_have_text("0")
    expect(section.get_by_test_id("referral-rewards-earned")).to_have_text("0")
    reward = section.get_by_test_id("referral-reward")
    expect(reward).to_have_attribute("data-status", "revoked")
    expect(reward).to_contain_text("your friend's order was cancelled")
    expect(page.locator(f"[data-testid=wallet-offer][data-code='{reward.get_attribute('data-code')}']")).to_have_count(0)
