"""The `cheapest_items` effect (CheapestItems): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from promo.core.campaign import CheapestItems
from promo.core.effects.base import (
    Benefit, nothing, percent_of_units, quantity_hint, ranked, resolve_percent, take_units,
    unit_groups, units_in,
)
from promo.core.facts import Facts
from promo.core.reasons import Reason

EFFECT = CheapestItems


def apply(effect: CheapestItems, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    groups = unit_groups(facts, indices)
    units = units_in(groups)
    if units == 0:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    if effect.every:
        if units < effect.every:
            hint = quantity_hint(effect.every - units, units, effect.every, effect.items)
            return nothing(facts, Reason.MINIMUM_NOT_MET, hint)
        count = (units // effect.every) * effect.count
    else:
        count = effect.count
    chosen = take_units(ranked(groups, effect.pick), count)
    return percent_of_units(facts, chosen, resolve_percent(effect.percent, facts))
