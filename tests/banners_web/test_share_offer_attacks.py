"""GET /share/offer/<campaign> as a hostile shopper tries it: guessed ids, campaigns not open to
everyone, NUL bytes, very long ids and path tricks. Each is the same friendly 404 as an unknown
offer, never a 500 and never a page naming what it guarded."""
from __future__ import annotations

import pytest

from tests.banners_web.test_share_offer_page import promotion
from tests.banners_web.test_share_page import not_available

SECRET_NAME = "Staff secret 90 percent"


def test_promotions_not_open_to_everyone_have_no_page(store, client):
    promotion(store, id="archived", name=SECRET_NAME)
    store.engine.set_campaign_status("archived", "archive")
    promotion(store, id="staff", name=SECRET_NAME, visibility={"audience": {"fact": "customer.segment", "is": "staff"}})

    for campaign_id in ("archived", "staff"):
        response = client.get(f"/share/offer/{campaign_id}")
        assert SECRET_NAME not in not_available(response)
        assert SECRET_NAME not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/share/offer/" + "x" * 5000,
    "/share/offer/FREE-SHIPPING",
    "/share/offer/free-shipping%20",
    "/share/offer/%20free-shipping",
    "/share/offer/%2e%2e",
    "/share/offer/%E2%80%AEfree-shipping",
    "/share/offer/%ff%fe",
    "/share/offer/happy10",
])
def test_guessed_and_malformed_ids_get_the_friendly_404(store, client, path):
    promotion(store)
    store.coupon()

    not_available(client.get(path))


@pytest.mark.parametrize("path", [
    "/share/offer/free-shipping%00",
    "/share/offer/%00",
    "/share/offer/free%00shipping",
    "/share/offer/..%2Ffree-shipping",
    "/share/offer/free-shipping%2F..",
    "/share/offer/%2Fshare%2Foffer%2Ffree-shipping",
])
def test_nul_bytes_and_encoded_slashes_are_refused_without_the_offer(store, client, path):
    promotion(store, name=SECRET_NAME)

    response = client.get(path)

    assert response.status_code in (400, 404)
    assert SECRET_NAME not in response.get_data(as_text=True)
