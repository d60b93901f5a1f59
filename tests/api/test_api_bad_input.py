"""Hostile and broken requests get a clear 4xx in the error envelope, never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.apikit import BEANS_40, coupon


@pytest.fixture(scope="module")
def seeded(shared_api):
    """Offers whose messages and hints are formatted for every evaluation (money, locales)."""
    shared_api.ok("POST", "/campaigns", 201, json=coupon())
    shared_api.ok("POST", "/campaigns", 201, json={
        "id": "free-shipping", "name": "Free shipping", "kind": "promotion",
        "eligibility": {"fact": "cart.subtotal", "gte": 5000}, "effect": {"type": "shipping", "percent": 100}})
    shared_api.ok("POST", "/campaigns", 201, json={
        "id": "tiers", "name": "Tiers", "kind": "promotion",
        "effect": {"type": "tiers", "tiers": [{"min_subtotal": 10000, "percent": 10}]}})
    return shared_api


@pytest.fixture
def api(seeded):
    # Requests here are refused or change nothing that matters, so one app serves the module.
    return seeded


WRITE_ENDPOINTS = [
    ("POST", "/campaigns"),
    ("POST", "/validations"),
    ("POST", "/qualifications"),
    ("PUT", "/customers/ana"),
    ("POST", "/publications"),
]


def error_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    return error


@pytest.mark.parametrize(("method", "path"), WRITE_ENDPOINTS)
@pytest.mark.parametrize(("raw", "code"), [
    (b"{", "malformed_json"),
    (b"", "malformed_json"),
    (b'{"a": NaN}', "malformed_json"),
    (b'{"a": 1, "a": 2}', "malformed_json"),
    (b"\xff\xfe", "malformed_json"),
    (b"[" * 100_000 + b"]" * 100_000, "malformed_json"),
    (b'{"n": ' + b"9" * 5000 + b"}", "malformed_json"),
    (b"[]", "invalid_request"),
    (b'"text"', "invalid_request"),
])
def test_broken_json_gets_400(api, method, path, raw, code):
    response = api.request(method, path, data=raw, content_type="application/json")

    assert error_of(response, 400)["code"] == code


@pytest.mark.parametrize(("method", "path"), WRITE_ENDPOINTS)
def test_bodies_that_are_not_json_get_415(api, method, path):
    response = api.request(method, path, data="a=1", content_type="application/x-www-form-urlencoded")

    assert error_of(response, 415)["code"] == "unsupported_media_type"


def test_malformed_json_says_where(api):
    error = error_of(api.post("/validations", data=b'{"order": {"items": [}', content_type="application/json"), 400)

    assert error["details"] == {"line": 1, "column": 22}


def test_oversized_bodies_get_413(api):
    limit = api.app.config["MAX_CONTENT_LENGTH"]
    big = json.dumps({"order": {"items": []}, "pad": "x" * limit})

    error = error_of(api.post("/validations", data=big, content_type="application/json"), 413)

    assert error["code"] == "request_entity_too_large"
    assert error["details"] == {"max_bytes": limit}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("unit_price", -1, "must be at least 0"),
    ("unit_price", 10**13, "must be at most 1000000000000"),
    ("unit_price", "20.00", "must be an integer, not a string"),
    ("quantity", True, "must be an integer, not a boolean"),
    ("quantity", 10**6, "must be at most 100000"),
    ("sku", "", "must not be empty"),
    ("sku", "a b", "must be letters, digits, '.', '_' or '-'"),
    ("categories", "coffee", "must be an array, not a string"),
    ("colour", "red", None),
])
def test_wrong_item_fields_are_reported_by_path(api, field, value, message):
    item = {"sku": "BEANS", "unit_price": 2000, "quantity": 1, field: value}

    error = error_of(api.post("/validations", json={"order": {"items": [item]}}), 400)

    assert error["code"] == "invalid_request"
    [problem] = error["details"]["errors"]
    assert problem["path"] == f"order.items[0].{field}"
    if message:
        assert problem["message"] == message
    assert error["message"].startswith(f"order.items[0].{field}: ")


def test_huge_lists_are_refused(api):
    items = [{"sku": "B", "unit_price": 1, "quantity": 1}] * 501

    error = error_of(api.post("/validations", json={"order": {"items": items}}), 400)

    assert error["details"]["errors"] == [{"path": "order.items", "message": "must have at most 500 items"}]


def test_deeply_nested_definitions_are_refused(api):
    nested = {"all": []}
    for _ in range(60):
        nested = {"all": [nested]}

    error = error_of(api.post("/campaigns", json=coupon(campaign_id="deep", code="DEEP", eligibility=nested)), 400)

    assert error["code"] == "invalid_request"


def test_non_integer_path_ids_are_404_not_500(api):
    assert api.get("/redemptions/abc").status_code == 404
    assert api.post("/redemptions/-1/rollback", json={"reason": "x"}).status_code == 404


def test_wrong_method_gets_405_in_the_envelope(api):
    error = error_of(api.request("DELETE", "/campaigns"), 405)

    assert error["code"] == "method_not_allowed"
    assert error["details"]["allowed_methods"] == ["GET", "HEAD", "OPTIONS", "POST"]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
BODY_KEYS = st.sampled_from(["customer", "order", "codes", "context", "items", "id"])


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(BODY_KEYS, JSON_VALUES, max_size=4) | JSON_VALUES,
       endpoint=st.sampled_from(["/validations", "/qualifications", "/redemptions", "/campaigns", "/publications"]))
def test_random_bodies_never_cause_a_server_error(api, body, endpoint):
    response = api.post(endpoint, json=body, headers={"Idempotency-Key": "fuzz"})

    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        assert set(response.get_json()["error"]) == {"code", "message", "details", "request_id"}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(item=st.fixed_dictionaries({
    "sku": st.text(max_size=70),
    "unit_price": st.integers(min_value=-10, max_value=10**13) | st.floats(allow_nan=False),
    "quantity": st.integers(min_value=-5, max_value=10**6),
    "categories": st.lists(st.text(max_size=70), max_size=3),
}))
def test_random_items_never_cause_a_server_error(api, item):
    response = api.post("/validations", json={"order": {"items": [item, *BEANS_40["items"]]}, "codes": ["HAPPY10"]})

    assert response.status_code in (200, 400), response.get_data(as_text=True)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(context=st.fixed_dictionaries({}, optional={
    "locale": st.sampled_from(["en_US", "th_TH", "pl_PL", "xx_XX", "en", "zz_ZZ"]) | st.text(max_size=8),
    "page": st.sampled_from(["home", "product", "nowhere"]) | st.text(max_size=5),
    "category": st.text(max_size=10),
    "channel": st.text(max_size=10),
    "product_sku": st.text(max_size=10),
}), currency=st.sampled_from(["USD", "THB", "PLN", "ZZZ", "usd"]) | st.text(max_size=4))
def test_random_contexts_never_cause_a_server_error(api, context, currency):
    response = api.post("/qualifications", json={"order": {**BEANS_40, "currency": currency}, "context": context})

    assert response.status_code in (200, 400), response.get_data(as_text=True)


def test_an_order_worth_more_than_the_database_can_count_is_refused(api):
    items = [{"sku": "GOLD", "unit_price": 10**12, "quantity": 100_000}] * 500

    for path in ("/validations", "/qualifications"):
        error = error_of(api.post(path, json={"order": {"items": items}}), 400)
        assert error["details"]["errors"][0]["path"] == "order.items"
        assert "must be at most 10000000000000" in error["details"]["errors"][0]["message"]


def test_a_context_the_store_cannot_format_is_refused(api):
    bad_locale = api.post("/validations", json={"order": BEANS_40, "context": {"locale": "xx_XX"}})
    bad_currency = api.post("/validations", json={"order": {**BEANS_40, "currency": "ZZZ"}})

    assert error_of(bad_locale, 400)["details"]["errors"][0]["path"] == "context.locale"
    assert error_of(bad_currency, 400)["details"]["errors"][0]["path"] == "order.currency"


def test_a_redeemed_order_needs_items(api):
    response = api.post("/redemptions", headers={"Idempotency-Key": "empty"}, json={"order": {"items": []}})

    assert error_of(response, 400)["details"]["errors"] == [
        {"path": "order.items", "message": "a redeemed order needs at least one item"}
    ]
