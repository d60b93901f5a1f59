"""The wallet page, and the customer's choice about offer emails.

Shown only to the customer it belongs to (the signed-in customer or the demo persona); a guest
is asked to sign in or pick a persona. What it shows is built by shop.storefront.model.wallet.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from shop.storefront.model.customer import current_customer
from shop.storefront.model.referred import friend_offer
from shop.storefront.model.wallet import build_wallet
from shop.web.extensions import promo_engine
from shop.web.htmx import answer, render_fragment

bp = Blueprint("wallet", __name__)


@bp.get("/wallet")
def wallet() -> str:
    customer = current_customer()
    if customer is None:
        return render_template("wallet.html", wallet=None, active_section="wallet",
                               demo_mode=current_app.config.get("DEMO_MODE", False))
    wallet = build_wallet(customer)
    friend = friend_offer(customer, wallet.priced)
    friend_card = None
    if friend is not None:      # the friend's panel shows the code's card; the sections don't repeat it
        wallet, friend_card = wallet.taking_out(friend.code.code)
    return render_template("wallet.html", wallet=wallet, active_section="wallet", friend=friend, friend_card=friend_card,
                           demo_mode=current_app.config.get("DEMO_MODE", False))


@bp.post("/wallet/emails")
def marketing_emails() -> Response:
    """The customer says whether we may email them offers (a plain form post without JavaScript)."""
    customer = current_customer()
    if customer is None:
        abort(403)
    choice = request.form.get("accepts_marketing")
    if choice not in ("yes", "no"):
        abort(400, "Choose whether we may email you offers: yes or no.")
    customer = promo_engine().set_accepts_marketing(customer.id, choice == "yes", actor=f"customer:{customer.id}")
    message = ("We'll email you when a new code lands in your wallet." if customer.accepts_marketing
               else "No more offer emails. New codes still appear in your wallet.")
    return answer(fragment=lambda: render_fragment("partials/wallet_emails.html", customer=customer),
                  redirect_to=url_for("wallet.wallet", _anchor="wallet-emails"), message=message)
