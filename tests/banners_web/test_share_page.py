"""GET /share/<code>: link previews for public and referral codes, nothing for anyone else's code."""
from __future__ import annotations

import io
import re
from datetime import date
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from PIL import Image

from promo.banners import MAX_HEADLINE, BannerError
from shop.storefront.model import cart_state, customer
from shop.web.banner_links import campaign_banner_url, last_valid_day, offer_banner_url


def meta(html: str, key: str) -> str | None:
    """content of <meta property|name="key">."""
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return unescape(match.group(1)) if match else None


def main_text(html: str) -> str:
    main = re.search(r"<main\b.*?</main>", html, re.S).group(0)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip())


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def cart_codes(client) -> tuple[str, ...]:
    with client.session_transaction() as session:
        return cart_state.load(session).codes


# --- public coupons -------------------------------------------------------------------------


def test_coupon_page_has_open_graph_and_twitter_card_tags(store, client):
    store.coupon()

    response = client.get("/share/HAPPY10")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert meta(html, "og:url") == "http://localhost/share/HAPPY10"
    assert meta(html, "og:title") == "10% off · Happy Hour"
    assert "Use code HAPPY10" in meta(html, "og:description")
    assert meta(html, "og:image").startswith("http://localhost/banners/og.png?")
    assert meta(html, "og:image:width") == "1200" and meta(html, "og:image:height") == "630"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image") == meta(html, "og:image")


def test_coupon_og_image_is_the_1200x630_banner_of_this_offer(store, client):
    store.coupon()
    image_url = meta(client.get("/share/HAPPY10").get_data(as_text=True), "og:image")

    params = dict(parse_qsl(urlsplit(image_url).query))
    response = client.get(local_path(image_url))

    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (1200, 630)
    assert params["code"] == "HAPPY10"
    assert params["percent"] == "10"
    assert params["expires"] == "2030-12-31"
    assert params["url"] == "http://localhost/share/HAPPY10"  # the QR code leads back here


def test_coupon_page_states_discount_code_expiry_and_restrictions(store, client):
    store.coupon()

    text = main_text(client.get("/share/HAPPY10").get_data(as_text=True))

    assert "10% off" in text
    assert "Use code HAPPY10 at checkout" in text
    assert "Ends Dec 31, 2030" in text
    assert "Minimum spend $30" in text


def test_copy_link_has_a_selectable_fallback_and_no_inline_script(store, client):
    store.coupon()

    html = client.get("/share/HAPPY10").get_data(as_text=True)

    assert re.search(r'<input[^>]*id="share-url"[^>]*value="http://localhost/share/HAPPY10"[^>]*readonly', html)
    assert 'data-copy-link="share-url"' in html
    assert "/static/js/share.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline scripts break a strict CSP"


def test_page_offers_banner_downloads_for_each_layout(store, client):
    store.coupon()

    html = client.get("/share/HAPPY10").get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)" download="happy10-(\w+)\.png"', html)

    assert [layout for _, layout in links] == ["square", "story", "og"]
    sizes = {layout: Image.open(io.BytesIO(client.get(local_path(unescape(url))).data)).size for url, layout in links}
    assert sizes == {"square": (1080, 1080), "story": (1080, 1920), "og": (1200, 630)}


def test_code_in_the_link_is_matched_ignoring_case(store, client):
    store.coupon()

    html = client.get("/share/happy10").get_data(as_text=True)

    assert meta(html, "og:url") == "http://localhost/share/HAPPY10"


def test_offer_without_an_end_date_is_shared_with_an_image_that_names_no_expiry(store, client):
    store.coupon(active=None)

    html = client.get("/share/HAPPY10").get_data(as_text=True)

    image_url = meta(html, "og:image")
    assert image_url is not None
    assert "expires=" not in image_url
    assert meta(html, "twitter:card") == "summary_large_image"
    assert "10% off" in main_text(html)
    assert client.get(image_url.removeprefix("http://localhost")).status_code == 200


# --- codes without a share page -------------------------------------------------------------


def not_available(response) -> str:
    assert response.status_code == 404
    text = main_text(response.get_data(as_text=True))
    assert "This offer isn't available" in text
    return text


def test_unknown_code_gets_a_friendly_404(client):
    not_available(client.get("/share/NOPE42"))


def test_absurdly_long_code_gets_404(client):
    not_available(client.get("/share/" + "A" * 500))


