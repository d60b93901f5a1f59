"""Offers: what a customer could use now (qualify) and what a cart gets (validate), read live
from the stored campaigns, codes and counters and evaluated by promo.core.applicator."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from promo.core.applicator import Candidate, evaluate
from promo.core.campaign import MarginFloor
from promo.core.codes import normalise_code
from promo.core.domain import Cart, Context, Customer
from promo.core.errors import InvalidRequest
from promo.core.reasons import Reason, message_for
from promo.core.records import CartQuote, Offer, OfferSource, OfferStatus, QuotedOffer
from promo.core.results import Evaluation, OfferResult, Status
from promo.core.visibility import is_visible
from promo.services.active import ActiveSet
from promo.services.checks import entered_codes
from promo.services.customers import load_profile
from promo.services.offer_loader import OfferLoader, Offers, Slot
from promo.services.unit_of_work import UnitOfWork

_STATUS_RANK = {OfferStatus.ELIGIBLE: 0, OfferStatus.NEAR_MISS: 1, OfferStatus.NOT_ELIGIBLE: 2}


class Pricing:
    """Offers and cart evaluations: the Engine's qualify and validate."""

    def __init__(self, work: UnitOfWork):
        self.work = work

    def qualify(
        self, customer: Customer | str | None, cart: Cart, context: Context | None = None,
        *, touching_cart: bool = False, visible_only: bool = False,
    ) -> list[Offer]:
        """Every offer the customer could use now, each evaluated on this cart alone, best first.

        Auto promotions, listed public codes and the codes in the customer's wallet. Eligible
        offers come first by discount, then near misses (an unmet minimum, with a hint) by
        progress, then the rest. Counters are read live, so an exhausted budget shows at once.

        With `touching_cart`, promotions and public codes are only those that could apply to this
        cart's items and this customer's segments, or hint at what to add (promo.core.index), as a
        cart's nudges need. With `visible_only`, they are only those whose visibility shows them
        to this customer in this context (`Offer.visible`; promo.core.visibility), as pages that list
        offers need. Either way the wallet is listed whole. Without them every offer is listed.
        """
        if touching_cart and visible_only:
            raise InvalidRequest("qualify takes touching_cart or visible_only, not both")
        context = context or self.work.context()
        with self.work.read() as session:
            profile = load_profile(self.work, session, customer)
            loader = self.loader(session, profile, context, cart)
            active = self.work.active.current(session)
            floor = self.work.store_margin_floor(active.margin_floor)
            if touching_cart:
                slots = (loader.touching_promotions(active, cart, profile, hints=True)
                         + loader.touching_public_codes(active, cart, profile) + loader.wallet())
            elif visible_only:
                slots = (loader.promotion_slots(active, active.listed_promotions.shown(profile, context))
                         + loader.public_code_slots(active.listed_coupons.shown(profile, context)) + loader.wallet())
            else:
                slots = loader.promotions() + loader.public_codes() + loader.wallet()
        offers = []
        seen: set[tuple[str, str | None]] = set()
        for slot in slots:
            if slot.key in seen:
                continue
            seen.add(slot.key)
            alone = evaluate([slot.candidate], cart, profile, context, max_offers=self.work.max_offers,
                             margin_floor=floor)
            offers.append(self.offer(slot, alone.offers[0], profile, context))
        return sorted(offers, key=_best_first)

    def validate(
        self,
        customer: Customer | str | None,
        cart: Cart,
        codes: Iterable[str] = (),
        context: Context | None = None,
        *,
        declined_codes: Iterable[str] = (),
        promotions: Iterable[str] | None = None,
    ) -> Evaluation:
        """The evaluation redeem() would make now, with no side effects.

        Coupons with ``auto_apply`` apply their public code when it helps, as if entered, except
        those in `declined_codes` (the shopper removed them); they are among the applied offers
        (with their code) but not in ``Evaluation.codes``, which reports the entered ones.
        With `promotions` (campaign ids) only those active promotions and the entered codes are
        evaluated: no other promotion and no auto_apply code (a client that names every offer
        it wants, as the Voucherify dialect's redeemables do)."""
        context = context or self.work.context()
        entered = entered_codes(codes)
        declined = entered_codes(declined_codes)
        chosen = chosen_promotions(promotions)
        with self.work.read() as session:
            profile = load_profile(self.work, session, customer)
            offers = self.offers(session, profile, context, cart, entered, declined, chosen)
        return self.evaluate(offers, cart, profile, context, entered)

    def price(
        self,
        customer: Customer | str | None,
        cart: Cart,
        codes: Iterable[str] = (),
        context: Context | None = None,
        *,
        declined_codes: Iterable[str] = (),
        with_offers: bool = True,
    ) -> CartQuote:
        """The cart evaluated once, as validate() evaluates it, and (`with_offers`) every offer
        touching the cart or held in the customer's wallet told against that same evaluation,
        all read in one transaction. Pages that talk about the cart (cart, checkout, wallet,
        nudges) take their numbers from here, so they never disagree."""
        context = context or self.work.context()
        entered = entered_codes(codes)
        declined = entered_codes(declined_codes)
        with self.work.read() as session:
            profile = load_profile(self.work, session, customer)
            loader = self.loader(session, profile, context, cart)
            active = self.work.active.current(session)
            if with_offers:
                # First, so the counters of the promotions that apply and of those that only hint
                # are read in one query: the loader keeps the slots it made.
                hinting = loader.touching_promotions(active, cart, profile, hints=True)
            offers = self.offers(session, profile, context, cart, entered, declined, loader=loader, active=active)
            if with_offers:
                # Every offer the cart holds is told too: codes it applied for the shopper, codes
                # they typed that are neither listed nor theirs (a friend's referral code).
                held = [slot for slot in offers.slots if slot.candidate.code is not None]
                slots = hinting + loader.touching_public_codes(active, cart, profile) + loader.wallet() + held
        evaluation = self.evaluate(offers, cart, profile, context, entered)
        if not with_offers:
            return CartQuote(evaluation)
        return CartQuote(evaluation, tuple(self.quoted(slots, offers, evaluation, cart, profile, context)))

    def quoted(self, slots: Sequence[Slot], in_cart: Offers, evaluation: Evaluation, cart: Cart,
               profile: Customer, context: Context) -> list[QuotedOffer]:
        results: dict[tuple[str, str | None], OfferResult] = {}
        for result in evaluation.offers:
            results.setdefault((result.campaign_id, result.code), result)
        saved = evaluation.discount + evaluation.shipping_discount
        promotions_end = sum(1 for slot in in_cart.slots if slot.source is OfferSource.PROMOTION)
        quoted: list[QuotedOffer] = []
        seen: set[tuple[str, str | None]] = set()
        for slot in slots:
            if slot.key in seen:
                continue
            seen.add(slot.key)
            alone = self.alone(slot, cart, profile, context, in_cart.margin_floor)
            key = (slot.campaign.id, normalise_code(slot.candidate.code) if slot.candidate.code else None)
            own = results.get(key)
            if own is not None:
                quoted.append(QuotedOffer(slot.campaign, own, in_cart=True, alone=alone))
                continue
            offer = alone()
            if offer.status is OfferStatus.NOT_ELIGIBLE:
                # Refused on its own (who the shopper is, when it is, a used-up limit): so it is with the cart.
                quoted.append(QuotedOffer(slot.campaign, offer.result, in_cart=False, alone=_known(offer)))
            else:
                added = self.with_added(in_cart, slot.candidate, promotions_end, cart, profile, context)
                result = next(r for r in added.offers if (r.campaign_id, r.code) == key)
                gain = max(0, added.discount + added.shipping_discount - saved)
                quoted.append(QuotedOffer(slot.campaign, result, in_cart=False, alone=_known(offer),
                                          adds=gain))
        return quoted

    def alone(self, slot: Slot, cart: Cart, profile: Customer, context: Context,
              margin_floor: MarginFloor) -> Callable[[], Offer]:
        """The offer evaluated on this cart on its own, when asked for (QuotedOffer.offer)."""
        def evaluated() -> Offer:
            result = evaluate([slot.candidate], cart, profile, context, max_offers=self.work.max_offers,
                              margin_floor=margin_floor)
            return self.offer(slot, result.offers[0], profile, context)
        return evaluated

    def with_added(self, offers: Offers, candidate: Candidate, promotions_end: int, cart: Cart,
                   profile: Customer, context: Context) -> Evaluation:
        """The cart's evaluation with one more offer: a promotion among the promotions, a code
        as if entered after the others."""
        candidates = offers.candidates
        at = promotions_end if candidate.code is None else len(candidates)
        return evaluate([*candidates[:at], candidate, *candidates[at:]], cart, profile, context,
                        unknown_codes=offers.unknown, max_offers=self.work.max_offers,
                        margin_floor=offers.margin_floor)

    def loader(self, session: Session, profile: Customer, context: Context, cart: Cart) -> OfferLoader:
        return OfferLoader(session, self.work.campaign, customer_id=profile.id,
                           local_now=context.now.astimezone(self.work.tz), order_value=cart.subtotal, currency=cart.currency)

    def offers(self, session: Session, profile: Customer, context: Context, cart: Cart, entered: list[str],
               declined: Sequence[str] = (), chosen: frozenset[str] | None = None, *,
               loader: OfferLoader | None = None, active: ActiveSet | None = None) -> Offers:
        """The cart's candidates; `loader` and `active` when the caller already has them."""
        loader = loader or self.loader(session, profile, context, cart)
        active = active or self.work.active.current(session)
        offers = loader.entered(entered)
        offers.margin_floor = self.work.store_margin_floor(active.margin_floor)
        if chosen is not None:
            offers.slots[:0] = loader.chosen_promotions(active, chosen)
            return offers
        # Promotions that cannot apply to this cart (promo.core.index) are not evaluated or reported.
        offers.slots[:0] = loader.touching_promotions(active, cart, profile)
        # Public codes applied for the shopper come last: like promotions, they are left out
        # silently when they do not apply; unlike entered codes, they never refuse an order.
        offers.slots.extend(loader.auto_applied_codes(active, cart, profile, {*entered, *declined}))
        return offers

    def evaluate(self, offers: Offers, cart: Cart, profile: Customer, context: Context, entered: list[str]) -> Evaluation:
        evaluation = evaluate(offers.candidates, cart, profile, context, unknown_codes=offers.unknown,
                              max_offers=self.work.max_offers, margin_floor=offers.margin_floor)
        # Report codes in the order they were entered.
        return replace(evaluation, codes={code: evaluation.codes[code] for code in entered if code in evaluation.codes})

    def offer(self, slot: Slot, result: OfferResult, profile: Customer, context: Context) -> Offer:
        if result.status is Status.APPLIED:
            status = OfferStatus.ELIGIBLE
        elif result.hint is not None and result.reason in (Reason.MINIMUM_NOT_MET, Reason.NO_MATCHING_ITEMS):
            status = OfferStatus.NEAR_MISS
        else:
            status = OfferStatus.NOT_ELIGIBLE
        return Offer(
            campaign_id=slot.campaign.id, name=slot.campaign.name, kind=slot.campaign.kind.value, source=slot.source,
            code=slot.candidate.code, status=status, discount=result.total_discount, reason=result.reason,
            message=result.message, hint=result.hint, visible=is_visible(slot.campaign, profile, context), result=result,
            expires_at=slot.candidate.expires_at,
        )


