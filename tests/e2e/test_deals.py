"""The deals page: codes first with the limited-time headline (Black Friday) at the top, each
offer with its banner's thumbnail and share link, and whether it runs now or when it starts.
An offer that has not started can be copied but not put in the cart yet."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from shop.web.extensions import promo_engine

pytestmark = pytest.mark.e2e

NEW_YORK = ZoneInfo("America/New_York")


def deal(page, name: str):
    return page.get_by_test_id("deal").filter(has=page.get_by_text(name, exact=True))


@pytest.fixture(scope="module")
def store_with_a_coming_code(make_app, make_live_server, seed_store) -> str:
    app = make_app(WTF_CSRF_ENABLED=True, DEMO_MODE=True)
    seed_store(app)
    with app.app_context():
        promo_engine(app).create_campaign({
            "id": "new-year", "name": "New Year", "kind": "coupon", "code": "NEWYEAR",
            "description": "15% off to start the year.", "active": {"from": "2026-11-26 09:00"},
            "effect": {"type": "percent_off_order", "percent": 15},
        })
    return make_live_server(app)


def test_headline_codes_come_first_each_with_a_thumbnail_and_a_share_link(page, mobile_page, store, screenshot):
    page.goto(store + "/deals")

    headings = page.get_by_role("heading", level=2)
    expect(headings).to_have_text(["Codes for everyone", "Applied automatically"])
    expect(page.get_by_test_id("deal").first).to_contain_text("Black Friday")
    for deal_card in page.get_by_test_id("deal").all():
        name = deal_card.locator(".deal__name").inner_text()
        thumbnail = deal_card.get_by_role("img", name=f"{name} banner")
        thumbnail.scroll_into_view_if_needed()
        expect(thumbnail).to_be_visible()
        expect(thumbnail).to_have_js_property("complete", True, timeout=20_000)    # drawn on first request
        assert thumbnail.evaluate("img => img.naturalWidth > 0"), f"{name}: banner did not load"
        expect(deal_card.get_by_role("link", name=f"Share {name}")).to_have_attribute("href", re.compile(r"^/share/"))

    black_friday = deal(page, "Black Friday")
    expect(black_friday.get_by_test_id("deal-when")).to_have_text("On now")
    black_friday.get_by_role("link", name="Share Black Friday").click()
    expect(page).to_have_url(store + "/share/BLCKFRDY")

    mobile_page.goto(store + "/deals")
    screenshot("deals-phone", page=mobile_page)
    page.goto(store + "/deals")
    screenshot("deals")


def test_a_time_windowed_offer_says_when_it_applies(page, store, at_store_time):
    page.goto(store + "/deals")           # Wednesday 10:30 in New York
    happy_hour = deal(page, "Happy hour")
    expect(happy_hour.get_by_test_id("deal-when")).to_have_text(re.compile(r"^Starts 4:00\sPM today$"))

    at_store_time(datetime(2026, 11, 25, 16, 30, tzinfo=NEW_YORK))
    page.reload()
    expect(happy_hour.get_by_test_id("deal-when")).to_have_text(re.compile(r"^On now until 6:00\sPM$"))


def test_a_code_that_has_not_started_cannot_be_applied_yet(page, store_with_a_coming_code, screenshot):
    page.goto(store_with_a_coming_code + "/deals")

    new_year = deal(page, "New Year")
    expect(new_year.get_by_test_id("deal-when")).to_have_text(re.compile(r"^Starts tomorrow, 9:00\sAM$"))
    expect(new_year.get_by_role("button", name="Copy code NEWYEAR")).to_be_visible()
    expect(new_year.get_by_role("button", name="Apply to cart")).to_have_count(0)
    expect(deal(page, "Happy 10").get_by_role("button", name="Apply to cart")).to_be_visible()
    new_year.scroll_into_view_if_needed()
    screenshot("deals-coming-code", full_page=False)


def test_an_automatic_offer_is_shared_from_its_own_page_with_a_way_to_the_shop(page, store, screenshot):
    page.goto(store + "/deals")
    free_shipping = deal(page, "Free shipping over $50")
    expect(free_shipping.get_by_test_id("deal-code")).to_have_count(0)

    free_shipping.get_by_role("link", name="Share Free shipping over $50").click()

    expect(page).to_have_url(store + "/share/offer/free-shipping")
    expect(page.get_by_role("heading", level=1)).to_have_text("Free shipping")
    expect(page.get_by_text("No code needed: it applies by itself in your cart.")).to_be_visible()
    expect(page.get_by_text("Minimum spend $50")).to_be_visible()
    banner = page.get_by_role("img", name="Free shipping, no code needed")
    expect(banner).to_have_js_property("complete", True, timeout=20_000)
    assert banner.evaluate("img => img.naturalWidth") == 1200
    expect(page.get_by_role("link", name="Square post")).to_have_attribute("download", "free-shipping-square.png")
    preview = page.locator('meta[property="og:description"]').get_attribute("content")
    assert preview == "No code needed: it applies by itself in your cart at Arabica & Co. Minimum spend $50."
    screenshot("share-automatic-offer")

    page.get_by_role("link", name="Shop now").click()
    expect(page).to_have_url(store + "/")
