"""The `unit_price` effect (UnitPrice): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from promo.core.campaign import UnitPrice
from promo.core.effects.base import Benefit, benefit_of, nothing, resolve_amount, unit_groups
from promo.core.facts import Facts
from promo.core.reasons import Reason

EFFECT = UnitPrice


def apply(effect: UnitPrice, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    if not indices:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    price = resolve_amount(effect.price, facts)
    shares: dict[int, int] = {}
    # A unit already below the new price keeps its price: this effect never raises one.
    for group in unit_groups(facts, indices):
        shares[group.line] = shares.get(group.line, 0) + group.count * max(0, group.price - price)
    return benefit_of(facts, shares)
