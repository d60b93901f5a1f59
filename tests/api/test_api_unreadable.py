"""A campaign whose stored definition no longer parses, over the API: read as stored with why,
refused where its parsed form is needed, its code refused with a reason, fixed with PUT."""
from __future__ import annotations

import pytest

from shop.web.extensions import db
from tests.support.apikit import BEANS_40, bulk, coupon
from tests.support.definitionkit import OLD_EFFECT_PROBLEM, store_unreadable


@pytest.fixture
def store(api, api_app):
    for definition in (coupon(), coupon("five", "FIVE"), bulk()):
        api.ok("POST", "/campaigns", 201, json=definition)
    with api_app.app_context():
        store_unreadable(db.engine, "happy10")
        store_unreadable(db.engine, "sorry")
    return api


def test_get_returns_the_stored_definition_with_what_is_wrong(store):
    body = store.ok("GET", "/campaigns/happy10", key="read")
    listed = {c["id"]: c for c in store.ok("GET", "/campaigns", key="read")["campaigns"]}

    assert body["definition"]["effect"]["type"] == "percent_of_order"
    [problem] = body["definition_errors"]
    assert f"{problem['path']}: {problem['message']}".startswith(OLD_EFFECT_PROBLEM)
    assert listed["happy10"]["definition_errors"] == body["definition_errors"]
    assert listed["five"]["definition_errors"] == []


def test_what_needs_the_parsed_definition_gets_a_clear_409(store):
    response = store.post("/campaigns/sorry/codes", json={"count": 5})

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "definition_unreadable"
    assert "the stored definition can't be read" in error["message"]
    assert error["details"]["errors"][0]["path"] == "effect.type"


def test_its_code_is_refused_with_a_reason_and_the_others_still_apply(store):
    body = store.ok("POST", "/validations", key="read", json={"order": BEANS_40, "codes": ["HAPPY10", "FIVE"]})

    assert body["codes"]["HAPPY10"]["reason"] == "offer_unavailable"
    assert body["codes"]["FIVE"]["status"] == "applied"


def test_put_with_a_valid_definition_repairs_it(store):
    body = store.ok("PUT", "/campaigns/happy10", json=coupon())

    assert body["definition_errors"] == []
    validated = store.ok("POST", "/validations", key="read", json={"order": BEANS_40, "codes": ["HAPPY10"]})
    assert validated["codes"]["HAPPY10"]["status"] == "applied"
