"""No dead ends: every refusal says what the shopper can do next. A code that needs a customer
links to the sign-in page (and back); a demo store has no sign-in, so it offers the personas."""
import pytest
from playwright.sync_api import expect

from tests.support.cartkit import add_to_cart, code_result, enter_code, open_cart, total

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def real_store(make_app, make_live_server, seed_store):
    app = make_app(WTF_CSRF_ENABLED=True, DEMO_MODE=False)
    seed_store(app)
    return make_live_server(app)


def test_a_demo_guest_typing_black_friday_can_switch_to_a_persona_and_use_it(page, make_store, screenshot):
    store = make_store()
    add_to_cart(page, store, "BLD-HOUSE")
    open_cart(page, store)

    enter_code(page, "BLCKFRDY")

    refused = code_result(page, "BLCKFRDY")
    expect(refused).to_contain_text("Sign in to use this offer.")
    expect(refused).to_contain_text("This demo has no sign-in: switch to a persona to use it.")
    expect(refused.get_by_role("link", name="Sign in")).to_have_count(0)
    screenshot("way-forward-demo-guest-blckfrdy")

    refused.get_by_role("button", name="VIP").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    expect(page.get_by_text("You're now shopping as: VIP.")).to_be_visible()
    expect(code_result(page, "BLCKFRDY")).to_contain_text("Applied: you save $2.80.")
    expect(total(page)).to_have_text("$17.15")       # 14.00 - 2.80 + 5.95 shipping


def test_outside_demo_mode_the_refusal_links_to_sign_in_and_back_to_the_cart(page, real_store, mobile_page, screenshot):
    for shopper in (page, mobile_page):
        add_to_cart(shopper, real_store, "BLD-HOUSE")
        open_cart(shopper, real_store)
        enter_code(shopper, "BLCKFRDY")

        refused = code_result(shopper, "BLCKFRDY")
        expect(refused).to_contain_text("Sign in to use this offer.")
        expect(refused.get_by_role("link", name="Sign in")).to_have_attribute("href", "/signin?next=/cart")
    screenshot("way-forward-sign-in-phone", page=mobile_page)

    page.get_by_test_id("code-result").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="I'm new here")).to_be_visible()


def test_an_unknown_code_points_at_the_deals(page, store):
    add_to_cart(page, store, "MERCH-MUG")
    open_cart(page, store)

    enter_code(page, "NOSUCHCODE")

    expect(page.get_by_test_id("code-error")).to_contain_text("We couldn't find that code.")
    page.get_by_role("link", name="See the deals you can use").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deals")


def test_a_guest_wallet_in_demo_mode_offers_the_personas(page, store, screenshot):
    page.goto(store + "/wallet")

    guest = page.get_by_test_id("wallet-guest")
    expect(guest.get_by_role("heading", name="Pick a persona to see their wallet")).to_be_visible()
    expect(guest.get_by_role("link", name="Sign in")).to_have_count(0)
    screenshot("way-forward-wallet-guest")
    guest.get_by_role("button", name="Birthday today").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bea's wallet")
