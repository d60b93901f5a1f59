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
from dataclasses import dataclass

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, url_for

from promo.reasons import Reason
from shop import cart_state
from shop.account import current_customer, safe_next
from shop.cart_state import CartInputError, SessionCart
from shop.priced_cart import PricedCart, catalogue, load_session_cart, price_cart, save_session_cart

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


# ---- rendering ------------------------------------------------------------------------------


def render_cart_page(priced: PricedCart, *, error: FormError | None = None, status: int = 200) -> Response:
    html = render_template("cart.html", priced=priced, error=error, active_section="cart")
    return make_response(html, status)


def respond(
    priced: PricedCart,
    *,
    message: str | None = None,
    error: FormError | None = None,
    level: str | None = None,
) -> Response:
    """The answer to a cart action, in the shape the caller asked for."""
    status = 422 if error is not None else 200
    toast = error.message if error is not None else message
    toast_level = level or ("error" if error is not None else "success")
    if is_htmx():
        if htmx_target() == "cart-items":
            template = "partials/cart_update.html"
        else:
            # Add-to-cart elsewhere (product cards and pages) swaps nothing but the badge.
            template = "partials/cart_badge_update.html"
        response = make_response(render_template(template, priced=priced, error=error), status)
        if toast:
            response.headers.update(toast_header(toast, toast_level))
        return response
    if error is not None:
        return render_cart_page(priced, error=error, status=status)
    if message:
        flash(message, "error" if toast_level == "error" else "success")
    return redirect(safe_next(request.form.get("next"), url_for("cart.view")), 303)


def _current_priced(state: SessionCart | None = None) -> PricedCart:
    return price_cart(state if state is not None else load_session_cart(), current_customer())


def _apply(change: Callable[[SessionCart], SessionCart], error_field: str, value: str = "") -> tuple[PricedCart, FormError | None]:
    """Run a cart change; on bad input keep the stored cart and report the error."""
    state = load_session_cart()
    try:
        new_state = change(state)
    except CartInputError as problem:
        return _current_priced(state), FormError(error_field, str(problem), value)
    save_session_cart(new_state)
    return _current_priced(new_state), None


# ---- routes ---------------------------------------------------------------------------------


@bp.get("/cart")
def view() -> Response:
    return render_cart_page(_current_priced())


def _known_sku(raw: str) -> str:
    sku = raw.strip()
    if not sku or len(sku) > cart_state.MAX_SKU_LENGTH or sku not in catalogue():
        raise CartInputError("We couldn't find that product. It may no longer be sold.")
    return sku


@bp.post("/cart/add")
def add() -> Response:
    raw_sku, raw_quantity = _form_text("sku"), _form_text("quantity", 20) or "1"
    names: dict[str, str] = {}

    def change(state: SessionCart) -> SessionCart:
        sku = _known_sku(raw_sku)
        names[sku] = catalogue()[sku].name
        return cart_state.with_added(state, sku, cart_state.parse_quantity(raw_quantity))

    priced, error = _apply(change, "add", raw_quantity)
    if error is not None:
        return respond(priced, error=error)
    sku = next(iter(names))
    return respond(priced, message=f"Added {names[sku]} to your cart.")


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

    priced, error = _apply(change, f"line:{sku}", raw_quantity)
    if error is not None:
        return respond(priced, error=error)
    return respond(priced, message=None)


@bp.post("/cart/remove")
def remove() -> Response:
    sku = _form_text("sku").strip()
    state = load_session_cart()
    if sku not in state.items:
        return respond(_current_priced(state), error=FormError(f"line:{sku}", "That item isn't in your cart any more."))
    new_state = cart_state.with_quantity(state, sku, 0)
    save_session_cart(new_state)
    name = catalogue().get(sku)
    return respond(_current_priced(new_state), message=f"Removed {name.name if name else sku} from your cart.")


@bp.post("/cart/codes")
def apply_code() -> Response:
    raw_code = _form_text("code", cart_state.MAX_CODE_LENGTH + 20)
    priced, error = _apply(lambda state: cart_state.with_code(state, raw_code), "code", raw_code)
    if error is not None:
        return respond(priced, error=error)
    code = cart_state.normalise_code(raw_code)
    result = next((c for c in priced.codes if c.code == code), None)
    if result is not None and result.reason in UNKEPT_REASONS:
        # Forget it again: the shopper sees why next to the field, the cart keeps its codes.
        state = cart_state.without_code(priced.state, code)
        save_session_cart(state)
        return respond(_current_priced(state), error=FormError("code", result.message, raw_code.strip()))
    if result is None or result.ok:
        return respond(priced, message=f"Code {code} applied.")
    # Kept in the cart (a bigger cart or another customer may make it work), with the reason.
    return respond(priced, message=f"{code}: {result.explanation}", level="info")


@bp.post("/cart/codes/remove")
def remove_code() -> Response:
    code = cart_state.normalise_code(_form_text("code", cart_state.MAX_CODE_LENGTH + 20))
    state = load_session_cart()
    new_state = cart_state.without_code(state, code)
    save_session_cart(new_state)
    message = f"Removed code {code}." if code in state.codes else None
    return respond(_current_priced(new_state), message=message)
