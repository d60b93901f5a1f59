"""Signed banner parameters: tampering is a BadSignature (403), bad values a BannerError (400)."""
from datetime import date

import pytest

from promo.banners import (
    MAX_DISCOUNT,
    MAX_HEADLINE,
    SIGNATURE_PARAM,
    BadSignature,
    BannerError,
    InvalidField,
    UnknownTemplate,
    banner_params,
    banner_request_from_query,
    parse_banner_params,
    sign_params,
    signed_banner_query,
    verify,
)

SECRET = b"test-secret-not-for-production"


@pytest.fixture
def params() -> dict[str, str]:
    return banner_params(
        "og",
        headline="Autumn roast week",
        code="AUTUMN20",
        expires_on=date(2025, 12, 31),
        share_url="https://shop.example/share/AUTUMN20",
        percent=20,
        first_name="Anna",
    )


def test_signature_verifies_regardless_of_key_order(params):
    signature = sign_params(params, SECRET)
    assert verify(dict(reversed(list(params.items()))), signature, SECRET)


@pytest.mark.parametrize("key", ["template", "headline", "code", "expires", "url", "percent", "name"])
def test_changing_any_signed_value_breaks_the_signature(params, key):
    signature = sign_params(params, SECRET)
    tampered = {**params, key: params[key] + "x"}
    assert not verify(tampered, signature, SECRET)


def test_adding_or_removing_a_parameter_breaks_the_signature(params):
    signature = sign_params(params, SECRET)
    assert not verify({**params, "currency": "USD"}, signature, SECRET)
    assert not verify({k: v for k, v in params.items() if k != "name"}, signature, SECRET)


def test_other_secret_or_garbled_signature_is_rejected(params):
    signature = sign_params(params, SECRET)
    assert not verify(params, signature, b"another-secret")
    assert not verify(params, signature[:-1] + ("A" if signature[-1] != "A" else "B"), SECRET)
    assert not verify(params, "", SECRET)
    assert not verify(params, "ünïcode", SECRET)
    assert not verify(params, None, SECRET)


def test_signing_with_an_empty_secret_is_refused(params):
    with pytest.raises(ValueError, match="secret"):
        sign_params(params, b"")


def test_signed_query_round_trips_to_template_and_fields(params):
    request = banner_request_from_query(signed_banner_query(params, SECRET), SECRET)
    assert request.template.name == "og"
    assert request.fields.discount == "20% OFF"
    assert request.fields.first_name == "Anna"
    assert request.fields.expires_on == date(2025, 12, 31)


def test_multi_value_query_form_is_accepted_once_per_key(params):
    query = {key: [value] for key, value in signed_banner_query(params, SECRET).items()}
    assert banner_request_from_query(query, SECRET).fields.code == "AUTUMN20"

    query["headline"] = [params["headline"], "Free coffee for everyone"]
    with pytest.raises(BadSignature, match="repeated"):
        banner_request_from_query(query, SECRET)


def test_unsigned_request_is_a_bad_signature(params):
    with pytest.raises(BadSignature, match="not signed"):
        banner_request_from_query(params, SECRET)


def test_tampered_request_is_a_bad_signature_not_a_bad_request(params):
    query = signed_banner_query(params, SECRET)
    query["headline"] = "Everything free today"
    with pytest.raises(BadSignature) as caught:
        banner_request_from_query(query, SECRET)
    # The web layer maps BannerError to 400; a forgery must not be caught by that handler.
    assert not isinstance(caught.value, BannerError)


def test_signature_is_checked_before_the_values(params):
    """Even an invalid value gets 403 when unsigned: forgers learn nothing about validation."""
    query = {**params, "template": "billboard", SIGNATURE_PARAM: "forged"}
    with pytest.raises(BadSignature):
        banner_request_from_query(query, SECRET)


def test_signed_but_unknown_template_is_a_banner_error(params):
    query = signed_banner_query({**params, "template": "billboard"}, SECRET)
    with pytest.raises(UnknownTemplate, match="billboard.*og, square, story"):
        banner_request_from_query(query, SECRET)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"headline": "x" * (MAX_HEADLINE + 1)}, "headline is 81 characters; the limit is 80"),
        ({"headline": "   "}, "headline is required"),
        ({"headline": "line\nbreak"}, "control"),
        ({"code": "SPACE CODE"}, "code is letters"),
        ({"code": "C" * 25}, "limit is 24"),
        ({"name": "N" * 61}, "first name is 61 characters"),
        ({"url": "javascript:alert(1)"}, "http"),
        ({"expires": "31/12/2025"}, "not a date"),
        ({"expires": "2025-02-30"}, "not a date"),
        ({"percent": "0"}, "above 0"),
        ({"percent": "150"}, "at most 100"),
        ({"percent": "ten"}, "not a number"),
        ({"locale": "xx_QQ"}, "unknown locale"),
        ({"template": "x" * 300}, "longer than 256"),
        ({"colour": "red"}, "unknown parameters: colour"),
    ],
)
def test_out_of_bounds_values_are_banner_errors(params, change, message):
    with pytest.raises(BannerError, match=message):
        parse_banner_params({**params, **change})


