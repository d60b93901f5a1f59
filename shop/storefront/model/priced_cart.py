"""The shopper's session cart, priced by the promotion engine and shaped for the templates.

The cart, checkout and wallet pages all show the same things: lines with the old price struck
through and each offer's share, the offers applied (typed or automatic), why each entered code
was rejected, near-miss nudges with their progress, and the totals. ``price_cart`` asks
``Engine.validate`` (and ``Engine.qualify`` for the nudges) and only rearranges what they
return: nothing here computes a discount.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from flask import current_app, g, session, url_for

from promo.core.domain import Cart, Customer
from promo.core.errors import NotFound
from promo.core.reasons import Reason
from promo.core.records import CartQuote, OfferSource, Product
from promo.core.results import Evaluation, Hint, Status
from promo.engine import Engine
from shop.storefront.model import cart_state
from shop.storefront.model.cart_notes import SetAside, SetAsideGroup, grouped, set_aside, way_forward
from shop.storefront.model.cart_state import SessionCart
from shop.storefront.model.gift_cards import GiftCardSummary, cart_gift_cards
from shop.web.extensions import promo_engine
from shop.web.templating import product_image_url

MAX_NUDGES = 2              # in the cart; checkout shows only the closest one


@dataclass(frozen=True)
class LineDiscount:
    offer: str           # the offer's name, e.g. "Spend tiers"
    amount: int
    capped: bool = False  # the margin floor gave less here than the offer's headline amount


@dataclass(frozen=True)
class LineView:
    sku: str
    name: str
    image_url: str
    unit_price: int
    quantity: int
    subtotal: int
    discount: int
    total: int
    discounts: tuple[LineDiscount, ...] = ()
    gift_of: str | None = None      # the offer that added this line as a free gift

    @property
    def is_gift(self) -> bool:
        return self.gift_of is not None


@dataclass(frozen=True)
class AppliedOffer:
    campaign_id: str
    name: str
    code: str | None      # None when applied automatically
    savings: int          # items + shipping
    capping_note: str = ""  # "$3 on Panama Geisha": where the margin floor cut the headline amount

    @property
    def automatic(self) -> bool:
        return self.code is None


@dataclass(frozen=True)
class CodeView:
    """An entered code and what became of it, for the inline message next to it."""

    code: str
    status: str           # "applied", "set_aside" or "rejected"
    reason: str           # promo.core.reasons.Reason value
    message: str
    hint: str | None = None
    savings: int = 0
    applied_for_you: bool = False     # an auto_apply code the store applied, not one the shopper typed
    way_forward: str = ""             # set aside or refused by a limit: what the shopper can do
    capping_note: str = ""            # "$3 on Panama Geisha": where the margin floor cut the headline amount

    @property
    def ok(self) -> bool:
        return self.status == "applied"

    @property
    def explanation(self) -> str:
        """The engine's reason and, when there is one, what would make the code work."""
        parts = [self.message, self.hint or self.way_forward]
        return " ".join(_sentence(part) for part in parts if part)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


@dataclass(frozen=True)
class Nudge:
    """ "Add $12.50 more to get 15% off", with how far along the shopper is."""

    campaign_id: str
    name: str
    message: str
    progress: float
    code: str | None = None    # a code to enter, when the offer is not automatic

    @property
    def percent(self) -> int:
        return max(0, min(100, round(self.progress * 100)))


@dataclass(frozen=True)
class PricedCart:
    state: SessionCart
    customer: Customer | None
    currency: str
    lines: tuple[LineView, ...] = ()
    offers: tuple[AppliedOffer, ...] = ()
    codes: tuple[CodeView, ...] = ()
    nudges: tuple[Nudge, ...] = ()
    set_aside: tuple[SetAside, ...] = ()  # offers left out, with the reason and the way forward
    dropped: tuple[str, ...] = ()        # SKUs no longer sold, removed from the cart
    dropped_codes: tuple[str, ...] = ()  # codes the store no longer has (after a reset), removed
    subtotal: int = 0
    discount: int = 0
    shipping: int = 0
    shipping_discount: int = 0
    total: int = 0
    gift_cards: GiftCardSummary = GiftCardSummary()    # filled when priced with_gift_cards
    cart: Cart | None = field(default=None, repr=False)
    evaluation: Evaluation | None = field(default=None, repr=False)
    quote: CartQuote | None = field(default=None, repr=False)     # with_offers: every offer told against this cart

    @property
    def count(self) -> int:
        return self.state.count

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def savings(self) -> int:
        return self.discount + self.shipping_discount

    @property
    def set_aside_groups(self) -> tuple[SetAsideGroup, ...]:
        return grouped(self.set_aside)

    @property
    def rejected_codes(self) -> tuple[CodeView, ...]:
        return tuple(c for c in self.codes if not c.ok)


