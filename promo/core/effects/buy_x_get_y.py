"""The `buy_x_get_y` effect (BuyXGetY): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from promo.core.campaign import BuyXGetY
from promo.core.effects.base import (
    Benefit, buy_get_units, nothing, percent_of_units, quantity_hint, resolve_percent, unit_groups,
)
from promo.core.facts import Facts
from promo.core.reasons import Reason

EFFECT = BuyXGetY


def apply(effect: BuyXGetY, facts: Facts, shipping: int) -> Benefit:
    buy_lines = set(facts.matching(effect.buy_items))
    get_selector = effect.buy_items if effect.get_items is None else effect.get_items
    get_lines = set(facts.matching(get_selector))
    if not buy_lines:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    groups = unit_groups(facts, sorted(buy_lines | get_lines))
    max_repeats = effect.max_repeats if effect.repeat else 1
    chosen, missing = buy_get_units(groups, buy_lines, get_lines, effect.buy_quantity,
                                     effect.get_quantity, max_repeats, effect.pick)
    if missing:
        need = effect.buy_quantity + effect.get_quantity
        hint = quantity_hint(missing, need - missing, need)
        return nothing(facts, Reason.MINIMUM_NOT_MET, hint)
    return percent_of_units(facts, chosen, resolve_percent(effect.percent, facts))
