"""Checkout: contact details, the code field again, and placing the order.

"Place order" calls ``Engine.redeem`` once, atomically, with every code in the cart (a code that
no longer applies is refused with its reason, never dropped, so the price cannot change behind
the shopper's back) and an idempotency key made when the checkout form was shown (kept in the
session until an order succeeds). A double click, a retry or a reload of the POST sends the same
key and the same cart, so the engine returns the first result and nothing is redeemed twice. A
refusal (say the single-use code was used up meanwhile) brings the shopper back to checkout with
the reason, and nothing is recorded.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, flash, make_response, redirect, render_template, request, session, url_for

from promo.core.domain import Customer
from promo.core.errors import Conflict, RedemptionRefused
from shop.storefront.model import cart_state
from shop.storefront.model.cart_actions import (
    FormError,
    Outcome,
    blocked_code_entry,
    enter_code,
    remove_code_from_cart,
    store_cart,
)
from shop.storefront.model.cart_state import SessionCart
from shop.storefront.model.customer import current_customer
from shop.storefront.model.orders import order_payments, order_view, owns_order, remember_guest_order
from shop.storefront.model.priced_cart import PricedCart, load_session_cart, price_cart
from shop.web.extensions import promo_engine
from shop.web.htmx import answer, navigate, render_fragment
from shop.web.rate_limits import guard_code_entry
from shop.web.text import CONTROL_MESSAGE, has_control_characters, normalise

bp = Blueprint("checkout", __name__)

TOKEN_KEY = "checkout_token"
LAST_ORDER_KEY = "last_order"
MAX_NAME_LENGTH = 120
MAX_EMAIL_LENGTH = 320
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class ContactForm:
    name: str = ""
    email: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_customer(cls, customer: Customer | None) -> ContactForm:
        if customer is None:
            return cls()
        return cls(name=customer.name or "", email=customer.email or "")

    @classmethod
    def from_request(cls) -> ContactForm:
        return cls(name=normalise(request.form.get("name", "")[:MAX_NAME_LENGTH * 4])[:MAX_NAME_LENGTH + 1],
                   email=normalise(request.form.get("email", "")[:MAX_EMAIL_LENGTH * 4])[:MAX_EMAIL_LENGTH + 1])

    def validate(self) -> bool:
        self.errors = {}
        if not self.name:
            self.errors["name"] = "Enter your name."
        elif has_control_characters(self.name):
            self.errors["name"] = CONTROL_MESSAGE
        elif len(self.name) > MAX_NAME_LENGTH:
            self.errors["name"] = f"Use at most {MAX_NAME_LENGTH} characters."
        if not self.email:
            self.errors["email"] = "Enter your email address."
        elif not _EMAIL.match(self.email) or len(self.email) > MAX_EMAIL_LENGTH:
            self.errors["email"] = "Enter an email address like name@example.com."
        return not self.errors


@dataclass(frozen=True)
class Refusal:
    """Why placing the order failed, per code when the engine said which."""

    message: str
    codes: tuple[tuple[str, str, str], ...] = ()     # (code, message, reason)


def checkout_token() -> str:
    token = session.get(TOKEN_KEY)
    if not isinstance(token, str) or not re.fullmatch(r"[0-9a-f]{32}", token):
        token = secrets.token_hex(16)
        session[TOKEN_KEY] = token
    return token


def order_reference(token: str) -> str:
    # Derived from the token, so a replayed request carries the same reference as the first.
    return f"AC-{token[:10].upper()}"


def _page_html(priced: PricedCart, form: ContactForm, *, error: FormError | None = None,
               refusal: Refusal | None = None) -> str:
    return render_template("checkout.html", priced=priced, form=form, error=error, refusal=refusal,
                           token=checkout_token(), active_section="checkout")


def _page(priced: PricedCart, form: ContactForm, *, status: int = 200, refusal: Refusal | None = None) -> Response:
    return make_response(_page_html(priced, form, refusal=refusal), status)


@bp.get("/checkout")
def view() -> Response:
    priced = price_for_checkout(load_session_cart())
    if priced.is_empty:
        flash("Your cart is empty. Add something before checking out.", "error")
        return redirect(url_for("cart.view"), 303)
    return _page(priced, ContactForm.for_customer(priced.customer))


# ---- codes, again (checklist: a code field in both the cart and the checkout) ---------------


def price_for_checkout(state: SessionCart) -> PricedCart:
    return price_cart(state, current_customer(), page="checkout", max_nudges=1, with_gift_cards=True)


def _code_response(outcome: Outcome) -> Response:
    error = outcome.error

    def page() -> str:
        priced = outcome.priced_with(price_for_checkout)
        return _page_html(priced, ContactForm.for_customer(priced.customer), error=error)

    return answer(
        fragment=lambda: render_fragment("partials/checkout_update.html",
                                         priced=outcome.priced_with(price_for_checkout), error=error),
        page=page if error else None,
        redirect_to=url_for("checkout.view"),
        # Checkout shows refused input and each code's result in its code panel: no toast for them.
        message=None if error or outcome.shown_with_codes else outcome.message,
        level="error" if error else outcome.level,
        flash_level="success",
        status=422 if error else 200,
    )


# Too many wrong codes: the code field says so, with 429 and Retry-After.
bp.before_request(guard_code_entry(lambda blocked: _code_response(blocked_code_entry(blocked))))


@bp.post("/checkout/codes")
def apply_code() -> Response:
    return _code_response(enter_code(request.form.get("code", "")[: cart_state.MAX_CODE_LENGTH + 20], price_for_checkout))


@bp.post("/checkout/codes/remove")
def remove_code() -> Response:
    return _code_response(remove_code_from_cart(request.form.get("code", "")[: cart_state.MAX_CODE_LENGTH + 20]))


# ---- placing the order ----------------------------------------------------------------------


def _refusal(error: RedemptionRefused) -> Refusal:
    codes = tuple((code, info.get("message", ""), info.get("reason", ""))
                  for code, info in error.details.get("codes", {}).items())
    return Refusal("We couldn't place your order with these offers, and nothing was charged.", codes)


def codes_to_redeem(priced: PricedCart) -> list[str]:
    """The cart's codes minus those the checkout page said the order goes without ("Your order
    will be placed without X") and that still don't apply. Any other code is redeemed, so one
    that stopped applying after the page was shown is refused with its reason, never dropped."""
    agreed = {cart_state.normalise_code(code) for code in request.form.getlist("without")[:cart_state.MAX_CODES]}
    still_out = {code.code for code in priced.rejected_codes}
    return [code for code in priced.state.codes if not (code in agreed and code in still_out)]


@bp.post("/checkout")
def place_order() -> Response:
    token = checkout_token()
    form = ContactForm.from_request()
    submitted = request.form.get("checkout_token", "")
    last = session.get(LAST_ORDER_KEY)
    if isinstance(last, dict) and last.get("token") == submitted and isinstance(last.get("id"), int):
        # This exact form already placed an order (a second click after the cart was cleared).
        return navigate(url_for("checkout.confirmation", redemption_id=last["id"]))
    state = load_session_cart()
    priced = price_for_checkout(state)
    if priced.is_empty:
        flash("Your cart is empty. Add something before checking out.", "error")
        return navigate(url_for("cart.view"))
    if submitted != token:
        stale = Refusal("Your checkout was out of date, so we didn't place the order. Check it and place it again.")
        return _page(priced, form, status=409, refusal=stale)
    if not form.validate():
        return _page(priced, form, status=422)

    engine = promo_engine()
    customer = priced.customer or Customer(name=form.name, email=form.email)
    try:
        result = engine.redeem(
            customer, priced.cart, codes_to_redeem(priced), order_ref=order_reference(token),
            idempotency_key=f"checkout:{token}", context=engine.context(page="checkout"),
            declined_codes=priced.state.declined,
        )
    except RedemptionRefused as error:
        return _page(price_for_checkout(load_session_cart()), form, status=error.http_status, refusal=_refusal(error))
    except Conflict:
        flash("That order was already placed. Here is your order history.", "error")
        return navigate(url_for("orders.history"))

    if priced.customer is None:
        remember_guest_order(result.id, name=form.name, email=form.email)
    session[LAST_ORDER_KEY] = {"token": token, "id": result.id}
    session.pop(TOKEN_KEY, None)
    store_cart(SessionCart())
    return navigate(url_for("checkout.confirmation", redemption_id=result.id))


@bp.get("/checkout/confirmation/<int:redemption_id>")
def confirmation(redemption_id: int) -> str:
    """The order as placed, with what the shopper saved; also the order's details page later."""
    view = order_view(redemption_id)
    if view is None or not owns_order(view.result):
        abort(404)
    last = session.get(LAST_ORDER_KEY)
    just_placed = isinstance(last, dict) and last.get("id") == redemption_id and not view.cancelled
    return render_template("confirmation.html", order=view, payments=order_payments(view), just_placed=just_placed,
                           active_section="orders")
