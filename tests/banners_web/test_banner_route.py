"""GET /banners/<template>.png: signed URLs draw, anything else is refused with the right status."""
from __future__ import annotations

import io
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from PIL import Image

from promo.banners import MAX_DISCOUNT, MAX_HEADLINE, TEMPLATES, BannerError, sign_params
from shop.storefront.share import IMMUTABLE, banner_cache
from shop.web.banner_links import banner_signing_key, banner_url

SIZES = {"og": (1200, 630), "square": (1080, 1080), "story": (1080, 1920)}

VALID = {
    "headline": "Autumn roast week",
    "code": "AUTUMN20",
    "expires": "2030-12-31",
    "url": "https://shop.example/share/AUTUMN20",
    "percent": "20",
    "locale": "en_US",
}


def link(app, template: str = "og", **overrides) -> str:
    """A URL made the way templates make them."""
    fields = dict(
        headline="Autumn roast week", code="AUTUMN20", expires_on=date(2030, 12, 31),
        share_url="https://shop.example/share/AUTUMN20", percent=20,
    )
    fields.update(overrides)
    with app.test_request_context():
        return banner_url(template, **fields)


def hand_signed(app, template: str, params: dict[str, str]) -> str:
    """A URL for parameters banner_url would refuse to make, signed with the app's real key."""
    signature = sign_params({"template": template, **params}, banner_signing_key(app))
    return f"/banners/{template}.png?" + urlencode({**params, "sig": signature})


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def with_query(url: str, query: dict[str, str]) -> str:
    return urlsplit(url).path + "?" + urlencode(query)


@pytest.mark.parametrize("template", sorted(SIZES))
def test_signed_url_serves_a_png_of_the_templates_size(app, client, template):
    assert set(SIZES) <= set(TEMPLATES)
    response = client.get(link(app, template))

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG"
    assert image.size == SIZES[template]


def test_image_response_is_cacheable_forever_with_a_strong_etag(app, client):
    response = client.get(link(app))

    assert response.headers["Cache-Control"] == IMMUTABLE
    etag, weak = response.get_etag()
    assert etag and not weak
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_different_content_gets_a_different_etag(app, client):
    first = client.get(link(app, headline="Autumn roast week"))
    second = client.get(link(app, headline="Winter roast week"))

    assert first.get_etag()[0] != second.get_etag()[0]
    assert first.data != second.data


def test_rendered_banner_is_kept_under_the_instance_folder(app, client):
    response = client.get(link(app))

    stored = list((banner_cache(app).directory).rglob("*.png"))
    assert banner_cache(app).directory.is_relative_to(app.instance_path)
    assert [path.read_bytes() for path in stored] == [response.data]


def test_head_answers_like_get_without_a_body(app, client):
    url = link(app)
    get = client.get(url)
    head = client.head(url)

    assert head.status_code == 200
    assert head.mimetype == "image/png"
    assert head.data == b""
    assert head.get_etag() == get.get_etag()
    assert int(head.headers["Content-Length"]) == len(get.data)


# --- signatures -----------------------------------------------------------------------------


def test_tampered_signature_is_forbidden(app, client):
    url = link(app)
    query = query_of(url)
    query["sig"] = ("A" if query["sig"][0] != "A" else "B") + query["sig"][1:]

    response = client.get(with_query(url, query))

    assert response.status_code == 403
    assert b"signature does not match" in response.data
    assert response.mimetype == "text/plain"


def test_missing_signature_is_forbidden(app, client):
    url = link(app)
    query = query_of(url)
    del query["sig"]

    response = client.get(with_query(url, query))

    assert response.status_code == 403
    assert b"not signed" in response.data


def test_changed_text_under_a_genuine_signature_is_forbidden(app, client):
    url = link(app)
    query = query_of(url)
    query["headline"] = "Everything free"

    assert client.get(with_query(url, query)).status_code == 403


def test_moving_a_signature_to_another_template_is_forbidden(app, client):
    url = link(app, "og")

    assert client.get(url.replace("/banners/og.png", "/banners/story.png")).status_code == 403


def test_repeated_parameter_is_forbidden(app, client):
    url = link(app)

    response = client.get(url + "&headline=Everything+free")

    assert response.status_code == 403
    assert b"repeated" in response.data


def test_url_signed_by_another_secret_is_forbidden(make_app):
    maker = make_app(SECRET_KEY="one-secret")
    other = make_app(SECRET_KEY="another-secret")

    assert other.test_client().get(link(maker)).status_code == 403
    assert maker.test_client().get(link(maker)).status_code == 200


# --- bounds ---------------------------------------------------------------------------------


