"""What a cart action did: the cart changes and code entries the cart and checkout pages share.

An action returns an ``Outcome``: the cart as stored afterwards, the message for the shopper, or
the input it refused (the stored cart left as it was). The blueprints turn it into their answer.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import request

from promo.core.reasons import Reason
from shop.storefront.model import cart_state
from shop.storefront.model.cart_state import CartInputError, SessionCart
from shop.storefront.model.cart_tracking import track_cart
from shop.storefront.model.customer import current_customer
from shop.storefront.model.priced_cart import PricedCart, load_session_cart, save_session_cart, session_cart_lines
from shop.web.rate_limits import Blocked, note_wrong_code

# A code that matches nothing is not kept in the cart: it can never start to apply.
UNKEPT_REASONS = frozenset({Reason.CODE_NOT_FOUND.value, Reason.CODE_ALREADY_ENTERED.value})


@dataclass(frozen=True)
class FormError:
    """A message to show next to one field: ``field`` is "code", "add" or "line:<sku>"."""

    field: str
    message: str
    value: str = ""
    reason: str | None = None           # the engine's reason for a refused code (its way forward)


@dataclass(frozen=True)
class Outcome:
    state: SessionCart                  # the cart as stored after the action
    message: str | None = None          # toast (htmx) or flash (plain form)
    error: FormError | None = None      # input refused: 422, the stored cart unchanged
    level: str = "success"
    priced: PricedCart | None = None    # when the action priced the cart already
    # The code panel says it already ("Applied: you save $1.40"), so a page showing that panel
    # needs no toast or flash repeating it.
    shown_with_codes: bool = False

    def priced_with(self, price: Callable[[SessionCart], PricedCart]) -> PricedCart:
        return self.priced if self.priced is not None else price(self.state)


def blocked_code_entry(blocked: Blocked) -> Outcome:
    """A code entry refused by the rate limits, as the code field's own message."""
    typed = request.form.get("code", "")[:cart_state.MAX_CODE_LENGTH].strip()
    return Outcome(load_session_cart(), error=FormError("code", blocked.message, typed))


def store_cart(state: SessionCart) -> None:
    """Keep the cart in the session and, for a signed-in shopper, tell the engine about it
    (``cart_updated``, which abandoned-cart rules read; docs/events.md)."""
    save_session_cart(state)
    customer = current_customer()
    if customer is not None:
        track_cart(customer, session_cart_lines(state))


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
        return Outcome(state, error=FormError("code", result.message, typed, reason=result.reason))
    store_cart(new_state)
    if result is None or result.ok:
        return Outcome(new_state, message=f"Code {code} applied.", priced=priced, shown_with_codes=True)
    return Outcome(new_state, message=f"{code}: {result.explanation}", level="info", priced=priced,
                   shown_with_codes=True)


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