def test_disabled_code_gets_404(store, client):
    store.coupon()
    store.engine.set_code_status("HAPPY10", "disable")

    not_available(client.get("/share/HAPPY10"))


def test_paused_campaign_gets_404(store, client):
    store.coupon()
    store.engine.set_campaign_status("happy10", "pause")

    not_available(client.get("/share/HAPPY10"))


def test_ended_campaign_gets_404(store, client):
    store.coupon(active={"until": "2020-01-31"})

    not_available(client.get("/share/HAPPY10"))


def test_hidden_coupon_gets_404(store, client):
    store.coupon(visibility={"listed": False})

    not_available(client.get("/share/HAPPY10"))


def test_someone_elses_personal_code_looks_exactly_like_an_unknown_code(store, app, client):
    campaign_id = store.bulk()
    personal = store.published_code(campaign_id, "ana")
    unassigned = store.unassigned_code(campaign_id)

    unknown_page = not_available(client.get("/share/SORRY-AAAAAAAA"))

    assert not_available(client.get(f"/share/{personal}")) == unknown_page
    assert not_available(client.get(f"/share/{unassigned}")) == unknown_page


def test_referral_code_nobody_holds_gets_404(store, client):
    campaign_id = store.referral()

    not_available(client.get(f"/share/{store.unassigned_code(campaign_id)}"))
    assert cart_codes(client) == ()


# --- referral codes -------------------------------------------------------------------------


def test_referral_link_puts_the_code_in_the_visitors_cart(store, client):
    code = store.published_code(store.referral(), "ana")

    response = client.get(f"/share/{code}")

    assert response.status_code == 200
    text = main_text(response.get_data(as_text=True))
    assert f"Code {code} is saved in your cart" in text
    assert "$10 off" in text and "New customers only" in text
    assert "Ana" not in text  # the friend who shared it stays private
    assert cart_codes(client) == (code,)


def test_referral_code_is_saved_once_next_to_codes_already_entered(store, client):
    code = store.published_code(store.referral(), "ana")
    with client.session_transaction() as session:
        cart_state.save(session, cart_state.SessionCart(items={"BLD-HOUSE": 2}, codes=("HAPPY10",)))

    client.get(f"/share/{code}")
    client.get(f"/share/{code.lower()}")

    assert cart_codes(client) == ("HAPPY10", code)
    with client.session_transaction() as session:
        assert cart_state.load(session).items == {"BLD-HOUSE": 2}


def test_full_cart_keeps_its_codes_and_asks_for_the_referral_code_at_checkout(store, client):
    code = store.published_code(store.referral(), "ana")
    entered = tuple(f"CODE{i}" for i in range(cart_state.MAX_CODES))
    with client.session_transaction() as session:
        cart_state.save(session, cart_state.SessionCart(codes=entered))

    text = main_text(client.get(f"/share/{code}").get_data(as_text=True))

    assert f"Enter {code} at checkout" in text
    assert cart_codes(client) == entered


def test_advocate_opening_their_own_link_is_told_to_share_it_not_given_it(store, client):
    code = store.published_code(store.referral(), "ana")
    with client.session_transaction() as session:
        session[customer.CUSTOMER_KEY] = "ana"  # signed in as the advocate

    text = main_text(client.get(f"/share/{code}").get_data(as_text=True))

    assert "This is your own referral link" in text
    assert cart_codes(client) == ()


def test_coupon_page_leaves_the_cart_alone(store, client):
    store.coupon()

    client.get("/share/HAPPY10")

    assert cart_codes(client) == ()


# --- offer_banner_url -----------------------------------------------------------------------


def banner_query(app, campaign_id: str, code: str, **options) -> dict[str, str] | None:
    campaign = app.extensions["promo.engine"].load_campaign(campaign_id)
    with app.test_request_context():
        url = offer_banner_url(campaign, code, **options)
    return None if url is None else dict(parse_qsl(urlsplit(url).query))


def test_offer_banner_takes_discount_and_last_day_from_the_campaign(app, store):
    store.coupon(currency="PLN", effect={"type": "amount_off_order", "amount": 5000})

    query = banner_query(app, "happy10", "HAPPY10", first_name="Ana")

    assert query["amount"] == "5000" and query["currency"] == "PLN"
    assert query["expires"] == "2030-12-31"
    assert query["headline"] == "Happy Hour"
    assert query["name"] == "Ana"


