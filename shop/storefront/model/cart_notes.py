"""What the pages say about an offer and the shopper's cart, from one evaluation (Engine.price).

The cart, checkout, wallet and nudges word an offer's state on the cart here, so a number is the
same on every page: "In your cart" only for an offer the cart applied, with the cart's amount;
for any other offer what adding it to the cart as it is would save, or why it would not; hints
("Add $59.50 more to get 10% off") as the cart's evaluation gives them. Offers the cart sets
aside (the offer cap, exclusivity, limits, budgets) are listed with the reason and what the
shopper can do. No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from promo.core.money import format_money
from promo.core.reasons import Reason
from promo.core.records import QuotedOffer
from promo.core.results import Evaluation, Hint, OfferResult, Status

# Refusals that come from limits and budgets rather than from the cart: a promotion the shopper
# was counting on says so in the cart instead of silently vanishing.
LIMIT_REASONS = frozenset({
    Reason.BUDGET_EXHAUSTED, Reason.CAMPAIGN_LIMIT_REACHED, Reason.CUSTOMER_LIMIT_REACHED, Reason.QUANTITY_EXCEEDED,
})


@dataclass(frozen=True)
class SetAside:
    """An offer the cart did not apply although it could have on its own."""

    campaign_id: str
    name: str
    code: str | None
    reason: str                 # promo.core.reasons.Reason value
    message: str                # why, as the engine says it
    way_forward: str            # what the shopper can do about it


def way_forward(result: OfferResult, evaluation: Evaluation, max_offers: int) -> str:
    """What the shopper can do about an offer the cart set aside or a limit refused."""
    reason = result.reason
    entered = [o.code for o in evaluation.applied if o.code is not None and o.code != result.code]
    if reason is Reason.MAX_OFFERS_REACHED:
        if entered:
            return f"An order takes at most {max_offers} offers: remove a code, such as {entered[-1]}, to use this one instead."
        return f"An order takes at most {max_offers} offers, and the ones applied save you more."
    if reason is Reason.EXCLUSIVE_CONFLICT:
        if result.code is None and entered:
            return f"Remove {join_codes(entered)} to get this offer instead."
        if result.code is not None:
            # The reason already says the others save more: the way forward need not say it again.
            return f"{result.code} stays in your cart: it applies if it becomes the better deal."
        return "We kept the better deal for you."
    if reason in LIMIT_REASONS:
        if result.code is not None:
            return f"Remove {result.code}; your other offers still apply."
        return "Your other offers still apply."
    return ""


def join_codes(codes: list[str]) -> str:
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " and " + codes[-1]


def set_aside(evaluation: Evaluation, max_offers: int) -> tuple[SetAside, ...]:
    """Offers the cart set aside (cap, exclusivity) or a limit or budget refused, each with its
    reason and the way forward. Codes the shopper entered are explained in their own row by the
    code field (CodeView.explanation), so they are not repeated here."""
    notes = []
    for result in evaluation.offers:
        if result.code is not None and result.code in evaluation.codes:
            continue
        if result.status is Status.SET_ASIDE or (result.status is Status.NOT_APPLICABLE and result.reason in LIMIT_REASONS):
            notes.append(SetAside(result.campaign_id, result.name, result.code, result.reason.value, result.message,
                                  way_forward(result, evaluation, max_offers)))
    return tuple(notes)


@dataclass(frozen=True)
class SetAsideGroup:
    """Offers set aside for the same reason, with the same way forward: the cart says it once
    and names them all, rather than repeating "An order takes at most 5 offers" 28 times."""

    reason: str
    message: str
    way_forward: str
    offers: tuple[SetAside, ...]


def grouped(notes: tuple[SetAside, ...]) -> tuple[SetAsideGroup, ...]:
    """The notes by what they say, in the order each wording first appears."""
    groups: dict[tuple[str, str, str], list[SetAside]] = {}
    for note in notes:
        groups.setdefault((note.reason, note.message, note.way_forward), []).append(note)
    return tuple(SetAsideGroup(reason, message, way, tuple(offers))
                 for (reason, message, way), offers in groups.items())


class CartState(StrEnum):
    IN_CART = "in_cart"          # the cart applied it: its amount is the cart's
    SET_ASIDE = "set_aside"      # the cart holds it but the stacking rules or a limit left it out
    ADDS = "adds"                # not in the cart; adding it would save this much more
    NO_GAIN = "no_gain"          # not in the cart; adding it would save nothing more (with why)
    NEAR = "near"                # a minimum not met yet on the cart as it is (with the hint)
    REFUSED = "refused"          # cannot apply (who, when, limits), with the engine's reason


@dataclass(frozen=True)
class CartNote:
    """An offer's state on the shopper's cart, and the words every page uses for it."""

    state: CartState
    amount: int                 # the cart's saving (in cart), the extra saving (adds), its own (no gain)
    text: str
    hint: Hint | None = None

    @property
    def progress_percent(self) -> int:
        return max(0, min(100, round((self.hint.progress if self.hint else 0) * 100)))


def cart_note(quoted: QuotedOffer, evaluation: Evaluation, max_offers: int, currency: str, locale: str,
              cart_is_empty: bool) -> CartNote:
    result = quoted.cart_result

    def money(amount: int) -> str:
        return format_money(amount, currency, locale)

    # Where the margin floor cut the headline amount, the shopper reads it: "($3 on Panama Geisha)".
    capped = f" ({result.capping_note})" if result.capping_note else ""
    if quoted.applied_in_cart:
        return CartNote(CartState.IN_CART, result.total_discount,
                        f"In your cart: saves {money(result.total_discount)}{capped}.", result.hint)
    if quoted.in_cart and (result.status is Status.SET_ASIDE or result.reason in LIMIT_REASONS):
        text = " ".join(p for p in (result.message, way_forward(result, evaluation, max_offers)) if p)
        return CartNote(CartState.SET_ASIDE, 0, text)
    if not quoted.in_cart and quoted.adds > 0:
        return CartNote(CartState.ADDS, quoted.adds, f"Saves {money(quoted.adds)} more on your cart as it is{capped}.")
    if result.hint is not None and result.status is Status.NOT_APPLICABLE and not cart_is_empty:
        return CartNote(CartState.NEAR, 0, result.hint.message, result.hint)
    alone = quoted.offer.discount
    if not quoted.in_cart and result.status is not Status.NOT_APPLICABLE and alone > 0:
        # It would apply on its own, but with this cart it is set aside or pushes another offer out.
        why = result.message if result.status is Status.SET_ASIDE else "With your cart as it is, it would save nothing more."
        return CartNote(CartState.NO_GAIN, alone, f"On its own: {money(alone)}. {why}")
    return CartNote(CartState.REFUSED, 0, result.message)
