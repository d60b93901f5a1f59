"""Hostile and broken requests to the /v1 dialect get a Voucherify-shaped 4xx, never a 500:
broken JSON, wrong types, random bodies, paths and query strings (hypothesis), as /api/v1 is
fuzzed in tests/api/test_api_bad_input.py."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.vkit import app_key, check_contract, dialect_app, headers


@pytest.fixture(scope="module")
def client(make_app):
    app = dialect_app(make_app)
    client = app.test_client()
    client.auth = headers(*app_key(app))
    yield client
    check_contract(app)


def send(client, method, path, **kwargs):
    return client.open(path, method=method, headers={**client.auth, **kwargs.pop("headers", {})}, **kwargs)


def voucherify_error(response, status=None):
    assert response.status_code < 500, response.get_data(as_text=True)
    if status is not None:
        assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()
    assert isinstance(error["code"], int) and error["code"] == response.status_code
    assert isinstance(error["key"], str) and isinstance(error["details"], str) and error["request_id"]
    return error


POSTS = ["/v1/validations", "/v1/redemptions", "/v1/qualifications", "/v1/campaigns", "/v1/publications",
         "/v1/customers", "/v1/vouchers/NEW-CODE-1", "/v1/vouchers/HAPPY10/balance", "/v1/redemptions/r_1/rollback"]


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("raw", [b"{", b'{"a": NaN}', b'{"a": 1, "a": 2}', b"\xff\xfe", b"[]", b'"text"', b"12"])
def test_broken_json_gets_a_voucherify_400(client, path, raw):
    voucherify_error(send(client, "POST", path, data=raw, content_type="application/json"), 400)


def test_an_empty_json_body_is_an_empty_object(client):
    """The SDK sends Content-Length: 0 with a JSON content type (rollbacks, add-vouchers)."""
    error = voucherify_error(send(client, "POST", "/v1/validations", data=b"", content_type="application/json"), 400)
    assert error["key"] == "invalid_payload" and "redeemables" in error["details"]


def test_wrong_types_are_named_by_path(client):
    error = voucherify_error(send(client, "POST", "/v1/validations", json={
        "redeemables": [{"object": "voucher", "id": "HAPPY10"}],
        "order": {"items": [{"source_id": "ARA-ETH-YIRG", "quantity": 1.5}]}}), 400)
    assert error["key"] == "invalid_payload" and "order.items[0].quantity" in error["details"]


def test_amounts_must_be_integers(client):
    error = voucherify_error(send(client, "POST", "/v1/validations", json={
        "redeemables": [{"object": "voucher", "id": "HAPPY10"}],
        "order": {"items": [{"source_id": "NOT-IN-CATALOGUE", "quantity": 1, "price": 19.5}]}}), 400)
    assert "price" in error["details"]


def test_an_item_without_a_price_outside_the_catalogue_is_refused(client):
    error = voucherify_error(send(client, "POST", "/v1/validations", json={
        "redeemables": [{"object": "voucher", "id": "HAPPY10"}],
        "order": {"items": [{"source_id": "NOT-IN-CATALOGUE", "quantity": 1}]}}), 400)
    assert "needs a price" in error["details"]


def test_unknown_paths_and_methods_get_voucherify_errors(client):
    assert voucherify_error(send(client, "GET", "/v1/nothing-here"), 404)["key"] == "not_found"
    assert voucherify_error(send(client, "DELETE", "/v1/validations"), 405)["key"] == "method_not_allowed"
    assert voucherify_error(send(client, "GET", "/v1/redemptions/r_x"), 404)["key"] == "not_found"


@pytest.mark.parametrize("limit", ["²", "٣", "1.5", "-1", "10" * 20, " "])
def test_query_integers_must_be_plain_digits_in_range(client, limit):
    assert voucherify_error(send(client, "GET", f"/v1/vouchers?limit={quote(limit)}"), 400)["key"] == "invalid_payload"


def test_oversized_bodies_get_413(client):
    big = json.dumps({"redeemables": [], "pad": "x" * client.application.config["MAX_CONTENT_LENGTH"]})
    voucherify_error(send(client, "POST", "/v1/validations", data=big, content_type="application/json"), 413)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
BODY_KEYS = st.sampled_from(["redeemables", "order", "customer", "options", "campaign", "voucher", "name",
                             "campaign_type", "source_id", "amount", "items", "scenario"])
ITEM = st.fixed_dictionaries({}, optional={
    "source_id": st.sampled_from(["ARA-ETH-YIRG", "5h1pp1ng", "prod_5h1pp1ng"]) | st.text(max_size=70),
    "quantity": st.integers(min_value=-5, max_value=10**6) | st.floats(allow_nan=False),
    "price": st.integers(min_value=-10, max_value=10**13) | st.floats(allow_nan=False),
    "amount": st.integers(min_value=-10, max_value=10**14),
    "product": st.fixed_dictionaries({}, optional={"name": st.text(max_size=10), "price": st.integers()}),
})
REDEEMABLE = st.fixed_dictionaries({
    "object": st.sampled_from(["voucher", "promotion_tier", "promotion_stack", "gift"]) | st.text(max_size=5),
    "id": st.sampled_from(["HAPPY10", "BLCKFRDY", "promo_clearance", "promo_nope", "GIFT-XXXX", "happy10 "])
    | st.text(max_size=130),
})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(BODY_KEYS, JSON_VALUES, max_size=5) | JSON_VALUES, path=st.sampled_from(POSTS))
def test_random_bodies_never_cause_a_server_error(client, body, path):
    response = send(client, "POST", path, json=body)
    if response.status_code >= 300:
        voucherify_error(response)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(redeemables=st.lists(REDEEMABLE, max_size=4), items=st.lists(ITEM, max_size=3),
       customer=st.none() | st.fixed_dictionaries({}, optional={"source_id": st.text(max_size=70),
                                                                "id": st.text(max_size=70)}),
       path=st.sampled_from(["/v1/validations", "/v1/redemptions", "/v1/qualifications"]))
def test_random_orders_and_redeemables_never_cause_a_server_error(client, redeemables, items, customer, path):
    body = {"redeemables": redeemables, "order": {"items": items}}
    if customer is not None:
        body["customer"] = customer
    response = send(client, "POST", path, json=body)
    if response.status_code >= 300:
        voucherify_error(response)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "POST", "PUT"]),
       resource=st.sampled_from(["vouchers", "campaigns", "customers", "redemptions", "loyalties/members"]),
       ident=st.text(max_size=40), suffix=st.sampled_from(["", "/enable", "/disable", "/rollback", "/rollbacks",
                                                            "/balance", "/vouchers"]),
       params=st.dictionaries(st.sampled_from(["limit", "page", "campaign", "customer", "code", "reason",
                                               "vouchers_count", "join_once"]), st.text(max_size=12), max_size=3))
def test_random_paths_and_queries_never_cause_a_server_error(client, method, resource, ident, suffix, params):
    path = f"/v1/{resource}/{quote(ident, safe='')}{suffix}" if ident else f"/v1/{resource}{suffix}"
    response = send(client, method, path, query_string=params)
    if response.status_code >= 300:
        voucherify_error(response)