def _known(offer: Offer) -> Callable[[], Offer]:
    """QuotedOffer.alone for an offer already evaluated on its own."""
    return lambda: offer


def _best_first(offer: Offer) -> tuple:
    progress = offer.hint.progress if offer.hint is not None else 0.0
    return (_STATUS_RANK[offer.status], -offer.discount, -progress)


def chosen_promotions(promotions: Iterable[str] | None) -> frozenset[str] | None:
    """The campaign ids a client named (None: every promotion that touches the cart)."""
    if promotions is None:
        return None
    if isinstance(promotions, str):
        raise InvalidRequest("promotions must be a list of campaign ids, not one string", code="invalid_promotions")
    return frozenset(promotions)


def refused_promotions(evaluation: Evaluation, chosen: frozenset[str]) -> dict[str, tuple[Reason, str]]:
    """Named promotions refuse the order like entered codes when they cannot apply; one that
    was not evaluated at all is no longer active (paused or archived since it was named)."""
    results = {offer.campaign_id: offer for offer in evaluation.offers if offer.code is None}
    refused = {}
    for campaign_id in sorted(chosen):
        offer = results.get(campaign_id)
        if offer is None:
            refused[campaign_id] = (Reason.CAMPAIGN_PAUSED, message_for(Reason.CAMPAIGN_PAUSED))
        elif offer.status is Status.NOT_APPLICABLE:
            refused[campaign_id] = (offer.reason, offer.message)
    return refused
