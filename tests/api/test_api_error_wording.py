"""Refusals that used to mislead: a far too large query number said "must be an integer, not a
string", and a reused idempotency key was echoed in its internal namespaced form
(api:<key prefix>:<key>) instead of the key the client sent."""

import pytest

from shop.api.framework.schema import Int, Param, Query, SchemaViolation
from tests.support.apikit import BEANS_40, coupon

FIVE_OFF = {"id": "five-off", "name": "Five off", "kind": "coupon", "code": "FIVE",
            "effect": {"type": "amount_off_order", "amount": 500}}


def query_errors(raw: str) -> list[tuple[str, str]]:
    query = Query({"limit": Param(Int(minimum=1, maximum=500), default=50)})
    with pytest.raises(SchemaViolation) as caught:
        query.validate({"limit": [raw]})
    return [(e.path, e.message) for e in caught.value.errors]


@pytest.mark.parametrize(("raw", "message"), [
    ("501", "must be at most 500"),
    ("99999999999999999999", "must be at most 500"),
    ("9" * 500, "must be at most 500"),
    ("0", "must be at least 1"),
    ("-99999999999999999999", "must be at least 1"),
    ("many", "must be an integer, not a string"),
    ("1.5", "must be an integer, not a string"),
])
def test_a_query_number_out_of_range_is_told_the_range_however_long(raw, message):
    assert query_errors(raw) == [("limit", message)]


def test_leading_zeros_do_not_make_a_number_too_long():
    query = Query({"limit": Param(Int(minimum=1, maximum=500), default=50)})
    assert query.validate({"limit": ["0000000000000000000000020"]}) == {"limit": 20}


def test_a_huge_limit_on_a_list_endpoint_gets_400_with_the_range(api):
    api.ok("POST", "/campaigns", 201, json=coupon())

    response = api.get("/campaigns/happy10/codes?limit=99999999999999999999")

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"] == "limit: must be at most 1000"
    assert error["details"]["errors"] == [{"path": "limit", "message": "must be at most 1000"}]


def test_a_reused_idempotency_key_is_named_as_the_client_sent_it(api):
    for definition in (coupon(), FIVE_OFF):
        api.ok("POST", "/campaigns", 201, json=definition)
    order = {**BEANS_40, "id": "A-1"}
    first = api.post("/redemptions", key="redeem", headers={"Idempotency-Key": "k1"},
                     json={"order": order, "codes": ["HAPPY10"]})

    reused = api.post("/redemptions", key="redeem", headers={"Idempotency-Key": " k1 "},
                      json={"order": order, "codes": ["FIVE"]})

    assert first.status_code == 201
    assert reused.status_code == 409
    error = reused.get_json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert error["message"] == ("The Idempotency-Key 'k1' was already used with a different request; "
                                "use a new key for a new request.")
    assert error["details"] == {"idempotency_key": "k1"}
    assert "api:" not in reused.get_data(as_text=True)
