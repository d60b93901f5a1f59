"""Outside demo mode: a shopper registers (finishing with the link the store's mailer sends),
signs out, is refused with a wrong password without being told which part was wrong, and signs
in again to their own wallet."""
import pytest
from playwright.sync_api import expect

from promo.delivery.events import list_events
from shop.web.extensions import promo_engine

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def real_store(make_app, make_live_server, seed_store):
    app = make_app(WTF_CSRF_ENABLED=True, DEMO_MODE=False)
    seed_store(app)
    return app, make_live_server(app)


def mailed_link(app, email: str) -> str:
    """The link in the email the merchant's mailer sends for the outbox event."""
    [event] = [e for e in list_events(promo_engine(app), pattern="customer.registration_requested").events
               if e.payload["email"] == email]
    return event.payload["link"]


def test_register_sign_out_and_sign_in_again(page, real_store, screenshot):
    app, real_store = real_store
    page.goto(real_store + "/wallet")
    expect(page.get_by_test_id("wallet-guest")).to_contain_text("Sign in to see your wallet")
    expect(page.get_by_text("Demo", exact=True)).to_have_count(0)          # no persona bar outside demo mode
    page.get_by_role("link", name="Sign in").first.click()

    register = page.locator("section", has=page.get_by_role("heading", name="I'm new here"))
    register.get_by_label("Name").fill("Rosa Roaster")
    register.get_by_label("Email", exact=True).fill("rosa@example.com")
    register.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    page.goto(mailed_link(app, "rosa@example.com"))
    page.get_by_test_id("finish-password").fill("pour-over-please")
    page.get_by_role("button", name="Create account").click()

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
