"""Registration outside demo mode: the email address is proven before an account exists.

Registering answers the same page whether or not the address already has an account ("check
your email"), so the form cannot be used to find out who shops here. The store never sends
mail itself: it writes a ``customer.registration_requested`` event to the outbox, and the
merchant's mailer (a webhook receiver, docs/events.md) sends its ``link``. The link carries a
signed, timed token (the app's secret key; 24 hours) naming the email, the name and the
offers opt-in, nothing else: the password is chosen on the page the link opens, and the account
is made then. For an address that already has an account the event says so
(``account_exists``), so the mailer can tell its owner "you already have an account"; the link
then leads to the sign-in page. Nothing is stored before the link is used, so nobody can hold
an address for later by registering it first.

Demo mode keeps the one-step form (no mail is ever sent there, and its persona switcher already
lets anyone be any demo customer).
"""
from __future__ import annotations

import secrets
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from promo.core.domain import Customer
from promo.core.errors import Conflict, NotFound
from shop.web.extensions import promo_engine
from shop.web.passwords import hash_password

# Config key naming the customers' password hash method: werkzeug's scrypt unless set.
HASH_METHOD_KEY = "CUSTOMER_PASSWORD_HASH_METHOD"

REGISTRATION_EVENT = "customer.registration_requested"
LINK_LIFETIME_SECONDS = 24 * 3600
_SALT = "promoshop.registration"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def has_account(email: str) -> bool:
    try:
        promo_engine().find_customer_by_email(email)
    except NotFound:
        return False
    return True


def request_registration(email: str, name: str, accepts_marketing: bool, next_url: str) -> None:
    """Ask the merchant's mailer to send the finishing link (the same work for a known address)."""
    token = _serializer().dumps({"email": email, "name": name, "marketing": accepts_marketing, "next": next_url})
    link = url_for("account.finish_registration", token=token, _external=True)
    promo_engine().notify(REGISTRATION_EVENT, {"email": email, "name": name, "link": link,
                                               "account_exists": has_account(email),
                                               "expires_in_seconds": LINK_LIFETIME_SECONDS})


def read_link(token: str) -> dict[str, Any] | None:
    """What a finishing link says, or None when it is forged, changed or expired."""
    try:
        data = _serializer().loads(token, max_age=LINK_LIFETIME_SECONDS)
    except BadSignature:               # SignatureExpired is one too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("email"), str) or not isinstance(data.get("name"), str):
        return None
    return data


def sent_page(email: str) -> tuple[str, int]:
    return render_template("register_sent.html", email=email, active_section="account"), 200


def bad_link_page() -> tuple[str, int]:
    return render_template("register_finish.html", link=None, errors={}, active_section="account"), 400


def to_sign_in(email: str) -> Response:
    flash(f"There's already an account for {email}. Sign in, or use a password you remember.", "success")
    return redirect(url_for("account.signin", next=None), 303)


def create_account(link: dict[str, Any], password: str) -> str | None:
    """Make the account the link describes; its id, or None when the email has one already."""
    engine = promo_engine()
    customer_id = f"cus_{secrets.token_hex(8)}"
    try:
        engine.upsert_customer(Customer(id=customer_id, email=link["email"], name=link["name"],
                                        accepts_marketing=bool(link.get("marketing"))),
                               actor=f"customer:{customer_id}")
    except Conflict:
        return None
    engine.set_password_hash(customer_id, hash_password(password, HASH_METHOD_KEY), actor=f"customer:{customer_id}")
    # Signup is an event distribution rules listen for (e.g. a welcome code in the new wallet).
    engine.track(customer_id, "signup")
    return customer_id


def password_problem(password: str, minimum: int, maximum: int) -> str | None:
    if len(password) < minimum:
        return f"Use at least {minimum} characters."
    if len(password) > maximum:
        return f"Use at most {maximum} characters."
    return None


def finish_form(link: dict[str, Any], token: str, errors: dict[str, str], status: int = 200) -> tuple[str, int]:
    return render_template("register_finish.html", link=link, token=token, errors=errors,
                           active_section="account"), status


def demo_mode() -> bool:
    return bool(current_app.config.get("DEMO_MODE"))


def form_password() -> str:
    return request.form.get("password", "")
