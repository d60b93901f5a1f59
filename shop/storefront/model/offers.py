"""What the storefront shows about offers: badges, banners, deals and promotional prices.

Pure translation from engine results (promo.core.records.Offer, promo.core.results.Evaluation) and parsed
campaigns into small view dataclasses the templates render. No Flask and no database here; the
blueprints fetch through the Engine and pass the pieces in, so every rule below is unit-testable.

Which offer shows where:
- the home banner strip: every offer the shopper could get (not refused for who they are, when it
  is or a used-up limit), visible on the home page, plus the codes in their own wallet;
- category and product pages: offers tied to the page itself (visibility names the page or
  category) or to the product (the effect or a cart-lines rule selects it);
- the deals page: every listed, public offer (automatic promotions and public codes), for guests.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from promo.core import campaign as c
from promo.core.conditions import All, Any, LinesCondition
from promo.core.domain import CartLine, Context, Customer
from promo.core.effects import lowers_item_prices
from promo.core.facts import Facts
from promo.core.reasons import Reason
from promo.core.records import Offer, OfferSource
from promo.core.results import Evaluation
from promo.core.timing import describe_code_expiry, describe_schedule, describe_timeframe
from promo.core.wording import effect_label, restrictions
from shop.storefront.model.product_names import name_products

# Offers refused for reasons the shopper can't change by shopping: not shown as "for you".
UNAVAILABLE = frozenset({
    Reason.CUSTOMER_NOT_ELIGIBLE, Reason.CONTEXT_NOT_ELIGIBLE,
    Reason.NOT_STARTED, Reason.EXPIRED, Reason.CAMPAIGN_PAUSED, Reason.CODE_DISABLED,
    Reason.CODE_NOT_FOUND, Reason.QUANTITY_EXCEEDED, Reason.CUSTOMER_LIMIT_REACHED,
    Reason.CAMPAIGN_LIMIT_REACHED, Reason.BUDGET_EXHAUSTED, Reason.WRONG_CURRENCY,
})

KIND_BY_SOURCE = {OfferSource.PROMOTION: "auto", OfferSource.PUBLIC_CODE: "code", OfferSource.WALLET: "personal"}

NO_END = "No end date"


@dataclass(frozen=True)
class OfferView:
    campaign_id: str
    name: str
    label: str                       # "20% off, up to $50"
    kind: str                        # auto | code | personal
    code: str | None
    description: str
    restrictions: tuple[str, ...]    # who, what cart, which items, how often (timeframe separate)
    timeframe: str                   # "Ends Nov 30, 2027", "Weekdays 4:00 PM–6:00 PM", "No end date"
    applied_for_you: bool = False    # a code the cart applies by itself (auto_apply coupon)
    in_cart: bool = False            # the shopper's cart applies it now (its one evaluation says so)

    @property
    def all_restrictions(self) -> tuple[str, ...]:
        """Restrictions with the timeframe, for badges that state everything in one list."""
        if self.timeframe and self.timeframe != NO_END:
            return (*self.restrictions, self.timeframe)
        return self.restrictions


@dataclass(frozen=True)
class PriceView:
    regular: int
    now: int
    lowered_by: tuple[str, ...] = ()   # names of the promotions that lowered it

    @property
    def on_sale(self) -> bool:
        return self.now < self.regular

    @property
    def percent_off(self) -> int:
        if not self.on_sale or self.regular == 0:
            return 0
        saved = Decimal(self.regular - self.now) * 100 / Decimal(self.regular)
        return int(saved.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def timeframe_text(campaign: c.Campaign, locale: str, code_expires_at: datetime | None = None) -> str:
    """When the offer is valid. A personal code's own end (codes: {valid_days}) is stated instead
    of the campaign's when it comes first: "Expires Dec 2, 2026"."""
    if code_expires_at is not None and (campaign.ends_at is None or code_expires_at < campaign.ends_at):
        parts = [describe_code_expiry(campaign, code_expires_at, locale)]
    else:
        parts = [describe_timeframe(campaign, locale)]
    if campaign.schedule:
        parts.append(describe_schedule(campaign.schedule, locale))
    text = " · ".join(p for p in parts if p)
    return text or NO_END


def offer_view(
    campaign: c.Campaign,
    *,
    kind: str,
    code: str | None,
    customer: Customer,
    context: Context,
    currency: str,
    code_expires_at: datetime | None = None,
    product_names: Mapping[str, str] | None = None,
) -> OfferView:
    """Describe one offer for this shopper: formula values (e.g. $10 for new customers, $5 for
    others) are shown as this customer would get them; `code_expires_at` is the code's own end;
    `product_names` (SKU → name) puts product names where the wording would name SKUs."""
    names = product_names or {}
    locale = context.locale
    facts = Facts.initial(customer, context, (), currency)
    timeframe = timeframe_text(campaign, locale, code_expires_at)
    timing_lines = {describe_timeframe(campaign, locale)}
    if campaign.schedule:
        timing_lines.add(describe_schedule(campaign.schedule, locale))
    return OfferView(
        campaign_id=campaign.id,
        name=campaign.name,
        label=name_products(
            effect_label(campaign.effect, currency, locale, facts) if campaign.effect is not None else campaign.name,
            names,
        ),
        kind=kind,
        code=code,
        description=campaign.description,
        restrictions=tuple(
            _sentence_case(name_products(r, names))
            for r in restrictions(campaign, currency, locale) if r not in timing_lines
        ),
        timeframe=timeframe,
        applied_for_you=campaign.auto_apply,
    )


