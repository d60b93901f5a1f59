"""The share page in Chromium: its link preview image, its banner and its copy-link button."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from promo.core.domain import Customer
from shop.storefront.model import cart_state
from shop.web.extensions import promo_engine

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def store_app(make_app, freeze_clock):
    """A store with the public coupon HAPPY10 and a referral code held by Ana (its own app, so
    no other test's data), on a clock well before the offers end."""
    app = freeze_clock(make_app(WTF_CSRF_ENABLED=True))
    engine = promo_engine(app)
    engine.create_campaign({
        "id": "happy10", "name": "Happy Hour", "kind": "coupon", "code": "HAPPY10",
        "effect": {"type": "percent_off_order", "percent": 10},
        "eligibility": {"fact": "cart.subtotal", "gte": 3000},
        "active": {"until": "2030-12-31"},
    })
    engine.create_campaign({
        "id": "refer", "name": "Refer a friend", "kind": "referral", "codes": {"pattern": "FRIEND-######"},
        "eligibility": {"fact": "customer.new", "is": True},
        "effect": {"type": "amount_off_order", "amount": 1000},
        "referral": {"reward": {"type": "amount_off_order", "amount": 1000}},
        "active": {"until": "2030-12-31"},
    })
    engine.upsert_customer(Customer(id="ana", name="Ana"))
    engine.generate_codes("refer", 1)
    return app


@pytest.fixture(scope="module")
def share_server(store_app, make_live_server) -> str:
    return make_live_server(store_app)


@pytest.fixture(scope="module")
def referral_code(store_app) -> str:
    return promo_engine(store_app).publish("refer", "ana").code


def test_og_image_loads_as_a_1200x630_png(page, share_server):
    page.goto(f"{share_server}/share/HAPPY10")
    image_url = page.locator('meta[property="og:image"]').get_attribute("content")

    assert image_url.startswith(f"{share_server}/banners/og.png?")
    response = page.request.get(image_url)
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.body()))
    assert (image.format, image.size) == ("PNG", (1200, 630))


def test_banner_shows_on_the_page(page, share_server, screenshot):
    page.goto(f"{share_server}/share/HAPPY10")
    banner = page.get_by_test_id("share-banner")

    banner.wait_for()
    # A function, not an expression: polling an expression needs eval, which the page's CSP forbids.
    page.wait_for_function("() => document.querySelector('[data-testid=share-banner]').complete")
    assert banner.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [1200, 630]
    assert page.get_by_test_id("share-discount").inner_text() == "10% off"
    screenshot("share-page")


def test_copy_link_copies_the_share_url_and_says_so(page, share_server, screenshot, remember_texts):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=share_server)
    said = remember_texts("[data-testid=copy-status]")   # "Copied!" clears itself after 4 s
    page.goto(f"{share_server}/share/HAPPY10")
    status = page.get_by_test_id("copy-status")
    assert status.inner_text() == ""

    page.get_by_test_id("copy-link").click()

    said.expect_shown(re.compile(r"^Copied!$"))
    assert page.evaluate("navigator.clipboard.readText()") == f"{share_server}/share/HAPPY10"
    screenshot("share-page-copied")


def test_without_javascript_the_link_is_there_to_select(browser, share_server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{share_server}/share/HAPPY10")

        assert not page.get_by_test_id("copy-link").is_visible()
        link = page.get_by_test_id("share-url")
        assert link.is_visible() and link.input_value() == f"{share_server}/share/HAPPY10"
        assert link.get_attribute("readonly") is not None
    finally:
        context.close()


def test_unknown_code_shows_the_friendly_404(page, share_server):
    response = page.goto(f"{share_server}/share/NOPE42")

    assert response.status == 404
    assert page.get_by_role("heading", name="This offer isn't available").is_visible()


def test_referral_link_saves_the_code_for_checkout(page, store_app, share_server, referral_code, screenshot):
    page.goto(f"{share_server}/share/{referral_code}")

    saved = page.get_by_test_id("referral-saved")
    assert f"Code {referral_code} is saved in your cart" in saved.inner_text()
    screenshot("share-page-referral")
    # What the browser now carries: the session cookie, holding the cart with the code.
    cookie = next(c for c in page.context.cookies() if c["name"] == store_app.config["SESSION_COOKIE_NAME"])
    session = store_app.session_interface.get_signing_serializer(store_app).loads(cookie["value"])
    assert cart_state.load(session).codes == (referral_code,)