def test_amount_discount_needs_a_known_currency(params):
    base = {k: v for k, v in params.items() if k != "percent"}
    assert parse_banner_params({**base, "amount": "1000", "currency": "USD"}).fields.discount == "$10 OFF"
    with pytest.raises(InvalidField, match="currency"):
        parse_banner_params({**base, "amount": "1000"})
    with pytest.raises(InvalidField, match="unknown currency"):
        parse_banner_params({**base, "amount": "1000", "currency": "QQQ"})
    with pytest.raises(InvalidField, match="exactly one"):
        parse_banner_params({**params, "amount": "1000", "currency": "USD"})


def test_missing_parameter_is_named(params):
    with pytest.raises(InvalidField, match="missing parameters: url"):
        parse_banner_params({k: v for k, v in params.items() if k != "url"})


# --- offers in words, banners without a code ------------------------------------------------


@pytest.fixture
def offer_params() -> dict[str, str]:
    """An automatic promotion: the offer in words, and no code."""
    return banner_params(
        "square",
        headline="Three bags, one free",
        code=None,
        expires_on=None,
        share_url="https://shop.example/",
        offer="BUY 3, CHEAPEST FREE",
    )


def test_an_offer_in_words_round_trips_without_a_code(offer_params):
    assert "code" not in offer_params

    request = banner_request_from_query(signed_banner_query(offer_params, SECRET), SECRET)

    assert request.fields.discount == "BUY 3, CHEAPEST FREE"
    assert request.fields.code is None


@pytest.mark.parametrize("key", ["offer", "headline"])
def test_changing_the_offer_breaks_the_signature(offer_params, key):
    query = signed_banner_query(offer_params, SECRET)
    query[key] = "EVERYTHING FREE"
    with pytest.raises(BadSignature):
        banner_request_from_query(query, SECRET)


def test_adding_a_code_to_a_code_less_banner_breaks_the_signature(offer_params):
    query = signed_banner_query(offer_params, SECRET)
    with pytest.raises(BadSignature):
        banner_request_from_query({**query, "code": "FREE100"}, SECRET)


@pytest.mark.parametrize("discount", [
    {},
    {"percent": "20"},
    {"amount": "1000", "currency": "USD"},
])
def test_exactly_one_of_percent_amount_or_offer(offer_params, discount):
    """Alone each is fine; the offer plus a number (or nothing at all) is refused."""
    without_offer = {k: v for k, v in offer_params.items() if k != "offer"}
    if discount:
        assert parse_banner_params({**without_offer, **discount}).fields.discount
    with pytest.raises(InvalidField, match="exactly one of 'percent', 'amount' .* or 'offer'"):
        parse_banner_params({**offer_params, **discount} if discount else without_offer)


@pytest.mark.parametrize(("offer", "message"), [
    ("X" * (MAX_DISCOUNT + 1), f"offer is {MAX_DISCOUNT + 1} characters; the limit is {MAX_DISCOUNT}"),
    ("", "offer is required"),
    ("FREE\tTOTE", "offer contains control"),
    ("FREE \u200bTOTE", "offer contains control or invisible"),
    ("ฟรี", "offer contains characters the banner font cannot draw"),
])
def test_an_offer_the_banner_cannot_draw_is_a_banner_error(offer_params, offer, message):
    with pytest.raises(BannerError, match=message):
        parse_banner_params({**offer_params, "offer": offer})
    with pytest.raises(BannerError, match=message):
        banner_params("og", headline="Offer", code=None, expires_on=None,
                      share_url="https://shop.example/", offer=offer)


def test_building_params_with_bad_values_fails_at_link_time():
    with pytest.raises(InvalidField, match="headline"):
        banner_params("square", headline="x" * 200, code="OK1", expires_on=date(2025, 1, 1),
                      share_url="https://shop.example/s/OK1", percent=10)
