"""The `volume` effect (Volume): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from fractions import Fraction

from promo.core.campaign import Volume
from promo.core.effects.base import (
    Benefit, CHEAPEST, UnitGroup, buy_get_units, nothing, percent_of_units, quantity_hint,
    unit_groups,
)
from promo.core.facts import Facts
from promo.core.reasons import Reason

EFFECT = Volume


def apply(effect: Volume, facts: Facts, shipping: int) -> Benefit:
    """Buy `buy`, get `free` more free: 11 units for "buy 10, get 1 free", per SKU by default."""
    indices = facts.matching(effect.items)
    if not indices:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    pools: dict[str, list[int]] = {}
    for index in indices:
        key = facts.lines[index].sku if effect.per_sku else ""
        pools.setdefault(key, []).append(index)
    chosen: list[UnitGroup] = []
    fewest_missing = None
    for pool in pools.values():
        lines = set(pool)
        picked, missing = buy_get_units(unit_groups(facts, pool), lines, lines,
                                         effect.buy, effect.free, None, CHEAPEST)
        chosen += picked
        if missing and (fewest_missing is None or missing < fewest_missing):
            fewest_missing = missing
    if not chosen:
        need = effect.buy + effect.free
        hint = quantity_hint(fewest_missing, need - fewest_missing, need, effect.items)
        return nothing(facts, Reason.MINIMUM_NOT_MET, hint)
    return percent_of_units(facts, chosen, Fraction(100))