def test_unknown_template_is_a_bad_request(app, client):
    response = client.get(hand_signed(app, "poster", VALID))

    assert response.status_code == 400
    assert b"unknown banner template 'poster'" in response.data


def test_unknown_size_parameter_is_a_bad_request(app, client):
    response = client.get(hand_signed(app, "og", {**VALID, "size": "4000x4000"}))

    assert response.status_code == 400
    assert b"unknown parameters: size" in response.data


def test_oversized_headline_is_a_bad_request(app, client):
    response = client.get(hand_signed(app, "og", {**VALID, "headline": "x" * (MAX_HEADLINE + 1)}))

    assert response.status_code == 400
    assert b"headline" in response.data and str(MAX_HEADLINE).encode() in response.data


def test_template_in_the_query_is_a_bad_request(app, client):
    response = client.get(link(app) + "&template=story")

    assert response.status_code == 400
    assert b"belongs in the path" in response.data


def test_refusals_are_not_cached(app, client):
    response = client.get(hand_signed(app, "poster", VALID))

    assert response.headers["Cache-Control"] == "no-store"


def test_banner_url_refuses_to_link_a_banner_it_could_not_draw(app):
    with pytest.raises(BannerError, match="headline"):
        link(app, headline="x" * (MAX_HEADLINE + 1))


def test_banner_url_uses_the_store_locale_unless_told(make_app):
    app = make_app(STORE_LOCALE="pl_PL")

    assert query_of(link(app))["locale"] == "pl_PL"
    assert query_of(link(app, locale="de_DE"))["locale"] == "de_DE"


def test_banner_url_can_be_absolute(app):
    assert link(app, _external=True).startswith("http://localhost/banners/og.png?")


# --- revalidation ---------------------------------------------------------------------------


def test_matching_etag_gets_304_without_drawing_or_reading(app, client, monkeypatch):
    url = link(app)
    first = client.get(url)
    etag = first.headers["ETag"]

    def must_not_run(*args, **kwargs):
        raise AssertionError("a revalidation must not draw or read the banner")

    monkeypatch.setattr(banner_cache(app), "get_or_render", must_not_run)
    again = client.get(url, headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == IMMUTABLE


def test_304_needs_no_rendered_file_at_all(make_app, app, client, monkeypatch):
    """A fresh server (empty cache) answers a browser's revalidation from the URL alone."""
    etag = client.get(link(app)).headers["ETag"]
    fresh = make_app()
    monkeypatch.setattr(banner_cache(fresh), "_render", lambda *a: pytest.fail("rendered on a 304"))

    response = fresh.test_client().get(link(fresh), headers={"If-None-Match": etag})

    assert response.status_code == 304


def test_stale_etag_gets_the_image(app, client):
    response = client.get(link(app), headers={"If-None-Match": '"not-this-one"'})

    assert response.status_code == 200
    assert response.mimetype == "image/png"


def test_forged_request_is_refused_even_with_a_matching_etag(app, client):
    url = link(app)
    etag = client.get(url).headers["ETag"]
    query = query_of(url)
    del query["sig"]

    assert client.get(with_query(url, query), headers={"If-None-Match": etag}).status_code == 403


# --- offers in words, automatic promotions --------------------------------------------------

OFFER = {
    "headline": "Three bags, one free",
    "url": "https://shop.example/",
    "offer": "BUY 3, CHEAPEST FREE",
    "locale": "en_US",
}


def offer_link(app, template: str = "og", **overrides) -> str:
    fields = dict(headline="Three bags, one free", code=None, expires_on=None,
                  share_url="https://shop.example/", offer="BUY 3, CHEAPEST FREE")
    fields.update(overrides)
    with app.test_request_context():
        return banner_url(template, **fields)


@pytest.mark.parametrize("template", sorted(SIZES))
def test_an_offer_in_words_without_a_code_serves_a_png(app, client, template):
    url = offer_link(app, template)
    response = client.get(url)

    assert "code" not in query_of(url)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == SIZES[template]
    assert response.get_etag()[0]


def test_changed_offer_words_under_a_genuine_signature_are_forbidden(app, client):
    url = offer_link(app)
    query = query_of(url)
    query["offer"] = "EVERYTHING FREE"

    assert client.get(with_query(url, query)).status_code == 403


@pytest.mark.parametrize("change, message", [
    ({"offer": "X" * (MAX_DISCOUNT + 1)}, b"offer is 33 characters; the limit is 32"),
    ({"percent": "20"}, b"exactly one of"),
    ({"offer": "FREE \u5496\u5561"}, b"cannot draw"),
])
def test_signed_but_undrawable_offers_are_bad_requests(app, client, change, message):
    response = client.get(hand_signed(app, "og", {**OFFER, **change}))

    assert response.status_code == 400
    assert message in response.data
