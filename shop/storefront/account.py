"""Signing in and registering, with hashed passwords.

Signing in puts the customer's id and session version in the session (shop.storefront.model.
customer) after checking a werkzeug password hash. Outside demo mode, registering answers alike
for known and new emails and finishes through a signed link (shop.storefront.registration).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from promo.core.domain import Customer
from promo.core.errors import NotFound
from shop.storefront.model.customer import current_customer, current_customer_id, set_current_customer
from shop.storefront.registration import (
    HASH_METHOD_KEY,
    bad_link_page,
    create_account,
    demo_mode,
    finish_form,
    form_password,
    has_account,
    password_problem,
    read_link,
    request_registration,
    sent_page,
    to_sign_in,
)
from shop.web.extensions import promo_engine
from shop.web.navigation import safe_next
from shop.web.passwords import check_password
from shop.web.rate_limits import STOREFRONT, note_failed_sign_in, note_signed_in, registration_blocked, sign_in_blocked
from shop.web.text import CONTROL_MESSAGE, has_control_characters, normalise

bp = Blueprint("account", __name__)

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
MAX_NAME_LENGTH = 120
MAX_EMAIL_LENGTH = 320
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@bp.before_app_request
def _check_customer_session() -> None:
    # Every request, not only the pages that show the customer: a session ended by signing out
    # (elsewhere too) must not reach an order, a wallet action or a checkout either.
    if request.endpoint != "static":
        current_customer()


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

    def validate(self, *, needs_password: bool = True) -> bool:
        errors = {}
        if not self.name:
            errors["name"] = "Enter your name."
        elif has_control_characters(self.name):
            errors["name"] = CONTROL_MESSAGE
        elif len(self.name) > MAX_NAME_LENGTH:
            errors["name"] = f"Use at most {MAX_NAME_LENGTH} characters."
        if not _EMAIL.match(self.email) or len(self.email) > MAX_EMAIL_LENGTH:
            errors["email"] = "Enter an email address like name@example.com."
        problem = password_problem(self.password, MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH) if needs_password else None
        if problem:
            errors["password"] = problem
        self.errors = errors
        return not errors


def authenticate(email: str, password: str) -> Customer | None:
    """The customer with this email and password, or None (never says which one was wrong)."""
    try:
        customer, password_hash = promo_engine().find_customer_by_email(email.strip().lower())
    except NotFound:
        customer, password_hash = None, None
    # With no account (or none with a password) the check runs against a dummy hash, so a wrong
    # email takes as long as a wrong password (shop/web/passwords.py).
    if not check_password(password_hash if customer is not None else None, password, HASH_METHOD_KEY):
        return None
    return customer


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
def signin_submit() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    form = SignInForm.from_request()
    if not form.validate():
        return _signin_page(form, RegisterForm(), 422)
    blocked = sign_in_blocked(form.email, STOREFRONT)
    if blocked is not None:
        html, status = _signin_page(form, RegisterForm(), 429, error=blocked.message)
        return html, status, blocked.headers
    customer = authenticate(form.email, form.password)
    if customer is None:
        note_failed_sign_in(form.email, STOREFRONT)
        form.password = ""
        return _signin_page(form, RegisterForm(), 422, error="That email and password don't match an account.")
    note_signed_in(form.email, STOREFRONT)
    set_current_customer(customer.id)
    flash(f"Welcome back, {customer.name or customer.email}.", "success")
    return redirect(safe_next(request.form.get("next"), url_for("wallet.wallet")), 303)


@bp.post("/register")
def register_submit() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    register = RegisterForm.from_request()
    if not register.validate(needs_password=demo_mode()):
        return _signin_page(SignInForm(), register, 422)
    blocked = registration_blocked()
    if blocked is not None:
        register.errors = {"email": blocked.message}
        html, status = _signin_page(SignInForm(), register, 429)
        return html, status, blocked.headers
    next_url = safe_next(request.form.get("next"), url_for("wallet.wallet"))
    if not demo_mode():
        # The same answer whether or not the address has an account (shop/storefront/registration.py).
        request_registration(register.email.lower(), register.name, register.accepts_marketing, next_url)
        return sent_page(register.email.lower())
    customer_id = create_account({"email": register.email.lower(), "name": register.name,
                                  "marketing": register.accepts_marketing}, register.password)
    if customer_id is None:
        register.errors = {"email": "An account with this email already exists. Sign in instead."}
        return _signin_page(SignInForm(email=register.email), register, 422)
    set_current_customer(customer_id)
    flash(f"Welcome, {register.name}. Your account is ready.", "success")
    return redirect(next_url, 303)


@bp.get("/register/finish/<token>")
def finish_registration(token: str) -> Response | tuple[str, int]:
    link = read_link(token)
    if link is None:
        return bad_link_page()
    if has_account(link["email"]):
        return to_sign_in(link["email"])
    return finish_form(link, token, {})


@bp.post("/register/finish/<token>")
def finish_registration_submit(token: str) -> Response | tuple[str, int]:
    link = read_link(token)
    if link is None:
        return bad_link_page()
    password = form_password()
    problem = password_problem(password, MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH)
    if problem:
        return finish_form(link, token, {"password": problem}, 422)
    customer_id = create_account(link, password)
    if customer_id is None:                                # the link was used already
        return to_sign_in(link["email"])
    set_current_customer(customer_id)
    flash(f"Welcome, {link['name']}. Your account is ready.", "success")
    return redirect(safe_next(link.get("next"), url_for("wallet.wallet")), 303)


@bp.post("/signout")
def signout() -> Response:
    customer_id = current_customer_id()
    if customer_id is not None:
        # Signs out every copy of this session, a cookie captured before included.
        promo_engine().end_customer_sessions(customer_id, actor=f"customer:{customer_id}")
    set_current_customer(None)
    flash("You're signed out.", "success")
    return redirect(url_for("storefront.home"), 303)
