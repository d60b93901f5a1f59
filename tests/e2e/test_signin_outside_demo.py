"""Outside demo mode: a shopper registers, signs out, is refused with a wrong password without
being told which part was wrong, and signs in again to their own wallet."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def real_store(make_app, make_live_server, seed_store) -> str:
    app = make_app(WTF_CSRF_ENABLED=True, DEMO_MODE=False)
    seed_store(app)
    return make_live_server(app)


def test_register_sign_out_and_sign_in_again(page, real_store, screenshot):
    page.goto(real_store + "/wallet")
    expect(page.get_by_test_id("wallet-guest")).to_contain_text("Sign in to see your wallet")
    expect(page.get_by_text("Demo", exact=True)).to_have_count(0)          # no persona bar outside demo mode
    page.get_by_role("link", name="Sign in").first.click()

    register = page.locator("section", has=page.get_by_role("heading", name="I'm new here"))
    register.get_by_label("Name").fill("Rosa Roaster")
    register.get_by_label("Email", exact=True).fill("rosa@example.com")
    register.get_by_label("Password").fill("pour-over-please")
    register.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rosa's wallet")
    expect(page.locator(".signed-in")).to_have_text("Rosa")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()

    page.goto(real_store + "/signin")
    signin = page.locator("section", has=page.get_by_role("heading", name="I have an account"))
    signin.get_by_label("Email", exact=True).fill("rosa@example.com")
    signin.get_by_label("Password").fill("wrong-password")
    signin.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("signin-error")).to_have_text("That email and password don't match an account.")
    screenshot("signin-refused")

    signin = page.locator("section", has=page.get_by_role("heading", name="I have an account"))
    signin.get_by_label("Password").fill("pour-over-please")
    signin.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rosa's wallet")
