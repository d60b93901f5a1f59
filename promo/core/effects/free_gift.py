"""The `free_gift` effect (FreeGift): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from dataclasses import replace

from promo.core.campaign import FreeGift
from promo.core.effects.base import Benefit, MOST_EXPENSIVE, ranked, take_units, unit_groups, units_in
from promo.core.facts import Facts
from promo.core.reasons import Reason

EFFECT = FreeGift


def apply(effect: FreeGift, facts: Facts, shipping: int) -> Benefit:
    """The gift's units already in the cart become free; any still missing are added, free."""
    sku = effect.gift.sku
    present = [i for i, line in enumerate(facts.lines) if line.sku == sku]
    groups = take_units(ranked(unit_groups(facts, present), MOST_EXPENSIVE), effect.quantity)
    shares: dict[int, int] = {}
    for group in groups:
        shares[group.line] = shares.get(group.line, 0) + group.price * group.count
    missing = effect.quantity - units_in(groups)
    added = (replace(effect.gift, quantity=missing),) if missing > 0 else ()
    discounts = [0] * len(facts.lines)
    for index, amount in shares.items():
        discounts[index] = amount
    benefit = Benefit(tuple(discounts), added_lines=added)
    if not benefit.gives_something:
        return replace(benefit, reason_if_zero=Reason.NO_DISCOUNT)
    return benefit
