"""What an integrator moving SDK code onto the store relies on, request by request: auth, partial
customer updates, stacked validation verdicts, refusals in Voucherify's keys and statuses, only
the redeemables sent applied, live limits in qualifications, code_config, balances, the CLI."""
from __future__ import annotations

import pytest

from shop.api.framework.auth import revoke_api_key
from shop.web.extensions import promo_engine
from tests.support.vkit import app_key, check_contract, dialect_app, headers

ITEMS = [{"source_id": "ARA-ETH-YIRG", "quantity": 1}, {"source_id": "ARA-KEN-NYERI", "quantity": 1}]


@pytest.fixture
def app(make_app):
    app = dialect_app(make_app)
    yield app
    check_contract(app)


@pytest.fixture
def client(app):
    client = app.test_client()
    client.auth = headers(*app_key(app))
    return client


def call(client, method, path, status=200, **kwargs):
    response = client.open(path, method=method, headers={**client.auth, **kwargs.pop("headers", {})}, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def vouchers(*codes):
    return [{"object": "voucher", "id": code} for code in codes]


# ---------------------------------------------------------------------------------- auth


def test_requests_without_or_with_bad_credentials_get_401(app, client):
    app_id, token = app_key(app, "read")
    assert call(client, "GET", "/v1/vouchers/HAPPY10", 401, headers={"X-App-Id": "", "X-App-Token": ""})["key"] == "unauthorized"
    other_id, _ = app_key(app, "read")
    # A leaked token alone is not enough: the app id must be the key's own.
    assert call(client, "GET", "/v1/vouchers/HAPPY10", 401, headers=headers(other_id, token))["code"] == 401
    assert call(client, "GET", "/v1/vouchers/HAPPY10", headers=headers(app_id, token))["code"] == "HAPPY10"
    with app.app_context():
        revoke_api_key(app_id)
    call(client, "GET", "/v1/vouchers/HAPPY10", 401, headers=headers(app_id, token))


def test_scopes_carry_over(app, client):
    reader = headers(*app_key(app, "read"))
    body = {"redeemables": vouchers("HAPPY10"), "order": {"items": ITEMS}}
    assert call(client, "POST", "/v1/validations", json=body, headers=reader)["valid"] is True
    refused = call(client, "POST", "/v1/redemptions", 403, json=body, headers=reader)
    assert refused["key"] == "missing_permissions"
    call(client, "POST", "/v1/customers", 403, json={"source_id": "x"}, headers=reader)


def test_the_cli_prints_the_header_pair_for_a_new_key(app, client):
    result = app.test_cli_runner().invoke(args=["promo", "create-api-key", "--name", "poc", "--scope", "all",
                                                "--voucherify"])
    lines = dict(line.split(": ", 1) for line in result.output.splitlines() if line.startswith("X-App-"))
    assert call(client, "GET", "/v1/vouchers/HAPPY10", headers=headers(lines["X-App-Id"], lines["X-App-Token"]))


# ---------------------------------------------------------------------------------- customers


def test_put_changes_only_the_fields_sent_and_paths_take_either_id(client):
    call(client, "POST", "/v1/customers", json={"source_id": "vip-2", "name": "Victor", "email": "v2@example.com",
                                                "address": {"city": "Lima", "country": "PE"}, "metadata": {"a": 1}})
    updated = call(client, "PUT", "/v1/customers/cust_vip-2", json={"phone": "+51 1 234"})
    assert (updated["name"], updated["email"], updated["address"]["city"], updated["metadata"]) == (
        "Victor", "v2@example.com", "Lima", {"a": 1})
    assert call(client, "GET", "/v1/customers/vip-2")["phone"] == "+51 1 234"
    assert call(client, "GET", "/v1/customers/nobody", 404)["key"] == "not_found"


def test_updating_the_seeded_vip_keeps_their_segments_and_history(app, client):
    call(client, "PUT", "/v1/customers/vip", json={"name": "Victor V."})
    with app.app_context():
        vip = promo_engine().get_customer("vip")
    assert (vip.name, vip.segments, vip.orders_count, vip.email) == (
        "Victor V.", frozenset({"vip"}), 12, "victor@example.com")


# ---------------------------------------------------------------------------------- validations


def test_an_unknown_code_next_to_a_good_one_fails_the_validation(client):
    result = call(client, "POST", "/v1/validations", json={
        "redeemables": vouchers("NOPE-123", "HAPPY10"), "order": {"items": ITEMS}})
    nope, happy = result["redeemables"]
    assert result["valid"] is False
    assert (nope["status"], nope["result"]["error"]["code"], nope["result"]["error"]["key"]) == ("INAPPLICABLE", 404, "not_found")
    assert (happy["status"], happy["result"]["details"]["key"]) == ("SKIPPED", "preceding_validation_failed")
    assert result["order"]["total_discount_amount"] == 0


def test_an_exclusive_code_sets_the_other_aside_as_skipped(client):
    result = call(client, "POST", "/v1/validations", json={
        "redeemables": vouchers("BLCKFRDY", "HAPPY10"), "order": {"items": ITEMS},
        "customer": {"source_id": "new-customer"}})
    statuses = {r["id"]: r["status"] for r in result["redeemables"]}
    assert sorted(statuses.values()) == ["APPLICABLE", "SKIPPED"]
    skipped = result["skipped_redeemables"][0]
    assert skipped["result"]["details"]["key"] == "applicable_exclusive_redeemables_limit_exceeded"


def test_only_the_redeemables_sent_are_applied(client):
    clearance_cart = {"items": [{"source_id": "ARA-BRA-CERRADO", "quantity": 2}]}   # 20% off at the storefront
    plain = call(client, "POST", "/v1/validations", json={"redeemables": vouchers("HAPPY10"), "order": clearance_cart})
    assert plain["order"]["total_discount_amount"] == 310      # 10% of 3100, no clearance
    with_tier = call(client, "POST", "/v1/validations", json={
        "redeemables": vouchers("HAPPY10") + [{"object": "promotion_tier", "id": "promo_clearance"}],
        "order": clearance_cart})
    tier = with_tier["redeemables"][1]
    assert tier["status"] == "APPLICABLE" and tier["result"]["discount"]["percent_off"] == 20
    assert tier["order"]["items_applied_discount_amount"] == 620
    assert with_tier["order"]["total_discount_amount"] == 620 + 248   # 10% of what clearance left


def test_promotion_stacks_are_refused_clearly(client):
    refused = call(client, "POST", "/v1/validations", 400, json={
        "redeemables": [{"object": "promotion_stack", "id": "stack_1"}], "order": {"items": ITEMS}})
    assert refused["key"] == "not_supported" and "promotion tiers" in refused["details"]


def test_a_tier_that_cannot_apply_or_does_not_exist_is_inapplicable(client):
    result = call(client, "POST", "/v1/validations", json={"redeemables": [
        {"object": "promotion_tier", "id": "promo_clearance"}, {"object": "promotion_tier", "id": "promo_nope"}],
        "order": {"items": ITEMS}})
    clearance, nope = result["redeemables"]
    assert clearance["result"]["error"]["key"] == "order_rules_violated"
    assert nope["result"]["error"] == {**nope["result"]["error"], "code": 404, "key": "not_found"}


# ---------------------------------------------------------------------------------- redemptions


def test_refusals_are_400_with_voucherify_keys_and_unknown_codes_404(client):
    body = {"redeemables": vouchers("NOPE-123"), "order": {"source_id": "R-1", "items": ITEMS}}
    assert call(client, "POST", "/v1/redemptions", 404, json=body)["key"] == "not_found"
    tier = {"redeemables": [{"object": "promotion_tier", "id": "promo_clearance"}],
            "order": {"source_id": "R-2", "items": ITEMS}}
    refused = call(client, "POST", "/v1/redemptions", 400, json=tier)
    assert (refused["key"], refused["promoshop_code"]) == ("order_rules_violated", "no_matching_items")


def test_a_source_id_redeemed_with_another_request_is_refused(client):
    first = {"redeemables": vouchers("HAPPY10"), "order": {"source_id": "R-9", "items": ITEMS},
             "customer": {"source_id": "new-customer"}}
    call(client, "POST", "/v1/redemptions", json=first)
    other = {**first, "order": {"source_id": "R-9", "items": ITEMS[:1]}}
    assert call(client, "POST", "/v1/redemptions", 400, json=other)["key"] == "duplicate_source_id"


def test_a_used_up_code_is_quantity_exceeded(app, client):
    with app.app_context():
        code = promo_engine().publish("sorry", "dormant", source_id="t-1").code
    body = {"redeemables": vouchers(code), "customer": {"source_id": "dormant"}}
    call(client, "POST", "/v1/redemptions", json={**body, "order": {"source_id": "S-1", "items": ITEMS}})
    refused = call(client, "POST", "/v1/redemptions", 400, json={**body, "order": {"source_id": "S-2", "items": ITEMS}})
    assert refused["key"] == "quantity_exceeded"


# ---------------------------------------------------------------------------------- qualifications


def test_qualifications_read_budgets_live(app, client):
    with app.app_context():
        promo_engine().create_campaign({"id": "one-shot", "name": "One shot", "kind": "coupon", "code": "ONESHOT",
                                        "effect": {"type": "amount_off_order", "amount": 900}, "limits": {"total": 1}})
    body = {"customer": {"source_id": "new-customer"}, "order": {"items": ITEMS}, "options": {"limit": 50}}
    before = [item["id"] for item in call(client, "POST", "/v1/qualifications", json=body)["redeemables"]["data"]]
    call(client, "POST", "/v1/redemptions", json={"redeemables": vouchers("ONESHOT"),
                                                  "order": {"source_id": "Q-1", "items": ITEMS}})
    after = [item["id"] for item in call(client, "POST", "/v1/qualifications", json=body)["redeemables"]["data"]]
    assert "ONESHOT" in before and "ONESHOT" not in after


# ---------------------------------------------------------------------------------- campaigns, vouchers, balances


def test_a_code_config_with_too_few_random_characters_is_a_clear_400(client):
    refused = call(client, "POST", "/v1/campaigns", 400, json={
        "name": "Tiny", "campaign_type": "DISCOUNT_COUPONS", "vouchers_count": 1,
        "voucher": {"type": "DISCOUNT_VOUCHER", "discount": {"type": "PERCENT", "percent_off": 10},
                    "code_config": {"length": 3}}})
    assert "at least 6" in refused["details"]


def test_pattern_codes_and_add_vouchers(client):
    campaign = call(client, "POST", "/v1/campaigns", json={
        "name": "Pattern", "campaign_type": "DISCOUNT_COUPONS", "vouchers_count": 2,
        "voucher": {"type": "DISCOUNT_VOUCHER", "discount": {"type": "PERCENT", "percent_off": 15, "amount_limit": 2000},
                    "code_config": {"pattern": "PAT-########", "charset": "abcdefghjk"}}})
    added = call(client, "POST", f"/v1/campaigns/{campaign['id']}/vouchers?vouchers_count=1", data=b"",
                 headers={"Content-Type": "application/json"})
    assert added["code"].startswith("PAT-") and set(added["code"][4:]) <= set("ABCDEFGHJK")
    assert call(client, "GET", "/v1/campaigns/Pattern")["vouchers_count"] == 3


def test_disable_and_enable_a_voucher(client):
    assert call(client, "POST", "/v1/vouchers/HAPPY10/disable")["active"] is False
    result = call(client, "POST", "/v1/validations", json={"redeemables": vouchers("HAPPY10"), "order": {"items": ITEMS}})
    assert result["redeemables"][0]["result"]["error"]["key"] == "voucher_disabled"
    assert call(client, "POST", "/v1/vouchers/HAPPY10/enable")["active"] is True


def test_a_standalone_voucher_is_created_and_applies(client):
    made = call(client, "POST", "/v1/vouchers/SPRING-5", json={"type": "DISCOUNT_VOUCHER",
                                                               "discount": {"type": "AMOUNT", "amount_off": 500}})
    assert made["discount"]["amount_off"] == 500
    result = call(client, "POST", "/v1/validations", json={"redeemables": vouchers("spring-5"), "order": {"items": ITEMS}})
    assert result["order"]["total_discount_amount"] == 500


def test_gift_card_top_up_and_loyalty_member_balance(app, client):
    with app.app_context():
        card = promo_engine().customer_gift_cards("vip")[0]
    topped = call(client, "POST", f"/v1/vouchers/{card.code}/balance", json={"amount": 1500, "source_id": "t-1"})
    assert (topped["amount"], topped["balance"], topped["type"]) == (1500, card.balance + 1500, "gift_voucher")
    assert call(client, "GET", f"/v1/vouchers/{card.code}")["gift"]["balance"] == card.balance + 1500
    member = call(client, "GET", "/v1/loyalties/members/cust_vip")
    assert member["loyalty_card"]["points"] == member["loyalty_card"]["balance"] >= 0


def test_validations_share_the_api_rate_limit_per_key(make_app):
    import secrets

    app = dialect_app(make_app, RATELIMIT_ENABLED=True, REDIS_URL=None,
                      RATELIMIT_KEY_PREFIX=f"vf-{secrets.token_hex(4)}", RATE_LIMIT_API_VALIDATIONS_PER_KEY="3 per minute")
    client = app.test_client()
    first, second = headers(*app_key(app, "read")), headers(*app_key(app, "read"))
    body = {"redeemables": vouchers("HAPPY10"), "order": {"items": ITEMS}}

    assert [client.post("/v1/validations", json=body, headers=first).status_code for _ in range(3)] == [200] * 3
    blocked = client.post("/v1/validations", json=body, headers=first)
    assert (blocked.status_code, blocked.get_json()["key"]) == (429, "too_many_requests")
    assert int(blocked.headers["Retry-After"]) >= 1
    assert client.post("/v1/validations", json=body, headers=second).status_code == 200
    check_contract(app)


def test_a_gift_voucher_campaign_makes_cards_with_their_balance(client):
    campaign = call(client, "POST", "/v1/campaigns", json={
        "name": "Holiday cards", "campaign_type": "GIFT_VOUCHERS", "vouchers_count": 2,
        "voucher": {"type": "GIFT_VOUCHER", "gift": {"amount": 2500}, "code_config": {"pattern": "HOL-########"}}})
    assert (campaign["campaign_type"], campaign["voucher"]["gift"]["amount"], campaign["vouchers_count"]) == (
        "GIFT_VOUCHERS", 2500, 2)
    cards = call(client, "GET", "/v1/vouchers?campaign=Holiday+cards")["vouchers"]
    assert [(card["type"], card["gift"]["balance"]) for card in cards] == [("GIFT_VOUCHER", 2500)] * 2


def test_campaign_types_it_cannot_make_are_refused_clearly(client):
    refused = call(client, "POST", "/v1/campaigns", 400, json={"name": "Loyal", "campaign_type": "LOYALTY_PROGRAM"})
    assert refused["key"] == "not_supported" and "LOYALTY_PROGRAM" in refused["details"]


def test_codes_that_match_nothing_are_tallied_for_the_key(app):
    client = app.test_client()
    app_id, token = app_key(app)
    body = {"redeemables": vouchers("NOPE-1", "NOPE-2", "HAPPY10"), "order": {"items": ITEMS}}
    client.post("/v1/validations", json=body, headers=headers(app_id, token))
    client.post("/v1/redemptions", json={**body, "order": {"source_id": "W-1", "items": ITEMS}},
                headers=headers(app_id, token))
    with app.app_context():
        tallies = {t.source: t.wrong_codes for t in promo_engine().wrong_code_tallies()}
    assert tallies[f"api:{app_id}"] == 4


def test_listing_every_voucher_pages_across_campaigns(client):
    first = call(client, "GET", "/v1/vouchers?limit=100")
    assert first["total"] > 100 and len(first["vouchers"]) == 100
    second = call(client, "GET", "/v1/vouchers?limit=7&page=2")
    assert second["total"] == first["total"]
    assert [v["code"] for v in second["vouchers"]] == [v["code"] for v in first["vouchers"]][7:14]
    last = call(client, "GET", "/v1/vouchers?limit=100&page=2")
    assert len(last["vouchers"]) == first["total"] - 100
