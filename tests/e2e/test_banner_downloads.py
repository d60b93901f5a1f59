"""Download buttons hand the shopper a real banner: a personal one from the wallet, a public one
from the deals page."""
import io
from urllib.parse import parse_qs, urlparse

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def fetch_png(page, store, href):
    response = page.request.get(store + href)
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    return Image.open(io.BytesIO(response.body()))


def test_wallet_download_returns_the_shoppers_personal_banner(page, store, switch_persona):
    switch_persona(page, "birthday")
    page.goto(store + "/wallet")
    personal = page.locator("[data-testid=wallet-offer][data-campaign=birthday]")
    code = personal.get_attribute("data-code")
    link = personal.get_by_test_id("banner-download")
    expect(link).to_be_visible()
    href = link.get_attribute("href")

    query = parse_qs(urlparse(href).query)
    assert query["code"] == [code]
    assert query["name"], "a personal banner greets the shopper by first name"
    image = fetch_png(page, store, href)
    assert image.size == (1080, 1080)


def test_deals_page_offers_a_banner_download_for_a_public_code(page, store):
    page.goto(store + "/deals")
    black_friday = page.locator("[data-testid=deal][data-campaign=blckfrdy]")
    href = black_friday.get_by_test_id("banner-download").get_attribute("href")

    assert parse_qs(urlparse(href).query)["code"] == ["BLCKFRDY"]
    assert fetch_png(page, store, href).size == (1080, 1080)


def test_an_automatic_offer_in_words_downloads_as_a_banner(page, store):
    """Spend tiers have no single number and no code: the banner says "UP TO 15% OFF" and
    that no code is needed, and the browser saves it as a PNG."""
    page.goto(store + "/deals")
    tiers = page.locator("[data-testid=deal][data-campaign=spend-tiers]")
    link = tiers.get_by_role("link", name="Download banner")
    expect(link).to_be_visible()
    query = parse_qs(urlparse(link.get_attribute("href")).query)
    assert query["offer"] == ["UP TO 15% OFF"]
    assert "code" not in query

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value

    assert download.suggested_filename == "spend-tiers-banner.png"
    with Image.open(download.path()) as image:
        assert image.format == "PNG"
        assert image.size == (1080, 1080)