# ---- the pieces the pages need -----------------------------------------------------------------


def shipping_fee() -> int:
    """The flat fee (config SHIPPING_FEE, minor units); free-shipping promotions discount it."""
    return current_app.config["SHIPPING_FEE"]


def catalogue(skus: Iterable[str], engine: Engine | None = None) -> dict[str, Product]:
    """The products of these SKUs (those still sold), by SKU. Only the SKUs asked for are read,
    whatever the catalogue's size, and each at most once per request."""
    skus = list(skus)
    known: dict[str, Product | None] = g.setdefault("priced_cart_catalogue", {})
    wanted = [sku for sku in skus if sku not in known]
    if wanted:
        found = (engine or promo_engine()).products_by_sku(wanted)
        known.update({sku: found.get(sku) for sku in wanted})
    return {sku: product for sku in skus if (product := known.get(sku)) is not None}


def session_cart_lines(state: SessionCart) -> Cart:
    """The cart's lines as the engine sees them, without pricing them (what tracking records)."""
    return cart_state.build_cart(state, catalogue(state.items), currency=promo_engine().currency, shipping=shipping_fee())[0]


def load_session_cart() -> SessionCart:
    return cart_state.load(session)


def save_session_cart(state: SessionCart) -> None:
    cart_state.save(session, state)


def price_cart(
    state: SessionCart,
    customer: Customer | None,
    *,
    page: str = "cart",
    max_nudges: int = MAX_NUDGES,
    with_gift_cards: bool = False,
    engine: Engine | None = None,
    drop_gone_codes: bool = False,
    with_offers: bool = False,
) -> PricedCart:
    """Price `state` for `customer` with the engine, as the pages show it. The cart and checkout
    pages ask `with_gift_cards` (what the entered gift cards pay); other callers skip the query.

    `drop_gone_codes` (the cart page) removes entered codes the store no longer has, as after a
    reset. Not while a code is being entered (it is refused at the field instead), nor at
    checkout, where a code that went is refused with its reason so the price the shopper
    confirms never changes behind their back.

    With nudges or `with_offers` (the wallet) the one evaluation also tells every offer touching
    the cart or in the customer's wallet against it (``PricedCart.quote``).

    Its reads (the products, the pricing, the gift cards) share one read transaction."""
    engine = engine or promo_engine()
    with engine.reading():
        products = catalogue(state.items, engine)
        cart, dropped = cart_state.build_cart(state, products, currency=engine.currency, shipping=shipping_fee())
        if dropped:
            # Stop carrying SKUs the shop no longer sells; the page says they were removed.
            state = replace(state, items={s: q for s, q in state.items.items() if s not in dropped})
            save_session_cart(state)
        context = engine.context(page=page)
        with_offers = with_offers or (bool(max_nudges) and bool(cart.lines))

        def quote_for(codes: tuple[str, ...]) -> CartQuote:
            return engine.price(customer, cart, codes, context, declined_codes=state.declined, with_offers=with_offers)

        quote = quote_for(state.codes)
        dropped_codes = _codes_gone(engine, quote.evaluation) if drop_gone_codes else ()
        if dropped_codes:
            # Only a reset deletes codes; one that matches nothing now would be refused if typed.
            state = replace(state, codes=tuple(c for c in state.codes if c not in dropped_codes))
            save_session_cart(state)
            quote = quote_for(state.codes)
        evaluation = quote.evaluation
        # Nudges are about this cart: offers on items it lacks are left to the deals page.
        nudges = _nudges(quote)[:max_nudges] if max_nudges and cart.lines else ()
        return PricedCart(
            state=state,
            customer=customer,
            currency=evaluation.currency,
            # Free gifts may be SKUs the cart did not hold: their pictures come from the catalogue too.
            lines=_lines(evaluation, catalogue([priced.line.sku for priced in evaluation.lines], engine)),
            offers=_applied(evaluation),
            codes=_codes(evaluation, engine.max_offers),
            nudges=nudges,
            set_aside=set_aside(evaluation, engine.max_offers),
            dropped=dropped,
            dropped_codes=dropped_codes,
            subtotal=evaluation.subtotal,
            discount=evaluation.discount,
            shipping=evaluation.shipping,
            shipping_discount=evaluation.shipping_discount,
            total=evaluation.total,
            gift_cards=(cart_gift_cards(engine, state.codes, evaluation.total, customer.id if customer else None,
                                        evaluation.currency) if with_gift_cards else GiftCardSummary()),
            cart=cart,
            evaluation=evaluation,
            quote=quote,
        )


