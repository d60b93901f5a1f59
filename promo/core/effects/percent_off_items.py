"""The `percent_off_items` effect (PercentOffItems): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from promo.core.campaign import PercentOffItems
from promo.core.effects.base import Benefit, capped_percent, resolve_percent, split_over_lines
from promo.core.facts import Facts

EFFECT = PercentOffItems


def apply(effect: PercentOffItems, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    matching_total = sum(facts.line_totals[i] for i in indices)
    amount = capped_percent(matching_total, resolve_percent(effect.percent, facts), effect.cap)
    return split_over_lines(facts, amount, indices)
