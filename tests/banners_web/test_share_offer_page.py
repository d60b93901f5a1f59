"""GET /share/offer/<campaign>: automatic promotions on the deals page have a share page too,
with the banner and link preview of a code's page but "no code needed" and a way to the shop."""
from __future__ import annotations

from tests.banners_web.test_share_page import local_path, main_text, meta, not_available

FREE_SHIPPING = {
    "id": "free-shipping", "name": "Free shipping over $50", "kind": "promotion",
    "eligibility": {"fact": "cart.subtotal", "gte": 5000},
    "effect": {"type": "shipping", "percent": 100},
    "active": {"until": "2030-12-31"},
}


def promotion(store, **overrides) -> str:
    return store.campaign({key: value for key, value in {**FREE_SHIPPING, **overrides}.items() if value is not None})


def test_promotion_page_previews_the_offer_with_its_banner_and_no_code(store, client):
    promotion(store)

    response = client.get("/share/offer/free-shipping")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert meta(html, "og:url") == "http://localhost/share/offer/free-shipping"
    assert meta(html, "og:title") == "Free shipping · Free shipping over $50"
    assert meta(html, "og:description") == (
        "No code needed: it applies by itself in your cart at Arabica & Co. Minimum spend $50. Ends Dec 31, 2030."
    )
    assert meta(html, "og:image:alt") == "Free shipping, no code needed"
    assert meta(html, "twitter:card") == "summary_large_image"
    image = client.get(local_path(meta(html, "og:image")))
    assert image.status_code == 200 and image.mimetype == "image/png"


def test_promotion_page_says_no_code_is_needed_and_leads_to_the_shop(store, client):
    promotion(store)

    text = main_text(client.get("/share/offer/free-shipping").get_data(as_text=True))

    assert "Free shipping over $50" in text
    assert "On now" in text
    assert "No code needed: it applies by itself in your cart." in text
    assert "Minimum spend $50" in text
    assert "Shop now" in text
    assert "Use code" not in text and "Copy code" not in text


def test_preview_text_has_one_full_stop_after_each_sentence(store, client):
    promotion(store, eligibility=None, active=None, description="Free shipping on every order.")

    description = meta(client.get("/share/offer/free-shipping").get_data(as_text=True), "og:description")

    assert description == "No code needed: it applies by itself in your cart at Arabica & Co."
    assert ".." not in description


def test_deals_page_links_every_automatic_offer_to_its_share_page(store, client):
    promotion(store)

    assert 'href="/share/offer/free-shipping" aria-label="Share Free shipping over $50"' in (
        client.get("/deals").get_data(as_text=True))


def test_paused_ended_hidden_or_targeted_promotions_have_no_page(store, client):
    promotion(store, id="paused")
    store.engine.set_campaign_status("paused", "pause")
    promotion(store, id="ended", active={"until": "2020-01-31"})
    promotion(store, id="hidden", visibility={"listed": False})
    promotion(store, id="win-back", visibility={"audience": {"fact": "customer.dormant_days", "gte": 90}})

    for campaign_id in ("paused", "ended", "hidden", "win-back", "no-such-offer"):
        not_available(client.get(f"/share/offer/{campaign_id}"))


def test_a_code_has_its_own_page_not_the_promotion_page(store, client):
    store.coupon()

    not_available(client.get("/share/offer/happy10"))
