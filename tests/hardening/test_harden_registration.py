"""Registering cannot be used to find out who has an account: a known email gets the very page a
new one gets, with the same work done (the same SQL statements), and only the address's owner
learns more, by email. Registrations per IP are limited, so the form is no mail cannon."""
from __future__ import annotations

import re
import secrets

import pytest
from sqlalchemy import event

from promo.delivery.events import list_events
from shop.web.extensions import db, promo_engine
from tests.support.webkit import seeded

KNOWN, NEW = "victor@example.com", "rosa@example.com"


@pytest.fixture
def store(make_app):
    return seeded(make_app(DEMO_MODE=False))


def without_csrf_tokens(html: str) -> str:
    return re.sub(r"[\w-]{20,}\.[\w-]+\.[\w-]+", "<token>", html)     # each session's own


def register(client, email, **extra):
    return client.post("/register", data={"name": "Someone", "email": email, "password": "long enough pw", **extra})


def statements_for(app, email) -> list[str]:
    seen: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        seen.append(re.sub(r"'[^']*'", "?", statement))

    with app.app_context():
        sql = db.engine
    event.listen(sql, "before_cursor_execute", note)
    try:
        register(app.test_client(), email)
    finally:
        event.remove(sql, "before_cursor_execute", note)
    return seen


def test_a_known_email_gets_the_same_answer_as_a_new_one(store):
    known, new = register(store.test_client(), KNOWN), register(store.test_client(), NEW)

    assert known.status_code == new.status_code == 200
    page = without_csrf_tokens(known.get_data(as_text=True))
    assert page.replace(KNOWN, NEW) == without_csrf_tokens(new.get_data(as_text=True))
    assert "already" not in page.lower().replace("if you already have an account", "")
    assert known.headers.get("Set-Cookie", "").split("=")[0] == new.headers.get("Set-Cookie", "").split("=")[0]


def test_both_answers_cost_the_same_work(store):
    assert statements_for(store, KNOWN) == statements_for(store, NEW)


def test_only_the_owner_learns_more_through_the_mail_the_merchant_sends(store):
    register(store.test_client(), KNOWN)
    register(store.test_client(), NEW)

    events = {e.payload["email"]: e.payload
              for e in list_events(promo_engine(store), pattern="customer.registration_requested").events}
    assert events[KNOWN]["account_exists"] is True and events[NEW]["account_exists"] is False
    assert events[NEW]["link"].startswith("http://localhost/register/finish/")


def test_registering_a_known_email_does_not_sign_anybody_in_or_change_the_account(store):
    engine = promo_engine(store)
    before = engine.find_customer_by_email(KNOWN)
    client = store.test_client()
    register(client, KNOWN)

    assert 'data-testid="wallet-guest"' in client.get("/wallet").get_data(as_text=True)
    assert engine.find_customer_by_email(KNOWN) == before


def test_registrations_per_ip_are_limited(make_app):
    store = seeded(make_app(DEMO_MODE=False, RATELIMIT_ENABLED=True,
                            RATELIMIT_KEY_PREFIX=f"promoshop-test-{secrets.token_hex(4)}",
                            RATE_LIMIT_REGISTRATIONS_PER_IP="3 per hour"))
    statuses = [register(store.test_client(), f"user{n}@example.com").status_code for n in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = register(store.test_client(), "later@example.com")
    assert "Too many accounts were started from your network" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
