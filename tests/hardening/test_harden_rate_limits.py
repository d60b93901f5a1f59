"""Code guessing is limited per session and per IP (only wrong codes count), API validation
calls per key; the storage is memory, or Redis when REDIS_URL is set (shared by workers)."""
import secrets

import pytest
import redis as redis_client
from sqlalchemy import select
from sqlalchemy.orm import Session

from promo.storage.models import AuditRow
from shop.web.extensions import db
from tests.support.apikit import BEANS_40, make_keys
from tests.support.webkit import htmx, seeded, visible_text

REDIS_URL = "redis://127.0.0.1:6379/0"
GOOD_CODE = "HAPPY10"


@pytest.fixture(params=["memory", "redis"])
def store(request, make_app):
    """A seeded store whose limits live in memory, or in the real Redis under a unique prefix."""
    # A unique key prefix per store, so no count from another test's store (same 127.0.0.1) can
    # leak into this one's budgets, whichever storage holds them.
    prefix = f"promoshop-test-{secrets.token_hex(4)}"
    overrides = {"DEMO_MODE": True, "RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": prefix}
    # scripts/test exports REDIS_URL for the whole suite; the memory variant must not inherit it.
    overrides["REDIS_URL"] = REDIS_URL if request.param == "redis" else None
    if request.param == "redis":
        yield seeded(make_app(**overrides))
        connection = redis_client.Redis.from_url(REDIS_URL)
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
        return
    yield seeded(make_app(**overrides))


def enter(client, code, **headers):
    return client.post("/cart/codes", data={"code": code}, headers=headers)


def test_storage_is_redis_when_redis_url_is_set(store):
    limiter = store.extensions["promo.limiter"]
    expected = "redis" if store.config.get("REDIS_URL") else "memory"
    assert type(limiter.storage).__name__.lower().startswith(expected)


def test_ten_wrong_codes_then_a_clear_message_with_retry_after(store):
    client = store.test_client()
    client.post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "1"})
    for attempt in range(10):
        assert enter(client, f"GUESS{attempt:03d}").status_code == 422
    blocked = enter(client, GOOD_CODE, **htmx())
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 600
    html = visible_text(blocked.get_data(as_text=True))
    assert "Too many codes that didn't match" in html and "try again in 10 minutes" in html
    assert 'id="cart-items"' in blocked.get_data(as_text=True)  # the cart fragment, not the error page


def test_good_codes_do_not_count_against_the_shopper(store):
    client = store.test_client()
    client.post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "1"})
    for _ in range(15):
        enter(client, GOOD_CODE)
        client.post("/cart/codes/remove", data={"code": GOOD_CODE})
    assert enter(client, "GUESS").status_code == 422
    assert enter(client, GOOD_CODE).status_code in (200, 303)


def test_another_session_behind_the_same_ip_keeps_its_own_allowance(store):
    first, second = store.test_client(), store.test_client()
    for attempt in range(10):
        enter(first, f"GUESS{attempt}")
    assert enter(first, "GUESS-X").status_code == 429
    assert enter(second, "GUESS-Y").status_code == 422


def test_a_bot_dropping_its_cookie_is_stopped_per_ip(store):
    store.config["RATE_LIMIT_WRONG_CODES_PER_IP"] = "15 per 10 minutes"
    statuses = [enter(store.test_client(), f"GUESS{i}").status_code for i in range(20)]
    assert statuses[:15] == [422] * 15
    assert statuses[15:] == [429] * 5


def test_checkout_code_field_shares_the_same_budget(store):
    client = store.test_client()
    client.post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "1"})
    for attempt in range(10):
        client.post("/checkout/codes", data={"code": f"GUESS{attempt}"})
    blocked = client.post("/checkout/codes", data={"code": "GUESS-X"}, headers=htmx("checkout-body"))
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers


def test_blocking_is_audited_once_in_aggregate_not_per_guess(store):
    client = store.test_client()
    for attempt in range(12):
        enter(client, f"GUESS{attempt}")
    with store.app_context(), Session(db.engine) as session:
        rows = session.scalars(select(AuditRow).where(AuditRow.action == "code_guessing_blocked")).all()
    assert len(rows) == 1
    assert rows[0].actor.startswith("session:") and rows[0].after["wrong_codes"] == 10


def test_api_keys_have_their_own_validation_limit(store):
    store.config["RATE_LIMIT_API_VALIDATIONS_PER_KEY"] = "5 per minute"
    keys = make_keys(store)
    client = store.test_client()

    def validate(key):
        return client.post("/api/v1/validations", json={"order": BEANS_40, "codes": ["NOPE"]},
                           headers={"Authorization": f"Bearer {key}"})

    assert [validate(keys["read"]).status_code for _ in range(5)] == [200] * 5
    blocked = validate(keys["read"])
    assert blocked.status_code == 429
    assert blocked.get_json()["error"]["code"] == "rate_limited" and int(blocked.headers["Retry-After"]) >= 1
    assert validate(keys["all"]).status_code == 200   # another key is not affected


def test_limits_are_on_in_a_real_deployment_and_opt_in_for_test_apps(tmp_path, make_app):
    from app import create_app

    deployed = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.db'}"})
    assert deployed.config["RATELIMIT_ENABLED"] is True
    assert make_app().config["RATELIMIT_ENABLED"] is False


def test_behind_a_proxy_each_client_address_has_its_own_ip_budget(make_app):
    app = seeded(make_app(DEMO_MODE=True, RATELIMIT_ENABLED=True, PROXY_HOPS=1, REDIS_URL=None,
                          RATELIMIT_KEY_PREFIX=f"promoshop-test-{secrets.token_hex(4)}",
                          RATE_LIMIT_WRONG_CODES_PER_IP="3 per 10 minutes"))

    def guess_from(address):
        return enter(app.test_client(), "GUESS", **{"X-Forwarded-For": address}).status_code

    assert [guess_from("203.0.113.7") for _ in range(4)] == [422, 422, 422, 429]
    assert guess_from("198.51.100.9") == 422
