"""Who is shopping: sign-in with hashed passwords, and the current customer for every page.

The session holds only a customer id (``customer_id``). Signing in sets it after checking a
werkzeug password hash; in demo mode the persona switcher sets the same key, so carts, wallets
and orders never need to know which of the two put it there. A wallet or an order is shown only
when its customer id equals this one.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, Response, flash, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from promo.core.domain import Customer
from promo.core.errors import Conflict, NotFound
from shop.extensions import promo_engine
from shop.text import CONTROL_MESSAGE, has_control_characters, normalise

bp = Blueprint("account", __name__)

CUSTOMER_KEY = "customer_id"
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
MAX_NAME_LENGTH = 120
MAX_EMAIL_LENGTH = 320
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Checked when no account matches, so a wrong email takes as long as a wrong password and the
# response time does not reveal which emails have accounts.
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


# ---- the current customer -------------------------------------------------------------------


def current_customer_id() -> str | None:
    value = session.get(CUSTOMER_KEY)
    return value if isinstance(value, str) and value else None


def current_customer() -> Customer | None:
    """The signed-in customer's stored profile (None for guests), loaded once per request.

    A session pointing at a customer that no longer exists is treated as a guest.
    """
    if "customer" not in g:
        customer_id = current_customer_id()
        customer = None
        if customer_id is not None:
            try:
                customer = promo_engine().get_customer(customer_id)
            except NotFound:
                session.pop(CUSTOMER_KEY, None)
        g.customer = customer
    return g.customer


def set_current_customer(customer_id: str | None) -> None:
    """Switch the shopper (sign-in, sign-out, demo persona). The cart stays; prices follow."""
    if customer_id is None:
        session.pop(CUSTOMER_KEY, None)
    else:
        session[CUSTOMER_KEY] = customer_id
    g.pop("customer", None)


def safe_next(raw: str | None, default: str) -> str:
    """Only same-site paths: "/wallet" yes, "//evil.example" or "https://evil.example" no."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return default
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return default
    return raw


# ---- forms ----------------------------------------------------------------------------------


@dataclass
class SignInForm:
    email: str = ""
    password: str = ""
    errors: dict[str, str] | None = None

    @classmethod
    def from_request(cls) -> SignInForm:
        return cls(email=request.form.get("email", "").strip()[:MAX_EMAIL_LENGTH],
                   password=request.form.get("password", "")[:MAX_PASSWORD_LENGTH])

    def validate(self) -> bool:
        errors = {}
        if not self.email:
            errors["email"] = "Enter your email address."
        if not self.password:
            errors["password"] = "Enter your password."
        self.errors = errors
        return not errors


@dataclass
class RegisterForm:
    name: str = ""
    email: str = ""
    password: str = ""
    accepts_marketing: bool = False      # opt-in: unticked unless the shopper ticks it
    errors: dict[str, str] | None = None

    @classmethod
    def from_request(cls) -> RegisterForm:
        return cls(name=normalise(request.form.get("name", "")[:MAX_NAME_LENGTH * 4]),
                   email=normalise(request.form.get("email", "")[:MAX_EMAIL_LENGTH * 4]),
                   password=request.form.get("password", ""),
                   accepts_marketing=request.form.get("accepts_marketing") == "yes")

    def validate(self) -> bool:
        errors = {}
        if not self.name:
            errors["name"] = "Enter your name."
        elif has_control_characters(self.name):
            errors["name"] = CONTROL_MESSAGE
        elif len(self.name) > MAX_NAME_LENGTH:
            errors["name"] = f"Use at most {MAX_NAME_LENGTH} characters."
        if not _EMAIL.match(self.email) or len(self.email) > MAX_EMAIL_LENGTH:
            errors["email"] = "Enter an email address like name@example.com."
        if len(self.password) < MIN_PASSWORD_LENGTH:
            errors["password"] = f"Use at least {MIN_PASSWORD_LENGTH} characters."
        elif len(self.password) > MAX_PASSWORD_LENGTH:
            errors["password"] = f"Use at most {MAX_PASSWORD_LENGTH} characters."
        self.errors = errors
        return not errors


def authenticate(email: str, password: str) -> Customer | None:
    """The customer with this email and password, or None (never says which one was wrong)."""
    try:
        customer, password_hash = promo_engine().find_customer_by_email(email.strip().lower())
    except NotFound:
        customer, password_hash = None, None
    if customer is None or not password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return customer if check_password_hash(password_hash, password) else None


# ---- routes ---------------------------------------------------------------------------------


def _signin_page(form: SignInForm, register: RegisterForm, status: int = 200, *, error: str | None = None):
    next_url = safe_next(request.values.get("next"), url_for("wallet.wallet"))
    html = render_template("signin.html", form=form, register=register, next_url=next_url, error=error,
                           active_section="account")
    return html, status


@bp.get("/signin")
def signin() -> tuple[str, int]:
    return _signin_page(SignInForm(), RegisterForm())


@bp.post("/signin")
def signin_submit() -> Response | tuple[str, int]:
    form = SignInForm.from_request()
    if not form.validate():
        return _signin_page(form, RegisterForm(), 422)
    customer = authenticate(form.email, form.password)
    if customer is None:
        form.password = ""
        return _signin_page(form, RegisterForm(), 422, error="That email and password don't match an account.")
    set_current_customer(customer.id)
    flash(f"Welcome back, {customer.name or customer.email}.", "success")
    return redirect(safe_next(request.form.get("next"), url_for("wallet.wallet")), 303)


@bp.post("/register")
def register_submit() -> Response | tuple[str, int]:
    register = RegisterForm.from_request()
    if not register.validate():
        return _signin_page(SignInForm(), register, 422)
    engine = promo_engine()
    customer_id = f"cus_{secrets.token_hex(8)}"
    try:
        engine.upsert_customer(Customer(id=customer_id, email=register.email.lower(), name=register.name,
                                        accepts_marketing=register.accepts_marketing),
                               actor=f"customer:{customer_id}")
    except Conflict:
        register.errors = {"email": "An account with this email already exists. Sign in instead."}
        return _signin_page(SignInForm(email=register.email), register, 422)
    engine.set_password_hash(customer_id, generate_password_hash(register.password), actor=f"customer:{customer_id}")
    # Signup is an event distribution rules listen for (e.g. a welcome code in the new wallet).
    engine.track(customer_id, "signup")
    set_current_customer(customer_id)
    flash(f"Welcome, {register.name}. Your account is ready.", "success")
    return redirect(safe_next(request.form.get("next"), url_for("wallet.wallet")), 303)


@bp.post("/signout")
def signout() -> Response:
    set_current_customer(None)
    flash("You're signed out.", "success")
    return redirect(url_for("storefront.home"), 303)
