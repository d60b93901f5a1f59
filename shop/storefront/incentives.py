"""Referral links, and the actions of the wallet's referral and balances sections.

    GET  /r/<code>                         a friend's referral link: the code goes into the cart
    POST /wallet/referral-code             publish the customer's referral code (idempotent)
    POST /wallet/points/<programme>/<n>    spend points on reward n (htmx: the section in place)

The sections themselves are built by shop.storefront.model.incentives; nothing here computes
money, the engine does.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, make_response, redirect, render_template, request, url_for

from promo.core import campaign as c
from promo.core.errors import Conflict, NotFound, PromoError
from shop.storefront.model.customer import current_customer
from shop.storefront.model.incentives import balances_panel, offer_label
from shop.storefront.model.sharing import remember_referral, shareable_code
from shop.web.extensions import promo_engine
from shop.web.htmx import answer, render_fragment

bp = Blueprint("incentives", __name__)

MAX_SPEND_KEY = 64


# ---- the friend's side -------------------------------------------------------------------------


@bp.get("/r/<code>")
def referral_link(code: str) -> Response:
    shared = shareable_code(code)
    if shared is None or shared.campaign.kind is not c.Kind.REFERRAL:
        return make_response(render_template(
            "error.html", status=404, title="This invitation isn't valid",
            message="The referral may have ended, or the link may be mistyped.",
        ), 404)
    outcome = remember_referral(shared)
    if outcome == "own":
        flash("This is your own referral link: share it with friends and they get the discount.", "info")
    elif outcome == "full":
        flash(f"Your cart already holds the most codes it can; remove one to use {shared.code}.", "error")
    else:
        label = offer_label(shared.campaign)
        flash(f"A friend invited you: {label} your first order with code {shared.code}, already in your cart.", "success")
    return redirect(url_for("storefront.home"), 303)


@bp.post("/wallet/referral-code")
def referral_code() -> Response:
    customer = _customer_or_403()
    try:
        promo_engine().referral_code_for(customer.id)
    except PromoError as error:
        return _wallet_answer(error.message, "error", status=error.http_status)
    return _wallet_answer("Your referral code is ready to share.", "success", anchor="wallet-referral")


@bp.post("/wallet/points/<programme>/<int:reward>")
def spend_points(programme: str, reward: int) -> Response:
    customer = _customer_or_403()
    key = request.form.get("spend_key", "")[:MAX_SPEND_KEY] or None
    try:
        spent = promo_engine().spend_points(customer.id, programme, reward,
                                            idempotency_key=f"wallet:{customer.id}:{key}" if key else None)
    except Conflict as error:
        message = f"Not enough points: {error.message}." if error.code == "insufficient_points" else error.message
        return _wallet_answer(message, "error", status=409, anchor="wallet-balances")
    except NotFound as error:
        return _wallet_answer(error.message, "error", status=404, anchor="wallet-balances")
    return _wallet_answer(f"{spent.reward}: code {spent.code} is in your wallet.", "success", anchor="wallet-balances")


def _customer_or_403():
    customer = current_customer()
    if customer is None:
        abort(403)
    return customer


def _wallet_answer(message: str, level: str, *, status: int = 200, anchor: str = "") -> Response:
    """htmx gets the balances section again with a toast; without JavaScript, back to the wallet."""
    return answer(
        fragment=lambda: render_fragment("partials/wallet_balances.html",
                                         balances=balances_panel(current_customer().id)),
        redirect_to=lambda: url_for("wallet.wallet", _anchor=anchor or None),
        message=message, level=level, status=status,
    )
