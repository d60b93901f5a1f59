"""Real sign-in outside demo mode: hashed passwords, a session login, the wallet only for its owner."""
from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from app import create_app
from promo.core.errors import NotFound
from promo.delivery.events import list_events
from shop.console.models import ConsoleUserRow, Role
from shop.console.users import create_user
from shop.web.extensions import db, promo_engine
from shop.web.navigation import safe_next
from tests.support.consolekit import FAST_HASH
from tests.support.webkit import visible_text


@pytest.fixture
def app(fresh_shop):
    app = fresh_shop(DEMO_MODE=False)
    promo_engine(app).set_password_hash("vip", generate_password_hash("espresso-every-day", method=FAST_HASH))
    return app


def sign_in(client, email: str, password: str, **extra):
    return client.post("/signin", data={"email": email, "password": password, **extra})


def test_no_persona_switcher_outside_demo_mode(app):
    page = app.test_client().get("/cart").get_data(as_text=True)

    assert "persona-switcher" not in page
    assert app.test_client().post("/demo/persona", data={"persona": "vip"}).status_code == 404


def test_signing_in_opens_the_customers_own_wallet(app):
    client = app.test_client()

    response = sign_in(client, "Victor@Example.com ", "espresso-every-day")

    assert response.status_code == 303 and response.headers["Location"] == "/wallet"
    wallet = client.get("/wallet").get_data(as_text=True)
    assert "<bdi>Victor</bdi>&#39;s wallet" in wallet and "SORRY-" in wallet


@pytest.mark.parametrize("email, password", [
    ("victor@example.com", "wrong password"),
    ("nobody@example.com", "espresso-every-day"),
    ("nora@example.com", "anything"),          # a customer without a password cannot sign in
])
def test_a_failed_sign_in_does_not_say_which_part_was_wrong(app, email, password):
    client = app.test_client()

    response = sign_in(client, email, password)

    assert response.status_code == 422
    assert "That email and password don&#39;t match an account." in response.get_data(as_text=True)
    assert 'data-testid="wallet-guest"' in client.get("/wallet").get_data(as_text=True)


def test_empty_fields_are_asked_for(app):
    response = sign_in(app.test_client(), "", "")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter your email address." in html and "Enter your password." in html


def finishing_link(app, email: str) -> str:
    """The link the merchant's mailer would send (the outbox event shop/storefront/registration.py writes)."""
    [event] = [e for e in list_events(promo_engine(app), pattern="customer.registration_requested").events
               if e.payload["email"] == email]
    return event.payload["link"].removeprefix("http://localhost")


