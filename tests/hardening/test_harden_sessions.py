"""Signing out ends the session: a cookie copied before sign-out (or before a new password or a
new console role) opens neither the wallet nor the console afterwards. The persona switcher of
demo mode keeps switching."""
from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from shop.console.models import Role
from shop.console.users import get_user, set_password
from shop.web.extensions import promo_engine
from tests.support.consolekit import EMAILS, FAST_HASH, create_console_users
from tests.support.consolekit import PASSWORD as CONSOLE_PASSWORD
from tests.support.webkit import as_persona, seeded

VICTOR, PASSWORD = "victor@example.com", "espresso-every-day"
WALLET = "Victor</bdi>&#39;s wallet"


@pytest.fixture
def store(make_app):
    app = seeded(make_app(DEMO_MODE=False, CONSOLE_PASSWORD_HASH_METHOD=FAST_HASH))
    promo_engine(app).set_password_hash("vip", generate_password_hash(PASSWORD, method=FAST_HASH))
    create_console_users(app)
    return app


def copied_session(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str):
    """A client of the attacker's that has nothing but the copied cookie."""
    attacker = app.test_client()
    attacker.set_cookie("session", cookie)
    return attacker


def signed_in_shopper(app):
    client = app.test_client()
    assert client.post("/signin", data={"email": VICTOR, "password": PASSWORD}).status_code == 303
    return client


def test_a_cookie_copied_before_sign_out_no_longer_opens_the_wallet(store):
    shopper = signed_in_shopper(store)
    cookie = copied_session(shopper)
    assert WALLET in replay(store, cookie).get("/wallet").get_data(as_text=True)   # the copy works ...

    shopper.post("/signout")

    attacker = replay(store, cookie)
    assert WALLET not in attacker.get("/wallet").get_data(as_text=True)           # ... and then no more
    assert 'data-testid="wallet-guest"' in attacker.get("/wallet").get_data(as_text=True)
    spend = attacker.post("/wallet/emails", data={"accepts_marketing": "no"})
    assert spend.status_code in (303, 401, 403) and promo_engine(store).get_customer("vip").accepts_marketing
    # and the customer signs in again as before
    assert WALLET in signed_in_shopper(store).get("/wallet").get_data(as_text=True)


def test_a_new_password_ends_the_sessions_made_with_the_old_one(store):
    cookie = copied_session(signed_in_shopper(store))

    promo_engine(store).set_password_hash("vip", generate_password_hash("a brand new secret", method=FAST_HASH))

    assert WALLET not in replay(store, cookie).get("/wallet").get_data(as_text=True)


def console_session(app, role: Role):
    client = app.test_client()
    response = client.post("/console/login", data={"email": EMAILS[role], "password": CONSOLE_PASSWORD})
    assert response.status_code == 302
    return client


def opens_console(client) -> bool:
    return client.get("/console/campaigns").status_code == 200


def test_a_console_cookie_copied_before_sign_out_no_longer_opens_the_console(store):
    admin = console_session(store, Role.ADMIN)
    cookie = copied_session(admin)
    assert opens_console(replay(store, cookie))

    admin.post("/console/logout")

    refused = replay(store, cookie).get("/console/campaigns")
    assert refused.status_code == 302 and "/console/login" in refused.headers["Location"]
    assert opens_console(console_session(store, Role.ADMIN))


def test_a_role_change_ends_the_users_sessions(store):
    marketer = console_session(store, Role.MARKETER)
    with store.app_context():
        marketer_id = next(u.id for u in (get_user(n) for n in range(1, 4)) if u.email == EMAILS[Role.MARKETER])
    admin = console_session(store, Role.ADMIN)

    assert admin.post(f"/console/users/{marketer_id}", data={"role": "viewer"}).status_code == 302

    assert not opens_console(marketer)          # the old session would still have marketer rights
    viewer = console_session(store, Role.MARKETER)  # same email, now a viewer
    assert opens_console(viewer)
    assert viewer.post("/console/campaigns/happy10/status", data={"action": "pause"}).status_code == 403


def test_a_console_password_change_ends_the_sessions_made_with_the_old_one(store):
    marketer = console_session(store, Role.MARKETER)

    with store.app_context():
        set_password(EMAILS[Role.MARKETER], "another long password", actor="test")

    assert not opens_console(marketer)


def test_the_demo_persona_switcher_keeps_switching_and_signing_out(make_app):
    demo = seeded(make_app(DEMO_MODE=True))
    client = demo.test_client()
    as_persona(client, "vip")
    assert WALLET in client.get("/wallet").get_data(as_text=True)

    client.post("/signout")
    assert WALLET not in client.get("/wallet").get_data(as_text=True)
    as_persona(client, "vip")
    assert WALLET in client.get("/wallet").get_data(as_text=True)
    as_persona(client, "guest")
    assert 'data-testid="wallet-guest"' in client.get("/wallet").get_data(as_text=True)