def _codes_gone(engine: Engine, evaluation: Evaluation) -> tuple[str, ...]:
    """Entered codes the store has no record of any more. "Not found" also answers a code held
    by another customer, which must stay for when they come back: only a missing code goes."""
    gone = []
    for code, result in evaluation.codes.items():
        if result.reason is Reason.CODE_NOT_FOUND:
            try:
                engine.get_code(code)
            except NotFound:
                gone.append(code)
    return tuple(gone)


def _lines(evaluation: Evaluation, products: Mapping[str, Product]) -> tuple[LineView, ...]:
    names = {offer.campaign_id: offer.name for offer in evaluation.offers}
    # Each line's shares of the applied offers, in application order: one pass over each offer's
    # shares rather than every offer asked about every line.
    shares: list[list[LineDiscount]] = [[] for _ in evaluation.lines]
    for offer in evaluation.applied:
        capped = offer.line_capped
        for index, amount in enumerate(offer.line_discounts[:len(shares)]):
            if amount > 0 and offer.campaign_id != evaluation.lines[index].added_by:
                shares[index].append(LineDiscount(offer.name, amount, index < len(capped) and capped[index] > 0))
    views = []
    for index, priced in enumerate(evaluation.lines):
        line = priced.line
        views.append(LineView(
            sku=line.sku, name=line.name, image_url=_image_url(products.get(line.sku), line.sku),
            unit_price=line.unit_price, quantity=line.quantity, subtotal=priced.subtotal,
            discount=priced.discount, total=priced.total, discounts=tuple(shares[index]),
            gift_of=names.get(priced.added_by, priced.added_by) if priced.added_by else None,
        ))
    return tuple(views)


def _image_url(product: Product | None, sku: str) -> str:
    # A free gift may be a SKU the catalogue no longer lists; its picture is still by SKU.
    return product_image_url(product) if product is not None else url_for("static", filename=f"img/products/{sku.lower()}.svg")


def _applied(evaluation: Evaluation) -> tuple[AppliedOffer, ...]:
    return tuple(
        AppliedOffer(offer.campaign_id, offer.name, offer.code, offer.total_discount, offer.capping_note)
        for offer in evaluation.applied
    )


_STATUS_WORDS = {Status.APPLIED: "applied", Status.SET_ASIDE: "set_aside", Status.NOT_APPLICABLE: "rejected"}


def _codes(evaluation: Evaluation, max_offers: int) -> tuple[CodeView, ...]:
    """The entered codes in the order entered, then the codes the store applied for the shopper."""
    views = []
    for code, result in evaluation.codes.items():
        hint = result.hint.message if result.hint is not None and result.status is not Status.APPLIED else None
        views.append(CodeView(
            code=code, status=_STATUS_WORDS[result.status], reason=result.reason.value,
            message=result.message, hint=hint, savings=result.total_discount,
            way_forward=way_forward(result, evaluation, max_offers) if result.status is Status.SET_ASIDE else "",
            capping_note=result.capping_note,
        ))
    for offer in evaluation.applied:
        if offer.code is not None and offer.code not in evaluation.codes:
            views.append(CodeView(code=offer.code, status="applied", reason=offer.reason.value, message=offer.message,
                                  savings=offer.total_discount, applied_for_you=True, capping_note=offer.capping_note))
    return tuple(views)


def _nudge(campaign_id: str, name: str, hint: Hint | None, code: str | None = None) -> Nudge | None:
    if hint is None or (hint.missing_amount is None and hint.missing_quantity is None):
        return None
    return Nudge(campaign_id, name, hint.message, hint.progress, code)


def _nudges(quote: CartQuote) -> tuple[Nudge, ...]:
    """Offers the shopper is close to, with the hints of the cart's own evaluation: the next
    tier of an applied offer, promotions not reached yet, and offers shown in the cart or held
    in the wallet that adding to the cart would unlock. Best progress first."""
    evaluation = quote.evaluation
    found: dict[str, Nudge] = {}
    entered = {result.campaign_id for result in evaluation.codes.values()}
    for result in evaluation.offers:
        if result.campaign_id in entered and result.status is not Status.APPLIED:
            continue  # the reason sits next to the code already
        if result.status is Status.SET_ASIDE:
            continue
        nudge = _nudge(result.campaign_id, result.name, result.hint)
        if nudge is not None:
            found.setdefault(result.campaign_id, nudge)
    for quoted in quote.offers:
        if quoted.in_cart:
            continue   # its hint, if any, is the cart's own (above)
        offer = quoted.offer
        if offer.campaign_id in found or offer.campaign_id in entered:
            continue
        if offer.source is not OfferSource.WALLET and not offer.visible:
            continue
        if quoted.cart_result.status is not Status.NOT_APPLICABLE:
            continue
        nudge = _nudge(offer.campaign_id, offer.name, quoted.cart_result.hint, offer.code)
        if nudge is not None:
            found[offer.campaign_id] = nudge
    return tuple(sorted(found.values(), key=lambda n: -n.progress))
