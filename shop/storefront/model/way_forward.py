"""What a shopper can do next when the store says no: every refusal comes with a way forward.

A code that needs a signed-in customer links to the sign-in page, which sends the shopper back
where they were; a demo store has no sign-in, so it offers the persona picker instead. A code
refused for who the shopper is, or for when it is, points at the deals they can use; one that
needs other items points at the shop. Refusals that already say what to do ("Add $12.50
more") or are the shopper's own doing (their own referral code) need nothing more.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, request, url_for

from promo.core.reasons import Reason
from promo.packs.scenario import Persona
from shop.storefront.model import personas


@dataclass(frozen=True)
class WayForward:
    text: str                      # "Sign in", "See the deals you can use"
    href: str | None = None        # None: the persona picker (demo mode) instead of a link
    personas: bool = False

    @property
    def is_link(self) -> bool:
        return self.href is not None


SIGN_IN_REASONS = frozenset({Reason.LOGIN_REQUIRED.value, Reason.REFERRAL_LOGIN_REQUIRED.value})
DEALS_REASONS = frozenset({
    Reason.CODE_NOT_FOUND.value, Reason.CODE_DISABLED.value, Reason.CAMPAIGN_PAUSED.value,
    Reason.OFFER_UNAVAILABLE.value, Reason.NOT_STARTED.value, Reason.EXPIRED.value, Reason.OUTSIDE_SCHEDULE.value,
    Reason.CUSTOMER_NOT_ELIGIBLE.value, Reason.CONTEXT_NOT_ELIGIBLE.value, Reason.QUANTITY_EXCEEDED.value,
    Reason.CUSTOMER_LIMIT_REACHED.value, Reason.CAMPAIGN_LIMIT_REACHED.value, Reason.BUDGET_EXHAUSTED.value,
    Reason.WRONG_CURRENCY.value, Reason.REFERRAL_NOT_NEW_CUSTOMER.value, Reason.REFERRAL_ALREADY_COUNTED.value,
})
SHOP_REASONS = frozenset({Reason.NO_MATCHING_ITEMS.value, Reason.CART_NOT_ELIGIBLE.value})


def current_page() -> str:
    """Where the shopper should come back to: the page, not the fragment an htmx post answered."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    if current.path.startswith("/") and not current.path.startswith("//"):
        return current.path
    return request.path if request.method == "GET" else url_for("cart.view")


def signed_in_personas() -> tuple[Persona, ...]:
    """The demo personas a refusal that needs a customer offers (none outside demo mode). A
    template global, since htmx fragments render without the layout's context."""
    if not current_app.config.get("DEMO_MODE"):
        return ()
    return tuple(p for p in personas.personas() if p.customer_id)


def way_forward(reason: str, *, has_hint: bool = False) -> WayForward | None:
    """The next step for a refusal with this reason (a Reason value), or None when its message
    already says it (`has_hint`: "Add $12.50 more ...")."""
    if reason in SIGN_IN_REASONS:
        if current_app.config.get("DEMO_MODE"):
            return WayForward("This demo has no sign-in: switch to a persona to use it.", personas=True)
        return WayForward("Sign in", url_for("account.signin", next=current_page()))
    if has_hint:
        return None
    if reason in DEALS_REASONS:
        return WayForward("See the deals you can use", url_for("storefront.deals"))
    if reason in SHOP_REASONS:
        return WayForward("Browse the shop", url_for("catalog.shop"))
    return None
