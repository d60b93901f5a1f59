"""The `bundle_price` effect (BundlePrice): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from promo.core.campaign import BundlePrice
from promo.core.effects.base import (
    Benefit, MOST_EXPENSIVE, UnitGroup, benefit_of, nothing, quantity_hint, ranked, resolve_amount,
    unit_groups, units_in,
)
from promo.core.facts import Facts
from promo.core.money import allocate
from promo.core.reasons import Reason

EFFECT = BundlePrice


def apply(effect: BundlePrice, facts: Facts, shipping: int) -> Benefit:
    """N units for a fixed price, built from the dearest units first (the customer's best deal)."""
    indices = facts.matching(effect.items)
    groups = ranked(unit_groups(facts, indices), MOST_EXPENSIVE)
    size = effect.quantity
    units = units_in(groups)
    if units == 0:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    if units < size:
        return nothing(facts, Reason.MINIMUM_NOT_MET, quantity_hint(size - units, units, size, effect.items))
    price = resolve_amount(effect.price, facts)
    bundles = units // size if effect.repeat else 1
    shares: dict[int, int] = {}

    def give(parts: list[UnitGroup], copies: int) -> None:
        weights = [p.price * p.count for p in parts]
        saving = sum(weights) - price
        if saving <= 0:
            return
        for part, share in zip(parts, allocate(saving, weights), strict=True):
            shares[part.line] = shares.get(part.line, 0) + share * copies

    queue = [UnitGroup(g.line, g.price, g.count) for g in groups]
    position = 0
    while bundles and position < len(queue):
        head = queue[position]
        if head.count >= size:
            # Whole bundles inside one group are identical: price them once.
            copies = min(bundles, head.count // size)
            give([UnitGroup(head.line, head.price, size)], copies)
            bundles -= copies
            left = head.count - copies * size
            queue[position] = UnitGroup(head.line, head.price, left)
            if left == 0:
                position += 1
            continue
        parts: list[UnitGroup] = []
        needed = size
        while needed and position < len(queue):
            group = queue[position]
            n = min(group.count, needed)
            parts.append(UnitGroup(group.line, group.price, n))
            needed -= n
            queue[position] = UnitGroup(group.line, group.price, group.count - n)
            if queue[position].count == 0:
                position += 1
        give(parts, 1)
        bundles -= 1
    return benefit_of(facts, shares)
