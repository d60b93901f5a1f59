"""Qualify, validate, redeem (idempotently), roll back and publish over HTTP."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shop.web.extensions import promo_engine
from tests.support.apikit import BEANS_40, bulk, coupon, order

NEW_YORK = ZoneInfo("America/New_York")

FREE_SHIPPING = {"id": "free-shipping", "name": "Free shipping over $50", "kind": "promotion",
                 "stacking": "always", "eligibility": {"fact": "cart.subtotal", "gte": 5000},
                 "effect": {"type": "shipping", "percent": 100}}
FIVE_OFF = {"id": "five-off", "name": "Five off", "kind": "coupon", "code": "FIVE",
            "effect": {"type": "amount_off_order", "amount": 500}}


@pytest.fixture
def store(api):
    for definition in (coupon(), FREE_SHIPPING, FIVE_OFF, bulk()):
        api.ok("POST", "/campaigns", 201, json=definition)
    api.ok("POST", "/campaigns/sorry/codes", 201, json={"count": 5})
    api.ok("PUT", "/customers/ana", json={"name": "Ana", "email": "ana@example.com"})
    return api


def redeem(api, body, key="order-1", **kwargs):
    return api.post("/redemptions", key="redeem", headers={"Idempotency-Key": key}, json=body, **kwargs)


# --- qualifications -------------------------------------------------------------------------------


def test_qualification_lists_offers_best_first_with_hints(store):
    body = store.ok("POST", "/qualifications", key="read",
                    json={"customer": "ana", "order": {**BEANS_40, "shipping": 700}})

    offers = {o["campaign_id"]: o for o in body["offers"]}
    assert [o["status"] for o in body["offers"]] == sorted(
        (o["status"] for o in body["offers"]), key=["eligible", "near_miss", "not_eligible"].index)
    assert offers["happy10"]["status"] == "eligible" and offers["happy10"]["discount"] == 400
    assert offers["happy10"]["source"] == "public_code" and offers["happy10"]["code"] == "HAPPY10"
    near = offers["free-shipping"]
    assert near["status"] == "near_miss"
    assert near["reason"] == "minimum_not_met"
    assert near["hint"]["missing_amount"] == 1000
    assert near["hint"]["message"].startswith("Add $10")
    assert near["result"]["status"] == "not_applicable"


def test_qualification_for_a_guest_and_an_inline_customer(store):
    guest = store.ok("POST", "/qualifications", json={"customer": None, "order": BEANS_40})
    inline = store.ok("POST", "/qualifications", json={"customer": {"id": "new-1", "segments": ["vip"]},
                                                        "order": BEANS_40})

    assert {o["campaign_id"] for o in guest["offers"]} == {o["campaign_id"] for o in inline["offers"]}


def test_qualification_for_an_unknown_customer_id_gets_404(store):
    response = store.post("/qualifications", json={"customer": "ghost", "order": BEANS_40})

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "customer_not_found"


# --- validations ----------------------------------------------------------------------------------


def test_validation_explains_each_code_and_prices_each_line(store):
    two_lines = order(("BEANS", 2000, 2), ("MUG", 1599, 1))

    body = store.ok("POST", "/validations", key="read",
                    json={"customer": "ana", "order": two_lines, "codes": [" happy10 ", "NOPE"]})

    assert body["subtotal"] == 5599
    assert body["codes"]["HAPPY10"]["status"] == "applied"
    assert body["codes"]["NOPE"]["reason"] == "code_not_found"
    assert body["codes"]["NOPE"]["message"]
    assert body["discount"] == 560
    assert [line["discount"] for line in body["lines"]] == [400, 160]
    assert body["lines"][1]["total"] == 1439
    assert body["total"] == 5599 - 560


def test_validation_has_no_side_effects(store):
    body = {"customer": "ana", "order": BEANS_40, "codes": ["HAPPY10"]}
    store.ok("POST", "/validations", json=body)
    store.ok("POST", "/validations", json=body)

    assert store.ok("GET", "/campaigns/happy10")["redemptions_count"] == 0
    assert store.ok("GET", "/customers/ana")["orders_count"] == 0


def test_validation_refuses_a_cart_with_a_bad_line(store):
    response = store.post("/validations", json={"order": {"items": [{"sku": "X", "unit_price": 12.5, "quantity": 0}]}})

    assert response.status_code == 400
    assert {(e["path"], e["message"]) for e in response.get_json()["error"]["details"]["errors"]} == {
        ("order.items[0].unit_price",
         "must be an integer, not a number with a fraction (amounts are integer minor units, e.g. 1250 for 12.50)"),
        ("order.items[0].quantity", "must be at least 1"),
    }


# --- redemptions ----------------------------------------------------------------------------------


def test_redemption_records_the_order_and_counts_the_use(store):
    response = redeem(store, {"customer": "ana", "order": {**BEANS_40, "id": "A-1001"}, "codes": ["HAPPY10"]})

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.headers["Idempotent-Replayed"] == "false"
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/redemptions/{body['id']}"
    assert body["status"] == "succeeded"
    assert body["order"]["order_ref"] == "A-1001"
    assert body["order"]["total"] == 3600 and body["discount"] == 400
    assert [(i["campaign_id"], i["code"], i["discount"]) for i in body["items"]] == [("happy10", "HAPPY10", 400)]
    assert store.ok("GET", "/campaigns/happy10")["redemptions_count"] == 1
    assert store.ok("GET", f"/redemptions/{body['id']}", key="read") == body


def test_same_key_and_payload_replays_the_same_answer_without_redeeming_again(store):
    body = {"customer": "ana", "order": {**BEANS_40, "id": "A-1"}, "codes": ["HAPPY10"]}

    first = redeem(store, body, key="retry-me")
    replays = [redeem(store, body, key="retry-me") for _ in range(3)]

    assert first.status_code == 201
    for replay in replays:
        assert replay.status_code == 201
        assert replay.get_json() == first.get_json()
        assert replay.headers["Idempotent-Replayed"] == "true"
    assert store.ok("GET", "/campaigns/happy10")["redemptions_count"] == 1
    assert store.ok("GET", "/customers/ana")["orders_count"] == 1


def test_same_key_with_another_payload_gets_409(store):
    redeem(store, {"customer": "ana", "order": {**BEANS_40, "id": "A-1"}, "codes": ["HAPPY10"]}, key="k1")

    response = redeem(store, {"customer": "ana", "order": {**BEANS_40, "id": "A-1"}, "codes": ["FIVE"]}, key="k1")

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "idempotency_key_reused"


def test_idempotency_keys_belong_to_the_api_key_that_sent_them(store, keys):
    body = {"order": BEANS_40, "codes": ["HAPPY10"]}
    mine = redeem(store, {**body, "order": {**BEANS_40, "id": "A-1"}}, key="shared")
    theirs = store.post("/redemptions", key=None, json={**body, "order": {**BEANS_40, "id": "A-2"}},
                        headers={"Idempotency-Key": "shared", "Authorization": f"Bearer {keys['all']}"})

    assert mine.status_code == theirs.status_code == 201
    assert mine.get_json()["id"] != theirs.get_json()["id"]


@pytest.mark.parametrize(("header", "code"), [
    (None, "idempotency_key_required"),
    ("  ", "idempotency_key_required"),
    ("has spaces inside", "invalid_idempotency_key"),
    ("x" * 201, "invalid_idempotency_key"),
])
def test_redemption_needs_a_sane_idempotency_key(store, header, code):
    headers = {} if header is None else {"Idempotency-Key": header}

    response = store.post("/redemptions", key="redeem", headers=headers, json={"order": BEANS_40})

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_a_code_that_does_not_apply_gets_422_with_its_reason(store):
    response = redeem(store, {"customer": "ana", "order": BEANS_40, "codes": ["NOPE"]})

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "code_not_found"
    assert error["details"]["codes"]["NOPE"]["reason"] == "code_not_found"
    assert store.ok("GET", "/customers/ana")["orders_count"] == 0


def test_a_used_up_single_use_code_gets_409_quantity_exceeded(store):
    code = store.ok("GET", "/campaigns/sorry/codes?limit=1")["codes"][0]["code"]
    first = redeem(store, {"order": {**BEANS_40, "id": "A-1"}, "codes": [code]}, key="a")

    second = redeem(store, {"order": {**BEANS_40, "id": "A-2"}, "codes": [code]}, key="b")

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.get_json()["error"]["code"] == "quantity_exceeded"


def test_a_reused_order_reference_gets_409(store):
    redeem(store, {"order": {**BEANS_40, "id": "A-1"}}, key="a")

    response = redeem(store, {"order": {**BEANS_40, "id": "A-1"}}, key="b")

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "order_exists"


def test_an_inline_customer_is_stored_by_their_first_order(store):
    response = redeem(store, {"customer": {"id": "walk-in", "name": "Walk In"}, "order": BEANS_40})

    assert response.status_code == 201
    assert store.ok("GET", "/customers/walk-in")["orders_count"] == 1


# --- rollbacks ------------------------------------------------------------------------------------


def redeemed_with_two_offers(store):
    body = {"customer": "ana", "order": {**order(("BEANS", 3000, 2)), "id": "A-9", "shipping": 700},
            "codes": ["HAPPY10", "FIVE"]}
    response = redeem(store, body, key="two-offers")
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_whole_rollback_gives_everything_back_and_repeats_harmlessly(store):
    redemption = redeemed_with_two_offers(store)
    path = f"/redemptions/{redemption['id']}/rollback"

    first = store.ok("POST", path, key="redeem", json={"reason": "payment failed"})
    again = store.ok("POST", path, key="redeem", json={"reason": "payment failed"})

    assert first == again
    assert first["status"] == "rolled_back"
    assert first["order"]["status"] == "cancelled"
    assert {i["status"] for i in first["items"]} == {"rolled_back"}
    assert store.ok("GET", "/campaigns/happy10")["redemptions_count"] == 0
    assert store.ok("GET", "/campaigns/five-off")["redemptions_count"] == 0
    assert store.ok("GET", "/customers/ana")["orders_count"] == 0


def test_partial_rollback_withdraws_one_offer_and_keeps_the_order(store):
    redemption = redeemed_with_two_offers(store)
    five = next(i for i in redemption["items"] if i["campaign_id"] == "five-off")

    body = store.ok("POST", f"/redemptions/{redemption['id']}/rollback", key="redeem",
                    json={"reason": "code given by mistake", "item_id": five["id"]})

    assert body["status"] == "partially_rolled_back"
    assert body["order"]["status"] == "placed"
    assert body["order"]["total"] == redemption["order"]["total"] + five["discount"]
    assert store.ok("GET", "/campaigns/five-off")["redemptions_count"] == 0
    assert store.ok("GET", "/campaigns/happy10")["redemptions_count"] == 1


def test_rollback_errors(store):
    redemption = redeemed_with_two_offers(store)

    assert store.post("/redemptions/999/rollback", key="redeem", json={"reason": "x"}).status_code == 404
    missing_item = store.post(f"/redemptions/{redemption['id']}/rollback", key="redeem",
                              json={"reason": "x", "item_id": 999})
    no_reason = store.post(f"/redemptions/{redemption['id']}/rollback", key="redeem", json={})
    wrong_scope = store.post(f"/redemptions/{redemption['id']}/rollback", key="write", json={"reason": "x"})

    assert missing_item.status_code == 404
    assert missing_item.get_json()["error"]["code"] == "redemption_item_not_found"
    assert no_reason.status_code == 400
    assert no_reason.get_json()["error"]["details"]["errors"] == [{"path": "reason", "message": "is required"}]
    assert wrong_scope.status_code == 403


def test_rollback_makes_a_single_use_code_usable_again(store):
    code = store.ok("GET", "/campaigns/sorry/codes?limit=1")["codes"][0]["code"]
    first = redeem(store, {"order": {**BEANS_40, "id": "A-1"}, "codes": [code]}, key="a").get_json()

    store.ok("POST", f"/redemptions/{first['id']}/rollback", key="redeem", json={"reason": "cancelled"})
    again = redeem(store, {"order": {**BEANS_40, "id": "A-2"}, "codes": [code]}, key="b")

    assert again.status_code == 201


# --- publications ---------------------------------------------------------------------------------


def test_publication_assigns_a_code_and_the_same_source_id_returns_it(store):
    first = store.post("/publications", key="write", json={"campaign": "sorry", "customer": "ana", "source_id": "ticket-7"})
    again = store.post("/publications", key="write", json={"campaign": "sorry", "customer": "ana", "source_id": "ticket-7"})

    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json() == again.get_json()
    code = first.get_json()["code"]
    assert store.ok("GET", f"/codes/{code}")["holder_id"] == "ana"


def test_a_code_valid_for_seven_days_carries_its_end_and_is_refused_after_it(store, api_app):
    engine = promo_engine(api_app)
    engine.clock = lambda: datetime(2026, 11, 25, 10, 30, tzinfo=NEW_YORK)
    store.ok("POST", "/campaigns", 201, json=bulk("birthday", codes={"pattern": "BDAY-######", "valid_days": 7}))
    store.ok("POST", "/campaigns/birthday/codes", 201, json={"count": 2})

    publication = store.ok("POST", "/publications", 201, json={"campaign": "birthday", "customer": "ana", "source_id": "bday"})

    end = "2026-12-03T05:00:00+00:00"      # midnight after Dec 2 in the store's zone (New York), in UTC
    code = publication["code"]
    assert publication["expires_at"] == end
    assert store.ok("GET", f"/codes/{code}")["expires_at"] == end
    assert store.ok("POST", "/publications", 201, json={"campaign": "sorry", "customer": "ana", "source_id": "t"})["expires_at"] is None
    wallet = [o for o in store.ok("POST", "/qualifications", json={"customer": "ana", "order": BEANS_40})["offers"]
              if o["source"] == "wallet"]
    assert {(o["code"], o["expires_at"]) for o in wallet} >= {(code, end)}

    engine.clock = lambda: datetime(2026, 12, 3, 10, 30, tzinfo=NEW_YORK)
    validation = store.ok("POST", "/validations", json={"customer": "ana", "order": BEANS_40, "codes": [code]})
    refused = redeem(store, {"customer": "ana", "order": {**BEANS_40, "id": "A-1"}, "codes": [code]})

    assert validation["codes"][code]["reason"] == "expired"
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "expired"
    assert refused.get_json()["error"]["details"]["codes"][code]["message"] == "This code expired on Dec 2, 2026."


def test_an_empty_pool_gets_409_pool_empty(store):
    for n in range(5):
        store.ok("POST", "/publications", 201, json={"campaign": "sorry", "customer": "ana", "source_id": f"s{n}"})

    response = store.post("/publications", json={"campaign": "sorry", "customer": "ana", "source_id": "s5"})

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "pool_empty"


def test_publication_needs_known_campaign_and_customer(store):
    unknown_customer = store.post("/publications", json={"campaign": "sorry", "customer": "ghost", "source_id": "s"})
    unknown_campaign = store.post("/publications", json={"campaign": "nope", "customer": "ana", "source_id": "s"})
    no_source = store.post("/publications", json={"campaign": "sorry", "customer": "ana"})

    assert unknown_customer.status_code == 404 and unknown_campaign.status_code == 404
    assert no_source.status_code == 400


# --- codes applied for the shopper ----------------------------------------------------------------

AUTO_FIVE = {"id": "auto-five", "name": "Auto five", "kind": "coupon", "code": "AUTO5", "auto_apply": True,
             "effect": {"type": "amount_off_order", "amount": 500}}


def test_an_auto_apply_code_applies_unasked_unless_declined(store):
    store.ok("POST", "/campaigns", 201, json=AUTO_FIVE)

    applied = store.ok("POST", "/validations", key="read", json={"customer": "ana", "order": BEANS_40})
    declined = store.ok("POST", "/validations", key="read",
                        json={"customer": "ana", "order": BEANS_40, "declined_codes": ["auto5"]})
    placed = redeem(store, {"customer": "ana", "order": BEANS_40, "declined_codes": ["AUTO5"]})
    placed_with = redeem(store, {"customer": "ana", "order": BEANS_40}, key="order-2")

    def applied_offers(evaluation):
        return [(o["campaign_id"], o["code"], o["discount"]) for o in evaluation["offers"] if o["status"] == "applied"]

    assert applied_offers(applied) == [("auto-five", "AUTO5", 500)]
    assert applied["codes"] == {}                       # it was not entered, so it has no entry there
    assert applied_offers(declined) == [] and declined["discount"] == 0
    assert placed.status_code == 201 and placed.get_json()["discount"] == 0
    assert placed_with.status_code == 201 and placed_with.get_json()["discount"] == 500
    assert store.ok("GET", "/codes/AUTO5")["redeemed_count"] == 1