def _sentence_case(text: str) -> str:
    # Item labels are written for the middle of a sentence ("coffee bags only"); a list item starts one.
    return text[:1].upper() + text[1:]


def view_of(
    offer: Offer, campaign: c.Campaign, customer: Customer, context: Context, currency: str,
    product_names: Mapping[str, str] | None = None,
) -> OfferView:
    return offer_view(
        campaign, kind=KIND_BY_SOURCE[offer.source], code=offer.code, customer=customer, context=context,
        currency=currency, code_expires_at=offer.expires_at, product_names=product_names,
    )


# ---- which offers go where ----------------------------------------------------------------


def is_available(offer: Offer) -> bool:
    """Could the shopper get this offer by shopping (adding items, reaching a minimum)?"""
    return offer.reason not in UNAVAILABLE


BANNER_ORDER = {OfferSource.WALLET: 0, OfferSource.PUBLIC_CODE: 1, OfferSource.PROMOTION: 2}
MAX_BANNERS = 8   # the deals page has the rest


def banner_offers(offers: Iterable[Offer]) -> list[Offer]:
    """For the home banner strip: available offers visible here, and the shopper's own codes
    (wallet codes are never listed publicly, but their holder should always see them).
    The shopper's own codes first, then public codes, then automatic promotions; within each
    group the engine's best-first order is kept."""
    chosen = [o for o in offers if is_available(o) and (o.visible or o.source is OfferSource.WALLET)]
    return sorted(chosen, key=lambda o: BANNER_ORDER[o.source])[:MAX_BANNERS]


def targets_page(campaign: c.Campaign) -> bool:
    """Visibility that names pages or categories: an offer meant for a particular page."""
    return bool(campaign.visibility.pages or campaign.visibility.categories)


def _selectors(campaign: c.Campaign) -> Iterator[c.ItemSelector]:
    """Item selections the offer is about: its effect's items and any cart-lines rule."""
    for name in ("items", "buy_items", "get_items"):
        selector = getattr(campaign.effect, name, None)
        if isinstance(selector, c.ItemSelector):
            yield selector
    yield from _condition_selectors(campaign.eligibility)


def _condition_selectors(condition: object) -> Iterator[c.ItemSelector]:
    if isinstance(condition, LinesCondition):
        yield condition.items
    elif isinstance(condition, (All, Any)):
        for child in condition.conditions:
            yield from _condition_selectors(child)
    # Not: "no line matches X" is not an offer about X.


def mentioned_skus(campaigns: Iterable[c.Campaign]) -> set[str]:
    """The SKUs the offers' item selections name: the products their wording may name."""
    return {sku for campaign in campaigns for selector in _selectors(campaign) for sku in selector.skus}


def is_specific(selector: c.ItemSelector) -> bool:
    return bool(selector.skus or selector.categories or selector.collections)


def concerns_product(campaign: c.Campaign, line: CartLine) -> bool:
    """Does the offer single out this product (by SKU, category or collection)?"""
    return any(is_specific(s) and s.matches(line) for s in _selectors(campaign))


def page_offers(offers: Iterable[Offer], campaigns: Mapping[str, c.Campaign]) -> list[Offer]:
    """Offers shown on a category or product page as a whole: visible here and meant for it."""
    return [
        o for o in offers
        if o.visible and is_available(o) and targets_page(campaigns[o.campaign_id])
    ]


def product_offers(
    offers: Iterable[Offer], campaigns: Mapping[str, c.Campaign], line: CartLine
) -> list[Offer]:
    """Offers to badge on one product: visible in this context and singling the product out,
    minus the ones that already show as its lowered price."""
    chosen = []
    for offer in offers:
        campaign = campaigns[offer.campaign_id]
        if not (offer.visible and is_available(offer)):
            continue
        if lowers_item_prices(campaign.effect) and offer.source is OfferSource.PROMOTION:
            continue
        if concerns_product(campaign, line):
            chosen.append(offer)
    return chosen


def deal_offers(offers: Iterable[Offer]) -> list[Offer]:
    """The public deals: listed promotions and public codes visible on the deals page. Timing
    and who-can-use rules are stated on each deal, not used to hide it (a guest sees them all)."""
    hidden = {Reason.CAMPAIGN_PAUSED, Reason.EXPIRED, Reason.CAMPAIGN_LIMIT_REACHED, Reason.BUDGET_EXHAUSTED}
    return [
        o for o in offers
        if o.source is not OfferSource.WALLET and o.visible and o.reason not in hidden
    ]


# ---- promotional prices -------------------------------------------------------------------


def promotional_price(evaluation: Evaluation, campaigns: Mapping[str, c.Campaign]) -> PriceView:
    """The first line's unit price after automatic item-price promotions (a one-unit cart).

    Only promotions that lower the item's own price count: a tier or an order discount that a
    one-item cart happens to reach would be a different story in a real cart.
    """
    line = evaluation.lines[0].line
    discount = 0
    names: list[str] = []
    for offer in evaluation.applied:
        campaign = campaigns.get(offer.campaign_id)
        if campaign is None or campaign.kind is not c.Kind.PROMOTION:
            continue
        if not lowers_item_prices(campaign.effect):
            continue
        share = offer.line_discounts[0] if offer.line_discounts else 0
        if share > 0:
            discount += share
            names.append(campaign.name)
    unit_discount = discount // line.quantity
    return PriceView(regular=line.unit_price, now=line.unit_price - unit_discount, lowered_by=tuple(names))
