"""The end-to-end rig works: a live server, Debian Chromium, and the vendored htmx."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_home_page_shows_the_store_and_loads_htmx(page, live_server, screenshot):
    response = page.goto(live_server + "/")

    assert response is not None and response.status == 200
    expect(page).to_have_title("Arabica & Co.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arabica & Co.")
    expect(page.get_by_role("link", name="See today's deals")).to_be_visible()
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.version").startswith("2.")
    # This rig's store is empty (no scenario pack): it says so rather than showing empty shelves.
    expect(page.get_by_test_id("no-categories")).to_contain_text("no products yet")
    screenshot("home-empty-store")


def test_unknown_page_shows_a_friendly_404_with_a_way_back(page, live_server):
    response = page.goto(live_server + "/no-such-page")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We couldn't find that page")
    page.get_by_role("link", name="Back to the shop").click()
    expect(page).to_have_url(live_server + "/")
