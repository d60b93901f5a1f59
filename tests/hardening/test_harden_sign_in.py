"""Password guessing at the storefront: failed sign-ins are limited per account and per IP, with
the form's own message; spoofed X-Forwarded-For headers and re-typed emails get no fresh budget.
Counts live in memory or in the real Redis, each test under its own key prefix."""
import secrets

import pytest
import redis as redis_client
from werkzeug.security import generate_password_hash

from shop.web.extensions import promo_engine
from tests.support.webkit import seeded, visible_text

REDIS_URL = "redis://127.0.0.1:6379/0"
VICTOR, PASSWORD = "victor@example.com", "espresso-every-day"


@pytest.fixture(params=["memory", "redis"])
def store(request, make_app):
    prefix = f"promoshop-test-{secrets.token_hex(4)}"
    app = seeded(make_app(DEMO_MODE=False, RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=prefix,
                          REDIS_URL=REDIS_URL if request.param == "redis" else None,
                          RATE_LIMIT_SIGN_IN_FAILURES_PER_EMAIL="5 per 15 minutes",
                          RATE_LIMIT_SIGN_IN_FAILURES_PER_IP="8 per 15 minutes"))
    promo_engine(app).set_password_hash("vip", generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
    yield app
    if request.param == "redis":
        connection = redis_client.Redis.from_url(REDIS_URL)
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)


def sign_in(client, email, password, address="127.0.0.1", **headers):
    return client.post("/signin", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def wallet_is_open(client) -> bool:
    return "Victor</bdi>&#39;s wallet" in client.get("/wallet").get_data(as_text=True)


def test_five_wrong_passwords_pause_the_account_even_for_the_right_one(store):
    client = store.test_client()
    assert [sign_in(client, VICTOR, f"guess {n}").status_code for n in range(5)] == [422] * 5

    blocked = sign_in(client, VICTOR, PASSWORD)

    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 900
    page = visible_text(blocked.get_data(as_text=True))
    assert "Too many sign-in attempts that didn't match. For your security, signing in is paused; " \
           "try again in 15 minutes." in page
    assert 'name="password"' in blocked.get_data(as_text=True)       # the sign-in form, not an error page
    assert not wallet_is_open(client)


@pytest.mark.parametrize("variant", [VICTOR.upper(), f" {VICTOR}\t", VICTOR.title(), "ｖｉｃｔｏｒ@example.com"])
def test_retyping_the_email_gets_no_fresh_budget(store, variant):
    client = store.test_client()
    for n in range(5):
        sign_in(client, variant if n % 2 else VICTOR, f"guess {n}")

    assert sign_in(client, VICTOR, PASSWORD).status_code == 429
    assert sign_in(client, variant, PASSWORD).status_code == 429


def test_one_address_trying_many_accounts_is_paused_and_spoofed_forwarded_for_does_not_help(store):
    bot = store.test_client()
    statuses = [sign_in(bot, f"user{n}@example.com", "guess", address="203.0.113.7",
                        **{"X-Forwarded-For": f"198.51.100.{n}", "X-Real-IP": f"198.51.100.{n}"}).status_code
                for n in range(10)]

    assert statuses == [422] * 8 + [429] * 2       # PROMOSHOP_PROXY_HOPS=0: the header is not believed
    assert sign_in(bot, VICTOR, PASSWORD, address="203.0.113.7").status_code == 429
    other = store.test_client()
    assert sign_in(other, VICTOR, PASSWORD, address="198.51.100.9").status_code == 303
    assert wallet_is_open(other)


def test_signing_in_clears_the_accounts_failures(store):
    client = store.test_client()
    for n in range(4):
        sign_in(client, VICTOR, f"typo {n}")
    assert sign_in(client, VICTOR, PASSWORD).status_code == 303

    again = [sign_in(store.test_client(), VICTOR, f"typo {n}").status_code for n in range(4)]

    assert again == [422] * 4
