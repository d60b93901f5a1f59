"""The cart page and its actions: add, change quantity, remove, enter and remove codes.

Every action is a real form. Without JavaScript it posts and redirects back (post, redirect,
get); with htmx the same URL answers with the fragment the page is made of: the lines and code
panel, plus the offers, totals and header badge out of band, and an ``HX-Trigger`` toast.
Input a shopper can fix (a bad quantity, an unknown product, an unknown code) gets a 422 with
the message next to the field, and the stored cart is left as it was.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, url_for

from promo.core.reasons import Reason
from shop import cart_state
from shop.account import current_customer, safe_next
from shop.cart_state import CartInputError, SessionCart
from shop.cart_tracking import track_cart
from shop.priced_cart import PricedCart, catalogue, load_session_cart, price_cart, save_session_cart
from shop.rate_limits import note_wrong_code

bp = Blueprint("cart", __name__)

# A code that matches nothing is not kept in the cart: it can never start to apply.
UNKEPT_REASONS = frozenset({Reason.CODE_NOT_FOUND.value, Reason.CODE_ALREADY_ENTERED.value})


@dataclass(frozen=True)
class FormError:
    """A message to show next to one field: ``field`` is "code", "add" or "line:<sku>"."""

    field: str
    message: str
    value: str = ""


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def htmx_target() -> str:
    return request.headers.get("HX-Target", "")


def toast_header(message: str, level: str = "success") -> dict[str, str]:
    return {"HX-Trigger": json.dumps({"toast": {"message": message, "level": level}})}


def _form_text(name: str, limit: int = 200) -> str:
    return request.form.get(name, "")[:limit]


# ---- what an action did, and the answer in the shape the caller asked for --------------------


@dataclass(frozen=True)
class Outcome:
    state: SessionCart                  # the cart as stored after the action
    message: str | None = None          # toast (htmx) or flash (plain form)
    error: FormError | None = None      # input refused: 422, the stored cart unchanged
    level: str = "success"
    priced: PricedCart | None = None    # when the action priced the cart already

    def priced_with(self, price: Callable[[SessionCart], PricedCart]) -> PricedCart:
        return self.priced if self.priced is not None else price(self.state)


def price_for_cart(state: SessionCart) -> PricedCart:
    return price_cart(state, current_customer())


def render_cart_page(priced: PricedCart, *, error: FormError | None = None, status: int = 200) -> Response:
    html = render_template("cart.html", priced=priced, error=error, active_section="cart")
    return make_response(html, status)


def with_toast(response: Response, outcome: Outcome) -> Response:
    toast = outcome.error.message if outcome.error is not None else outcome.message
    if toast:
        response.headers.update(toast_header(toast, "error" if outcome.error is not None else outcome.level))
    return response


def respond(outcome: Outcome) -> Response:
    status = 422 if outcome.error is not None else 200
    if is_htmx():
        if htmx_target() == "cart-items":
            html = render_template("partials/cart_update.html", priced=outcome.priced_with(price_for_cart),
                                   error=outcome.error)
        else:
            # Add-to-cart elsewhere (product cards and pages) swaps nothing but the badge.
            html = render_template("partials/cart_badge_update.html", cart_count=outcome.state.count)
        return with_toast(make_response(html, status), outcome)
    if outcome.error is not None:
        return render_cart_page(outcome.priced_with(price_for_cart), error=outcome.error, status=status)
    if outcome.message:
        flash(outcome.message, "success")
    return redirect(safe_next(request.form.get("next"), url_for("cart.view")), 303)


def store_cart(state: SessionCart) -> None:
    """Keep the cart in the session and, for a signed-in shopper, tell the engine about it
    (``cart_updated``, which abandoned-cart rules read; docs/events.md)."""
    save_session_cart(state)
    customer = current_customer()
    if customer is not None:
        track_cart(price_cart(state, customer, max_nudges=0))


def change_cart(change: Callable[[SessionCart], SessionCart], error_field: str, value: str = "") -> Outcome:
    """Run a cart change and store it; on bad input keep the stored cart and report why."""
    state = load_session_cart()
    try:
        new_state = change(state)
    except CartInputError as problem:
        return Outcome(state, error=FormError(error_field, str(problem), value))
    store_cart(new_state)
    return Outcome(new_state)


def enter_code(raw_code: str, price: Callable[[SessionCart], PricedCart]) -> Outcome:
    """Add a typed code to the cart (the cart page and checkout share this).

    A code that matches nothing is refused at the field and not kept; any other code is kept
    with the engine's reason, since a bigger cart or another customer can make it apply.
    """
    state = load_session_cart()
    typed = raw_code.strip()
    try:
        new_state = cart_state.with_code(state, raw_code)
    except CartInputError as problem:
        return Outcome(state, error=FormError("code", str(problem), typed))
    priced = price(new_state)
    code = cart_state.normalise_code(raw_code)
    result = next((c for c in priced.codes if c.code == code), None)
    if result is not None and result.reason in UNKEPT_REASONS:
        if result.reason == Reason.CODE_NOT_FOUND.value:
            note_wrong_code()
        return Outcome(state, error=FormError("code", result.message, typed))
    store_cart(new_state)
    if result is None or result.ok:
        return Outcome(new_state, message=f"Code {code} applied.", priced=priced)
    return Outcome(new_state, message=f"{code}: {result.explanation}", level="info", priced=priced)


def remove_code_from_cart(raw_code: str) -> Outcome:
    code = cart_state.normalise_code(raw_code)
    state = load_session_cart()
    new_state = cart_state.without_code(state, code)
    store_cart(new_state)
    if code in state.codes:
        return Outcome(new_state, message=f"Removed code {code}.")
    if new_state.declined != state.declined:
        return Outcome(new_state, message=f"Removed code {code}. We won't apply it for you again; type it to bring it back.")
    return Outcome(new_state)


# ---- routes ---------------------------------------------------------------------------------


@bp.get("/cart")
def view() -> Response:
    return render_cart_page(price_for_cart(load_session_cart()))


def _known_sku(raw: str) -> str:
    sku = raw.strip()
    if not sku or len(sku) > cart_state.MAX_SKU_LENGTH or sku not in catalogue():
        raise CartInputError("We couldn't find that product. It may no longer be sold.")
    return sku


@bp.post("/cart/add")
def add() -> Response:
    raw_sku, raw_quantity = _form_text("sku"), _form_text("quantity", 20) or "1"

    def change(state: SessionCart) -> SessionCart:
        sku = _known_sku(raw_sku)
        return cart_state.with_added(state, sku, cart_state.parse_quantity(raw_quantity))

    outcome = change_cart(change, "add", raw_quantity)
    if outcome.error is None:
        outcome = replace(outcome, message=f"Added {catalogue()[raw_sku.strip()].name} to your cart.")
    return respond(outcome)


@bp.post("/cart/update")
def update() -> Response:
    sku, raw_quantity, raw_step = _form_text("sku").strip(), _form_text("quantity", 20), _form_text("step", 5)

    def change(state: SessionCart) -> SessionCart:
        if sku not in state.items:
            raise CartInputError("That item isn't in your cart any more.")
        if raw_step in ("-1", "1", "+1"):
            quantity = state.items[sku] + int(raw_step)
            if quantity > cart_state.MAX_QUANTITY:
                raise CartInputError(f"You can order at most {cart_state.MAX_QUANTITY} of one item.")
        else:
            quantity = cart_state.parse_quantity(raw_quantity, allow_zero=True)
        return cart_state.with_quantity(state, sku, max(quantity, 0))

    return respond(change_cart(change, f"line:{sku}", raw_quantity))


@bp.post("/cart/remove")
def remove() -> Response:
    sku = _form_text("sku").strip()

    def change(state: SessionCart) -> SessionCart:
        if sku not in state.items:
            raise CartInputError("That item isn't in your cart any more.")
        return cart_state.with_quantity(state, sku, 0)

    outcome = change_cart(change, f"line:{sku}")
    if outcome.error is None:
        product = catalogue().get(sku)
        outcome = replace(outcome, message=f"Removed {product.name if product else sku} from your cart.")
    return respond(outcome)


@bp.post("/cart/codes")
def apply_code() -> Response:
    return respond(enter_code(_form_text("code", cart_state.MAX_CODE_LENGTH + 20), price_for_cart))


@bp.post("/cart/codes/remove")
def remove_code() -> Response:
    return respond(remove_code_from_cart(_form_text("code", cart_state.MAX_CODE_LENGTH + 20)))
