"""The same store in Thai baht: currency, money format and time zone come from configuration."""
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

BANGKOK_NOW = datetime(2026, 11, 25, 10, 30, tzinfo=ZoneInfo("Asia/Bangkok"))


THB_PACK = Path(__file__).resolve().parents[2] / "scenarios" / "arabica-thb.yaml"


@pytest.fixture(scope="module")
def thb_store(make_app, make_live_server, seed_store):
    app = make_app(
        WTF_CSRF_ENABLED=True, STORE_CURRENCY="THB", STORE_LOCALE="th_TH", STORE_TIMEZONE="Asia/Bangkok",
        DEMO_SCENARIO=str(THB_PACK),
    )
    seed_store(app, BANGKOK_NOW, THB_PACK)
    return make_live_server(app)


def test_thb_store_shows_baht_prices_and_offers(page, thb_store, screenshot):
    page.goto(thb_store + "/shop/arabica")
    ethiopia = page.locator("[data-testid=product-card][data-sku=ARA-ETH-YIRG]")
    expect(ethiopia.get_by_test_id("price-now")).to_have_text("฿680.00")
    brazil = page.locator("[data-testid=product-card][data-sku=ARA-BRA-CERRADO]")
    expect(brazil.get_by_test_id("price-now")).to_have_text("฿432.00")   # clearance: 540 - 20%
    expect(brazil.get_by_test_id("price-was")).to_have_text("฿540.00")
    expect(page.get_by_test_id("category-offers")).to_contain_text("฿350 off")   # first order
    screenshot("thb-category-arabica")

    page.goto(thb_store + "/deals")
    black_friday = page.locator("[data-testid=deal][data-campaign=blckfrdy]")
    expect(black_friday).to_contain_text("20% off, up to ฿1,750")
    free_shipping = page.locator("[data-testid=deal][data-campaign=free-shipping]")
    expect(free_shipping.get_by_test_id("deal-restrictions")).to_contain_text("Minimum spend ฿1,500")
    happy_hour = page.locator("[data-testid=deal][data-campaign=happy-hour]")
    expect(happy_hour.get_by_test_id("deal-timeframe")).to_contain_text("16:00")   # 24-hour clock in th_TH
