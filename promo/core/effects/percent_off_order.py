"""The `percent_off_order` effect (PercentOffOrder): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from promo.core.campaign import PercentOffOrder
from promo.core.effects.base import Benefit, capped_percent, resolve_percent, split_over_lines
from promo.core.facts import Facts

EFFECT = PercentOffOrder


def apply(effect: PercentOffOrder, facts: Facts, shipping: int) -> Benefit:
    amount = capped_percent(facts.subtotal, resolve_percent(effect.percent, facts), effect.cap)
    return split_over_lines(facts, amount, range(len(facts.lines)))
