"""The customer's wallet: every incentive they hold, what it does for the cart they have now,
and what they already saved.

Shown only to the customer it belongs to (the signed-in customer or the demo persona); a guest
is asked to sign in or pick a persona. The offers come from the cart's one evaluation
(``Engine.price`` through price_cart, priced exactly as the cart page prices it), worded by
shop.storefront.model.cart_notes, so the wallet's amounts and hints are the cart's. Each offer
appears once, in the section its state on the cart puts it in; only the offers shown are
described (shop.storefront.model.offers), from the campaigns the evaluation already parsed.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from babel.dates import format_date

from promo.core import campaign as c
from promo.core.domain import Context, Customer
from promo.core.reasons import Reason
from promo.core.records import ItemStatus, OfferSource, OrderStatus, QuotedOffer, RedemptionResult
from promo.core.timing import last_moment, local
from promo.core.visibility import is_visible
from shop.storefront.model.cart_notes import CartNote, CartState, cart_note
from shop.storefront.model.incentives import BalancesPanel, ReferralPanel, balances_panel, referral_panel
from shop.storefront.model.offers import OfferView, is_available, mentioned_skus, view_of
from shop.storefront.model.priced_cart import PricedCart, load_session_cart, price_cart
from shop.storefront.model.product_names import names_by_sku
from shop.web.banner_links import offer_banner_url
from shop.web.extensions import promo_engine

EXPIRING_WITHIN = timedelta(days=14)


@dataclass(frozen=True)
class WalletOffer:
    """One incentive with its state on the current cart."""

    view: OfferView
    campaign: c.Campaign
    source: OfferSource
    code: str | None
    note: CartNote                # what it does for the cart as it is, in the cart's numbers
    ends_at: datetime | None      # the campaign's end, or the code's own when that comes first
    ends_text: str                # "Nov 30, 2026" (the last valid day, store time)
    expiring: bool = False        # ends within EXPIRING_WITHIN
    used_up: bool = False
    in_cart: bool = False         # the code is in the shopper's cart (entered or applied for them)
    expired: bool = False         # past its end (the campaign's or the code's own)
    banner_url: str | None = None  # a download: personal for a code, code-less for a promotion

    @property
    def campaign_id(self) -> str:
        return self.campaign.id


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
    in_cart: tuple[WalletOffer, ...]       # the cart holds them: applied (the cart's amount) or set aside
    usable: tuple[WalletOffer, ...]        # would save more on the cart as it is
    near: tuple[WalletOffer, ...]          # an unmet minimum on the cart as it is, with the hint
    others: tuple[WalletOffer, ...]        # the customer's other codes, and offers that add nothing now
    history: tuple[SavedEntry, ...]
    saved_this_year: int
    year: int
    referral: ReferralPanel | None         # the referral section, None when no referral runs
    balances: BalancesPanel                # gift cards and points

    @property
    def expiring(self) -> tuple[WalletOffer, ...]:
        return tuple(w for w in (*self.in_cart, *self.usable, *self.near, *self.others) if w.expiring)

    def taking_out(self, code: str) -> tuple[Wallet, WalletOffer | None]:
        """The wallet without the code's card, and that card: for a code a panel of its own shows,
        so that each code appears once on the page."""
        card = next((w for w in (*self.in_cart, *self.usable, *self.near, *self.others) if w.code == code), None)
        if card is None:
            return self, None
        def rest(cards: tuple[WalletOffer, ...]) -> tuple[WalletOffer, ...]:
            return tuple(w for w in cards if w is not card)
        return replace(self, in_cart=rest(self.in_cart), usable=rest(self.usable), near=rest(self.near),
                       others=rest(self.others)), card


def _end(campaign: c.Campaign, expires_at: datetime | None) -> datetime | None:
    """Whichever comes first: the campaign's end or the code's own (codes: {valid_days})."""
    return min((end for end in (campaign.ends_at, expires_at) if end is not None), default=None)


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


def _shown(quoted: QuotedOffer, customer: Customer, wallet_page: Context) -> bool:
    """The wallet shows its holder's own codes, what the cart holds, and the offers visible on
    the wallet page that the shopper could get by shopping; nothing else."""
    offer = quoted.offer
    if offer.source is OfferSource.WALLET or quoted.in_cart:
        return True
    return is_available(offer) and is_visible(quoted.campaign, customer, wallet_page)


def build_wallet(customer: Customer) -> Wallet:
    engine = promo_engine()
    # Priced as the cart page prices it (its context, its codes), so every number is the cart's.
    priced = price_cart(load_session_cart(), customer, max_nudges=0, with_offers=True)
    evaluation = priced.evaluation
    quote = priced.quote
    assert evaluation is not None and quote is not None
    now = engine.now()
    context = engine.context(page="wallet")
    in_cart_codes = {*priced.state.codes, *(code.code for code in priced.codes if code.applied_for_you)}

    first_name = (customer.name or "").split(" ")[0] or None

    def banner(quoted: QuotedOffer, note: CartNote) -> str | None:
        """Offers the cart holds show compactly, without one; used or expired codes have none."""
        code = quoted.offer.code
        if note.state in (CartState.IN_CART, CartState.SET_ASIDE):
            return None
        if code is None:
            return offer_banner_url(quoted.campaign, None)
        if quoted.offer.reason in (Reason.QUANTITY_EXCEEDED, Reason.EXPIRED):
            return None
        return offer_banner_url(quoted.campaign, code, first_name=first_name)

    def wallet_offer(quoted: QuotedOffer, note: CartNote) -> WalletOffer:
        offer = quoted.offer
        end = _end(quoted.campaign, offer.expires_at)
        last = last_moment(local(quoted.campaign, end)) if end is not None else None
        return WalletOffer(
            view=view_of(offer, quoted.campaign, customer, context, engine.currency, names),
            campaign=quoted.campaign, source=offer.source, code=offer.code, note=note, ends_at=end,
            ends_text=format_date(last.date(), format="medium", locale=engine.locale) if last else "",
            expiring=end is not None and now <= end <= now + EXPIRING_WITHIN,
            used_up=offer.reason is Reason.QUANTITY_EXCEEDED, in_cart=offer.code is not None and offer.code in in_cart_codes,
            expired=offer.reason is Reason.EXPIRED, banner_url=banner(quoted, note),
        )

    sections: dict[str, list[WalletOffer]] = {"in_cart": [], "usable": [], "near": [], "others": []}
    noted = [(q, cart_note(q, evaluation, engine.max_offers, engine.currency, engine.locale, priced.is_empty))
             for q in quote.offers if q.campaign.effect is not None and _shown(q, customer, context)]
    # Product names for the wording, read for the SKUs these offers name, not the whole catalogue.
    names = names_by_sku(engine.products_by_sku(mentioned_skus(q.campaign for q, _ in noted)).values())
    for quoted, note in noted:
        if note.state in (CartState.IN_CART, CartState.SET_ASIDE):
            section = "in_cart"
        elif note.state is CartState.ADDS:
            section = "usable"
        elif note.state is CartState.NEAR:
            section = "near"
        elif quoted.offer.source is OfferSource.WALLET or note.state is CartState.NO_GAIN:
            section = "others"
        else:
            continue   # a public offer that does nothing for this cart: the deals page lists it
        # Described only now that it is shown.
        sections[section].append(wallet_offer(quoted, note))
    sections["usable"].sort(key=lambda w: -w.note.amount)
    sections["near"].sort(key=lambda w: -(w.note.hint.progress if w.note.hint else 0))

    results = engine.list_redemptions(customer_id=customer.id, limit=200)
    campaign_names = engine.campaign_names(item.campaign_id for result in results for item in result.items)
    history = _history(results, campaign_names)
    year = now.year
    saved = sum(e.amount for e in history if e.at.astimezone(engine.tz).year == year)
    return Wallet(customer, priced, tuple(sections["in_cart"]), tuple(sections["usable"]), tuple(sections["near"]),
                  tuple(sections["others"]), tuple(history), saved, year, referral_panel(customer.id),
                  balances_panel(customer.id))
