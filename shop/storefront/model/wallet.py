"""The customer's wallet: every incentive they hold, what it does for the cart they have now,
what runs out soon, and what they already saved.

Shown only to the customer it belongs to (the signed-in customer or the demo persona); a guest
is asked to sign in or pick a persona. Offers come from ``Engine.qualify`` on the current cart,
described by shop.storefront.model.offers (the same labels and restrictions as the rest of the store).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_date

from promo.core import campaign as c
from promo.core.domain import Customer
from promo.core.reasons import Reason
from promo.core.records import CodeInfo, ItemStatus, Offer, OfferSource, OfferStatus, OrderStatus, RedemptionResult
from promo.core.results import Hint
from promo.core.timing import last_moment, local
from promo.engine import Engine
from shop.storefront.model.incentives import BalancesPanel, ReferralPanel, balances_panel, referral_panel
from shop.storefront.model.offers import OfferView, is_available, view_of
from shop.storefront.model.priced_cart import PricedCart, load_session_cart, price_cart
from shop.storefront.model.showcase import campaigns_by_id, catalogue_names
from shop.web.extensions import promo_engine

EXPIRING_WITHIN = timedelta(days=14)


@dataclass(frozen=True)
class WalletOffer:
    """One incentive with its state on the current cart."""

    view: OfferView
    campaign: c.Campaign
    source: OfferSource
    code: str | None
    status: OfferStatus
    savings: int                  # on the current cart, when usable now
    message: str                  # the engine's reason when it is not usable
    hint: Hint | None
    ends_at: datetime | None      # the campaign's end, or the code's own when that comes first
    ends_text: str                # "Nov 30, 2026" (the last valid day, store time)
    used_up: bool = False
    in_cart: bool = False         # the code is already entered in the shopper's cart
    expired: bool = False         # past its end (the campaign's or the code's own)

    @property
    def campaign_id(self) -> str:
        return self.campaign.id

    @property
    def usable_now(self) -> bool:
        return self.status is OfferStatus.ELIGIBLE

    @property
    def progress_percent(self) -> int:
        return max(0, min(100, round((self.hint.progress if self.hint else 0) * 100)))


@dataclass(frozen=True)
class SavedEntry:
    at: datetime
    order_ref: str
    name: str
    code: str | None
    amount: int


@dataclass(frozen=True)
class Wallet:
    customer: Customer
    priced: PricedCart
    codes: tuple[WalletOffer, ...]         # assigned to this customer
    usable: tuple[WalletOffer, ...]        # apply to the current cart now
    near: tuple[WalletOffer, ...]          # an unmet minimum, with the hint
    expiring: tuple[WalletOffer, ...]      # end within EXPIRING_WITHIN
    history: tuple[SavedEntry, ...]
    saved_this_year: int
    year: int
    referral: ReferralPanel | None         # the referral section, None when no referral runs
    balances: BalancesPanel                # gift cards and points


def _end(campaign: c.Campaign, offer: Offer) -> datetime | None:
    """Whichever comes first: the campaign's end or the code's own (codes: {valid_days})."""
    return min((end for end in (campaign.ends_at, offer.expires_at) if end is not None), default=None)


def _wallet_offer(
    engine: Engine, offer: Offer, campaign: c.Campaign, customer: Customer, *, used_up: bool, in_cart: bool
) -> WalletOffer:
    view = view_of(offer, campaign, customer, engine.context(page="wallet"), engine.currency, catalogue_names())
    end = _end(campaign, offer)
    last = last_moment(local(campaign, end)) if end is not None else None
    return WalletOffer(
        view=view, campaign=campaign, source=offer.source, code=offer.code, status=offer.status,
        savings=offer.discount, message=offer.message, hint=offer.hint, ends_at=end,
        ends_text=format_date(last.date(), format="medium", locale=engine.locale) if last else "",
        used_up=used_up, in_cart=in_cart, expired=offer.reason is Reason.EXPIRED,
    )


def _history(results: list[RedemptionResult], names: dict[str, str]) -> list[SavedEntry]:
    entries = []
    for result in results:
        if result.order.status is OrderStatus.CANCELLED:
            continue
        for item in result.items:
            if item.status is ItemStatus.SUCCEEDED and item.discount + item.shipping_discount > 0:
                entries.append(SavedEntry(result.created_at, result.order.order_ref,
                                          names.get(item.campaign_id, item.campaign_id), item.code,
                                          item.discount + item.shipping_discount))
    return entries


def build_wallet(customer: Customer) -> Wallet:
    engine = promo_engine()
    priced = price_cart(load_session_cart(), customer, page="wallet", max_nudges=0)
    context = engine.context(page="wallet")
    # The wallet shows its holder's own codes and the offers visible to them, nothing else.
    offers = engine.qualify(customer, priced.cart, context, visible_only=True)
    held: dict[str, CodeInfo] = {info.code: info for info in engine.customer_codes(customer.id)}
    # Every offer's campaign in one query, not one query per offer shown.
    campaigns = campaigns_by_id({offer.campaign_id for offer in offers})

    def campaign_of(campaign_id: str) -> c.Campaign | None:
        return campaigns.get(campaign_id)

    in_cart_codes = {*priced.state.codes, *(c.code for c in priced.codes if c.applied_for_you)}

    def wrap(offer: Offer) -> WalletOffer | None:
        campaign = campaign_of(offer.campaign_id)
        if campaign is None or campaign.effect is None:
            return None
        info = held.get(offer.code or "")
        used_up = info is not None and campaign.limits.per_code is not None and info.redeemed_count >= campaign.limits.per_code
        in_cart = offer.code is not None and offer.code in in_cart_codes
        return _wallet_offer(engine, offer, campaign, customer, used_up=used_up, in_cart=in_cart)

    mine = [w for w in (wrap(o) for o in offers if o.source is OfferSource.WALLET) if w is not None]
    # Every offer the customer could get by shopping: their own codes and what is listed here.
    open_to_them = [o for o in offers if is_available(o) and (o.visible or o.source is OfferSource.WALLET)]
    shown = [w for w in (wrap(o) for o in open_to_them) if w is not None]
    now = engine.now()
    usable = [w for w in shown if w.usable_now]
    # With an empty cart every minimum is a near miss at 0%: not worth a section.
    near = [w for w in shown if w.status is OfferStatus.NEAR_MISS] if not priced.is_empty else []
    expiring = sorted(
        (w for w in shown if w.ends_at is not None and now <= w.ends_at <= now + EXPIRING_WITHIN),
        key=lambda w: w.ends_at,
    )

    results = engine.list_redemptions(customer_id=customer.id, limit=200)
    names = engine.campaign_names(item.campaign_id for result in results for item in result.items)
    history = _history(results, names)
    year = now.year
    saved = sum(e.amount for e in history if e.at.astimezone(engine.tz).year == year)
    return Wallet(customer, priced, tuple(mine), tuple(usable), tuple(near), tuple(expiring),
                  tuple(history), saved, year, referral_panel(customer.id), balances_panel(customer.id))
