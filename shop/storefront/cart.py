"""The cart page and its actions: add, change quantity, remove, enter and remove codes.

Every action is a real form. Without JavaScript it posts and redirects back (post, redirect,
get); with htmx the same URL answers with the fragment the page is made of: the lines and code
panel, plus the offers, totals and header badge out of band, and an ``HX-Trigger`` toast.
Input a shopper can fix (a bad quantity, an unknown product, an unknown code) gets a 422 with
the message next to the field, and the stored cart is left as it was.
"""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, render_template, request, url_for

from shop.storefront.model import cart_state
from shop.storefront.model.cart_actions import (
    FormError,
    Outcome,
    blocked_code_entry,
    change_cart,
    enter_code,
    remove_code_from_cart,
)
from shop.storefront.model.cart_state import CartInputError, SessionCart
from shop.storefront.model.customer import current_customer
from shop.storefront.model.priced_cart import PricedCart, catalogue, load_session_cart, price_cart
from shop.web.htmx import answer, htmx_target, is_htmx, render_fragment
from shop.web.navigation import safe_next
from shop.web.rate_limits import guard_code_entry

bp = Blueprint("cart", __name__)


def _form_text(name: str, limit: int = 200) -> str:
    return request.form.get(name, "")[:limit]


def price_for_cart(state: SessionCart) -> PricedCart:
    return price_cart(state, current_customer(), with_gift_cards=True)


def render_cart_page(priced: PricedCart, *, error: FormError | None = None) -> str:
    return render_template("cart.html", priced=priced, error=error, active_section="cart")


def respond(outcome: Outcome) -> Response:
    def fragment() -> str:
        if htmx_target() == "cart-items":
            return render_fragment("partials/cart_update.html", priced=outcome.priced_with(price_for_cart),
                                   error=outcome.error)
        # Add-to-cart elsewhere (product cards and pages) swaps nothing but the badge.
        return render_fragment("partials/cart_badge_update.html", cart_count=outcome.state.count)

    error = outcome.error
    back = safe_next(request.form.get("next"), url_for("cart.view"))
    # A cart page (the fragment of its lines and codes, or the page a plain post goes back to)
    # shows refused input next to its field and a code's result next to the code: no toast.
    on_cart_page = htmx_target() == "cart-items" if is_htmx() else back == url_for("cart.view")
    said_inline = on_cart_page and (error is not None or outcome.shown_with_codes)
    return answer(
        fragment=fragment,
        page=(lambda: render_cart_page(outcome.priced_with(price_for_cart), error=error)) if error else None,
        redirect_to=back,
        message=None if said_inline else error.message if error else outcome.message,
        level="error" if error else outcome.level,
        flash_level="success",
        status=422 if error else 200,
    )


# Too many wrong codes: the code field says so, with 429 and Retry-After.
bp.before_request(guard_code_entry(lambda blocked: respond(blocked_code_entry(blocked))))


# ---- routes ---------------------------------------------------------------------------------


@bp.get("/cart")
def view() -> str:
    return render_cart_page(price_cart(load_session_cart(), current_customer(), with_gift_cards=True, drop_gone_codes=True))


def _known_sku(raw: str) -> str:
    sku = raw.strip()
    if not sku or len(sku) > cart_state.MAX_SKU_LENGTH or sku not in catalogue([sku]):
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
        outcome = replace(outcome, message=f"Added {catalogue([raw_sku.strip()])[raw_sku.strip()].name} to your cart.")
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
        product = catalogue([sku]).get(sku)
        outcome = replace(outcome, message=f"Removed {product.name if product else sku} from your cart.")
    return respond(outcome)


@bp.post("/cart/codes")
def apply_code() -> Response:
    return respond(enter_code(_form_text("code", cart_state.MAX_CODE_LENGTH + 20), price_for_cart))


@bp.post("/cart/codes/remove")
def remove_code() -> Response:
    return respond(remove_code_from_cart(_form_text("code", cart_state.MAX_CODE_LENGTH + 20)))
