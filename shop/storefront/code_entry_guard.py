"""Answers a blocked code entry the way the cart and checkout answer any refused code: the
message next to the code field (inline for htmx), with status 429 and ``Retry-After``."""

from __future__ import annotations

from flask import Flask, Response, request

from shop.storefront import cart
from shop.storefront import checkout
from shop.storefront.model.cart_state import MAX_CODE_LENGTH
from shop.storefront.model.priced_cart import load_session_cart
from shop.web.rate_limits import Blocked, guard_code_entry


def _respond_blocked(blocked: Blocked) -> Response:
    typed = request.form.get("code", "")[:MAX_CODE_LENGTH].strip()
    outcome = cart.Outcome(load_session_cart(), error=cart.FormError("code", blocked.message, typed))
    if request.endpoint == "checkout.apply_code":
        return checkout._code_response(outcome)
    return cart.respond(outcome)


def register_code_entry_guard(app: Flask) -> None:
    app.before_request(guard_code_entry(_respond_blocked))