def test_personal_code_banner_links_its_qr_code_to_the_store_not_a_share_page(app, store):
    campaign_id = store.bulk()
    code = store.published_code(campaign_id)

    assert banner_query(app, campaign_id, code)["url"] == "http://localhost/"
    assert banner_query(app, "sorry", code, share_url="https://example.com/x")["url"] == "https://example.com/x"


def test_offer_banner_accepts_a_campaign_id_as_views_carry_it(app, store):
    store.coupon()

    with app.test_request_context():
        by_id = offer_banner_url("happy10", "HAPPY10")
        by_campaign = offer_banner_url(store.engine.load_campaign("happy10"), "HAPPY10")

    assert by_id == by_campaign and by_id.startswith("/banners/square.png?")


def test_automatic_promotion_gets_a_banner_without_a_code_linking_to_its_share_page(app, store):
    store.campaign({"id": "bags", "name": "Three bags, one free", "kind": "promotion",
                    "effect": {"type": "cheapest_items", "percent": 100, "every": 3}})

    query = banner_query(app, "bags", None)

    assert "code" not in query
    assert query["offer"] == "BUY 3, CHEAPEST FREE"
    assert query["url"] == "http://localhost/share/offer/bags"


def test_a_promotion_for_some_shoppers_only_links_its_banner_to_the_store(app, store):
    store.campaign({"id": "bags", "name": "Three bags, one free", "kind": "promotion",
                    "visibility": {"audience": {"fact": "customer.new", "is": True}},
                    "effect": {"type": "cheapest_items", "percent": 100, "every": 3}})

    assert banner_query(app, "bags", None)["url"] == "http://localhost/"


def test_long_campaign_name_is_cut_to_fit_the_headline(app, store):
    store.coupon(name="A very long campaign name " * 5)

    headline = banner_query(app, "happy10", "HAPPY10")["headline"]

    assert len(headline) == MAX_HEADLINE and headline.endswith("\u2026")


@pytest.mark.parametrize("effect, words", [
    ({"type": "free_gift", "gift": {"sku": "MERCH-MUG", "name": "Mug", "price": 1200}}, "FREE MUG"),
    ({"type": "shipping"}, "FREE SHIPPING"),
    ({"type": "tiers", "tiers": [{"min_subtotal": 5000, "percent": 5}, {"min_subtotal": 9000, "percent": 12}]},
     "UP TO 12% OFF"),
    ({"type": "buy_x_get_y", "buy": {"quantity": 2}, "get": {"quantity": 1}}, "BUY 2, GET 1 FREE"),
    ({"type": "amount_off_order", "amount": {"formula": "1000 if customer.new else 500", "fallback": 500}},
     "$5\u2013$10 OFF"),
])
def test_offers_one_number_cannot_state_get_a_banner_in_words(app, store, effect, words):
    store.coupon(effect=effect)

    query = banner_query(app, "happy10", "HAPPY10")

    assert query["offer"] == words
    assert "percent" not in query and "amount" not in query


def test_a_campaigns_own_banner_label_is_drawn_instead_of_the_generated_words(app, store):
    store.coupon(effect={"type": "shipping"}, banner={"label": "FREE SHIPPING, ALWAYS"})

    assert banner_query(app, "happy10", "HAPPY10")["offer"] == "FREE SHIPPING, ALWAYS"


def test_only_text_the_banner_cannot_draw_leaves_an_offer_without_a_banner(app, store):
    store.coupon(effect={"type": "shipping"}, banner={"label": "ส่งฟรี"})

    assert banner_query(app, "happy10", "HAPPY10") is None
    with app.test_request_context(), pytest.raises(BannerError, match="cannot draw"):
        campaign_banner_url("happy10", "HAPPY10")


def test_a_gift_card_campaign_has_no_offer_to_put_on_a_banner(app, store):
    store.campaign({"id": "card", "name": "Gift card", "kind": "gift_card", "gift_card": {"balance": 5000}})

    with app.test_request_context():
        assert offer_banner_url("card", None) is None
        with pytest.raises(BannerError, match="gift card campaign has no offer"):
            campaign_banner_url("card", None)


def test_last_valid_day_is_the_day_before_a_midnight_end(app, store):
    store.coupon(active={"until": "2030-06-30"})

    assert last_valid_day(store.engine.load_campaign("happy10")) == date(2030, 6, 30)