def test_without_a_configured_method_passwords_are_hashed_with_scrypt(tmp_path):
    """The tests' apps hash with a cheap pbkdf2 (tests/conftest.py); a store configured as in
    production, without the *_PASSWORD_HASH_METHOD keys, hashes customers' and console users'
    passwords with werkzeug's scrypt, and signs them in with it."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "INSTANCE_PATH": str(tmp_path),
                      "WTF_CSRF_ENABLED": False, "DEMO_MODE": False})
    assert "CUSTOMER_PASSWORD_HASH_METHOD" not in app.config and "CONSOLE_PASSWORD_HASH_METHOD" not in app.config
    client = app.test_client()
    client.post("/register", data={"name": "Rosa Roaster", "email": "rosa@example.com"})
    client.post(finishing_link(app, "rosa@example.com"), data={"password": "pour-over-please"})
    _, password_hash = promo_engine(app).find_customer_by_email("rosa@example.com")
    assert password_hash.startswith("scrypt:")
    assert sign_in(app.test_client(), "rosa@example.com", "pour-over-please").status_code == 303
    assert sign_in(app.test_client(), "rosa@example.com", "pour-over-PLEASE").status_code != 303

    with app.app_context():
        create_user("admin@example.com", "correct horse battery", Role.ADMIN, actor="test")
        assert db.session.query(ConsoleUserRow).one().password_hash.startswith("scrypt:")
    console = app.test_client()
    assert console.post("/console/login", data={"email": "admin@example.com",
                                                "password": "correct horse battery"}).status_code == 302
    with app.app_context():
        db.engine.dispose()


def test_registering_stores_a_hash_and_signs_in(app):
    client = app.test_client()

    response = client.post("/register", data={"name": "Rosa Roaster", "email": "Rosa@Example.com",
                                              "password": "ignored outside demo mode", "next": "/cart"})
    assert response.status_code == 200
    assert "We've sent a link to <strong>rosa@example.com</strong>" in response.get_data(as_text=True)
    engine = promo_engine(app)
    with pytest.raises(NotFound):
        engine.find_customer_by_email("rosa@example.com")       # nothing exists before the link is used

    link = finishing_link(app, "rosa@example.com")
    assert "Choose a password for <bdi>rosa@example.com</bdi>" in client.get(link).get_data(as_text=True)
    response = client.post(link, data={"password": "pour-over-please"})

    assert response.status_code == 303 and response.headers["Location"] == "/cart"
    customer, password_hash = engine.find_customer_by_email("rosa@example.com")
    assert customer.name == "Rosa Roaster"
    assert password_hash and "pour-over-please" not in password_hash
    assert "<bdi>Rosa</bdi>&#39;s wallet" in client.get("/wallet").get_data(as_text=True)
    # signup is tracked, so welcome rules fire for accounts made in the store, not only via the API
    signups = list_events(engine, pattern="tracked.signup", customer_id=customer.id).events
    assert len(signups) == 1
    # and the same person can come back later
    other = app.test_client()
    assert sign_in(other, "rosa@example.com", "pour-over-please").status_code == 303
    # the link made its account once: opened again it leads to the sign-in page
    again = app.test_client().get(link)
    assert again.status_code == 303 and again.headers["Location"].startswith("/signin")


def test_a_changed_or_forged_finishing_link_is_refused(app):
    client = app.test_client()
    client.post("/register", data={"name": "Rosa", "email": "rosa@example.com"})
    link = finishing_link(app, "rosa@example.com")

    for bad in (link[:-3] + "abc", "/register/finish/forged-token"):
        response = client.post(bad, data={"password": "pour-over-please"})
        assert response.status_code == 400
        assert "This link has expired or isn" in response.get_data(as_text=True)
    with pytest.raises(NotFound):
        promo_engine(app).find_customer_by_email("rosa@example.com")


@pytest.mark.parametrize("form, message", [
    ({"name": "", "email": "a@example.com", "password": "long enough"}, "Enter your name."),
    ({"name": "A", "email": "not-an-email", "password": "long enough"}, "Enter an email address like name@example.com."),
])
def test_registration_problems_are_explained(app, form, message):
    response = app.test_client().post("/register", data=form)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_a_short_password_is_explained_on_the_finishing_page(app):
    client = app.test_client()
    client.post("/register", data={"name": "A", "email": "a@example.com"})

    response = client.post(finishing_link(app, "a@example.com"), data={"password": "short"})

    assert response.status_code == 422 and "Use at least 8 characters." in response.get_data(as_text=True)


def test_signing_out_forgets_the_customer_but_keeps_the_cart(app):
    client = app.test_client()
    sign_in(client, "victor@example.com", "espresso-every-day")
    client.post("/cart/add", data={"sku": "MERCH-MUG", "quantity": "1"})

    assert client.post("/signout").status_code == 303

    assert 'data-testid="wallet-guest"' in client.get("/wallet").get_data(as_text=True)
    assert 'data-testid="cart-count">1<' in client.get("/cart").get_data(as_text=True)


def test_signing_in_reprices_the_cart_for_the_customer(app):
    client = app.test_client()
    client.post("/cart/add", data={"sku": "MERCH-MUG", "quantity": "1"})
    client.post("/cart/codes", data={"code": "BLCKFRDY"})
    assert "Sign in to use this offer." in client.get("/cart").get_data(as_text=True)

    sign_in(client, "victor@example.com", "espresso-every-day")

    assert "Applied: you save $3.20." in client.get("/cart").get_data(as_text=True)


@pytest.mark.parametrize("raw, expected", [
    ("/wallet", "/wallet"),
    ("/cart?x=1", "/cart?x=1"),
    (None, "/home"),
    ("", "/home"),
    ("//evil.example/x", "/home"),
    ("https://evil.example/", "/home"),
    ("/\\evil.example", "/home"),
    ("wallet", "/home"),
])
def test_redirects_after_sign_in_stay_on_this_site(raw, expected):
    assert safe_next(raw, "/home") == expected


def test_offer_emails_are_opt_in_at_registration_and_changeable_in_the_wallet(app):
    client = app.test_client()
    engine = promo_engine(app)
    client.post("/register", data={"name": "Quiet Quinn", "email": "quinn@example.com"})
    client.post(finishing_link(app, "quinn@example.com"), data={"password": "no-spam-please"})
    quinn, _ = engine.find_customer_by_email("quinn@example.com")
    assert quinn.accepts_marketing is False                     # the box was left unticked

    wallet = visible_text(client.get("/wallet").get_data(as_text=True))
    assert "We don't email you offers. New codes still appear here in your wallet." in wallet

    answer = client.post("/wallet/emails", data={"accepts_marketing": "yes"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "We email you when a new code lands in your wallet" in answer.get_data(as_text=True)
    assert "We'll email you" in answer.headers["HX-Trigger"]
    assert engine.get_customer(quinn.id).accepts_marketing is True

    # without JavaScript: a plain post, back to the wallet's section, with the news as a flash
    answer = client.post("/wallet/emails", data={"accepts_marketing": "no"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/wallet#wallet-emails")
    assert "No more offer emails." in client.get("/wallet").get_data(as_text=True)
    assert engine.get_customer(quinn.id).accepts_marketing is False
    assert [e.action for e in engine.audit_log(object_id=quinn.id)][:2] == ["customer.marketing"] * 2

    client.post("/register", data={"name": "Chatty Cat", "email": "cat@example.com", "accepts_marketing": "yes"})
    client.post(finishing_link(app, "cat@example.com"), data={"password": "send-me-deals"})
    assert engine.find_customer_by_email("cat@example.com")[0].accepts_marketing is True


def test_the_email_preference_needs_a_customer_and_a_clear_answer(app):
    assert app.test_client().post("/wallet/emails", data={"accepts_marketing": "no"}).status_code == 403
    client = app.test_client()
    client.post("/register", data={"name": "Quiet Quinn", "email": "quinn@example.com"})
    client.post(finishing_link(app, "quinn@example.com"), data={"password": "no-spam-please"})
    assert client.post("/wallet/emails", data={"accepts_marketing": "maybe"}).status_code == 400
