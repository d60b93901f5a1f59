"""Password guessing on the console: failed sign-ins are limited per account and per IP, with a
clear message on the sign-in page; other people keep signing in. Counts live in memory or in the
real Redis, each test under its own key prefix."""
import secrets

import pytest
import redis as redis_client
from sqlalchemy import select
from sqlalchemy.orm import Session

from promo.storage.models import AuditRow
from shop.console.models import Role
from shop.web.extensions import db
from tests.support.consolekit import EMAILS, FAST_HASH, PASSWORD, create_console_users
from tests.support.webkit import visible_text

REDIS_URL = "redis://127.0.0.1:6379/0"
MIA, ADMIN = EMAILS[Role.MARKETER], EMAILS[Role.ADMIN]


@pytest.fixture(params=["memory", "redis"])
def console(request, make_app):
    prefix = f"promoshop-test-{secrets.token_hex(4)}"
    app = make_app(CONSOLE_PASSWORD_HASH_METHOD=FAST_HASH, RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=prefix,
                   REDIS_URL=REDIS_URL if request.param == "redis" else None,
                   RATE_LIMIT_CONSOLE_SIGN_IN_FAILURES_PER_EMAIL="5 per 15 minutes",
                   RATE_LIMIT_CONSOLE_SIGN_IN_FAILURES_PER_IP="8 per 15 minutes")
    create_console_users(app)
    yield app
    if request.param == "redis":
        connection = redis_client.Redis.from_url(REDIS_URL)
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)


def sign_in(client, email, password, address="127.0.0.1"):
    return client.post("/console/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_five_wrong_passwords_pause_the_account_with_a_clear_message(console):
    client = console.test_client()
    assert [sign_in(client, MIA, f"guess {n}").status_code for n in range(5)] == [401] * 5

    blocked = sign_in(client, MIA, PASSWORD)          # even the right password waits now

    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 900
    page = visible_text(blocked.get_data(as_text=True))
    assert "Too many sign-in attempts that didn't match. For your security, signing in is paused; " \
           "try again in 15 minutes." in page
    assert 'name="password"' in blocked.get_data(as_text=True)     # the sign-in form, not an error page
    assert console.test_client().get("/console/campaigns").status_code == 302   # nobody got in


def test_the_email_is_counted_however_it_is_typed(console):
    client = console.test_client()
    for email in (MIA, MIA.upper(), f" {MIA}", MIA.title(), MIA):
        sign_in(client, email, "wrong")

    assert sign_in(client, MIA, PASSWORD).status_code == 429


def test_other_accounts_still_sign_in_from_the_same_address(console):
    for n in range(6):
        sign_in(console.test_client(), MIA, f"guess {n}")

    signed_in = sign_in(console.test_client(), ADMIN, PASSWORD)

    assert signed_in.status_code == 302


def test_one_address_trying_many_accounts_is_paused_and_another_address_is_not(console):
    bot = console.test_client()
    statuses = [sign_in(bot, f"user{n}@example.com", "guess", address="203.0.113.7").status_code for n in range(10)]

    assert statuses == [401] * 8 + [429] * 2
    assert sign_in(bot, ADMIN, PASSWORD, address="203.0.113.7").status_code == 429
    assert sign_in(console.test_client(), ADMIN, PASSWORD, address="198.51.100.9").status_code == 302


def test_signing_in_clears_the_accounts_failures(console):
    client = console.test_client()
    for n in range(4):
        sign_in(client, MIA, f"typo {n}")
    assert sign_in(client, MIA, PASSWORD).status_code == 302

    again = [sign_in(console.test_client(), MIA, f"typo {n}").status_code for n in range(4)]

    assert again == [401] * 4


def test_a_paused_account_is_audited_once_not_per_attempt(console):
    for n in range(7):
        sign_in(console.test_client(), MIA, f"guess {n}")

    with console.app_context(), Session(db.engine) as session:
        rows = session.scalars(select(AuditRow).where(AuditRow.action == "console_sign_in_blocked")).all()
    assert len(rows) == 1
    assert rows[0].actor.startswith("account:") and rows[0].after["failed_sign_ins"] == 5
    assert rows[0].after["email"] == MIA
