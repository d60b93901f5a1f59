"""Referral links, the wallet's referral and balance sections, and gift cards in the cart.

    GET  /r/<code>                         a friend's referral link: the code goes into the cart
    POST /wallet/referral-code             publish the customer's referral code (idempotent)
    POST /wallet/points/<programme>/<n>    spend points on reward n (htmx: the section in place)

Templates call ``referral_panel(customer)``, ``balances_panel(customer)`` and
``gift_card_payments(priced)``; nothing here computes money, the engine does.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Blueprint, Response, abort, flash, make_response, redirect, render_template, request, url_for

from promo.core import campaign as c
from promo.core.wording import effect_label
from promo.core.errors import Conflict, NotFound, PromoError
from promo.core.incentive_records import GiftCardBalance, GiftCardPayment, PointsAccount, ReferralSummary
from shop.account import current_customer
from shop.banners import offer_banner_url, remember_referral, shareable_code
from shop.cart import is_htmx, toast_header
from shop.extensions import promo_engine
from shop.priced_cart import PricedCart

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
        label = _label(shared.campaign)
        flash(f"A friend invited you: {label} your first order with code {shared.code}, already in your cart.", "success")
    return redirect(url_for("storefront.home"), 303)


def _label(campaign: c.Campaign) -> str:
    engine = promo_engine()
    return effect_label(campaign.effect, campaign.currency or engine.currency, engine.locale) if campaign.effect else campaign.name


# ---- gift cards in the cart and checkout -------------------------------------------------------


@dataclass(frozen=True)
class GiftCardSummary:
    cards: tuple[GiftCardPayment, ...]
    total: int

    @property
    def paid(self) -> int:
        return sum(card.amount for card in self.cards)

    @property
    def due(self) -> int:
        return self.total - self.paid


@bp.app_template_global()
def gift_card_payments(priced: PricedCart) -> GiftCardSummary:
    """What the gift cards entered in this cart would pay, in the order they were entered."""
    customer_id = priced.customer.id if priced.customer is not None else None
    payments = (promo_engine().gift_card_payments(priced.state.codes, priced.total, customer_id, currency=priced.currency)
                if priced.state.codes else [])
    return GiftCardSummary(tuple(payments), priced.total)


@bp.app_template_global()
def order_gift_card_payments(order_ref: str) -> GiftCardSummary:
    """What gift cards paid towards a placed order (given back to the cards if it was cancelled)."""
    engine = promo_engine()
    payments = engine.order_gift_card_payments(order_ref)
    return GiftCardSummary(tuple(payments), sum(p.amount for p in payments))


@dataclass(frozen=True)
class OrderPoints:
    programme: str
    earned: int
    reversed: int


@bp.app_template_global()
def order_points(customer_id: str | None, order_ref: str) -> tuple[OrderPoints, ...]:
    """Points the order earned in each programme (and took back, once cancelled)."""
    if customer_id is None:
        return ()
    found = []
    for account in promo_engine().points_accounts(customer_id):
        mine = [entry for entry in account.entries if entry.order_ref == order_ref]
        earned = sum(e.points for e in mine if e.kind == "earn")
        if earned:
            found.append(OrderPoints(account.name, earned, -sum(e.points for e in mine if e.kind == "reverse")))
    return tuple(found)


# ---- the wallet's referral section ---------------------------------------------------------------


@dataclass(frozen=True)
class ReferralPanel:
    summary: ReferralSummary
    campaign: c.Campaign
    label: str                 # what the friend gets, e.g. "$10 off"
    share_url: str | None
    banner_url: str | None


@bp.app_template_global()
def referral_panel(customer_id: str) -> ReferralPanel | None:
    """The customer's referral code, link, banner and counts; None when no referral runs."""
    engine = promo_engine()
    try:
        summary = engine.referral_summary(customer_id)
        campaign = engine.load_campaign(summary.campaign_id)
    except NotFound:
        return None
    share_url = banner = None
    if summary.code:
        share_url = url_for("incentives.referral_link", code=summary.code, _external=True)
        banner = offer_banner_url(campaign, summary.code, template="square", share_url=share_url)
    return ReferralPanel(summary, campaign, _label(campaign), share_url, banner)


@bp.post("/wallet/referral-code")
def referral_code() -> Response:
    customer = _customer_or_403()
    try:
        promo_engine().referral_code_for(customer.id)
    except PromoError as error:
        return _wallet_answer(error.message, "error", status=error.http_status)
    return _wallet_answer("Your referral code is ready to share.", "success", anchor="wallet-referral")


# ---- the wallet's balances: gift cards and points ----------------------------------------------


@dataclass(frozen=True)
class BalancesPanel:
    gift_cards: tuple[GiftCardBalance, ...]
    programmes: tuple[PointsAccount, ...]
    spend_key: str             # one per rendering, so a double submit spends once

    @property
    def is_empty(self) -> bool:
        return not self.gift_cards and not self.programmes


@bp.app_template_global()
def balances_panel(customer_id: str) -> BalancesPanel:
    engine = promo_engine()
    return BalancesPanel(tuple(engine.customer_gift_cards(customer_id)), tuple(engine.points_accounts(customer_id)),
                         secrets.token_hex(16))


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
    if is_htmx():
        customer = current_customer()
        response = make_response(render_template("partials/wallet_balances.html", customer_id=customer.id), status)
        response.headers.update(toast_header(message, level))
        return response
    flash(message, level)
    return redirect(url_for("wallet.wallet", _anchor=anchor or None), 303)
