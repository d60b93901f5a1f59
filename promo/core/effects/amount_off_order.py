"""The `amount_off_order` effect (AmountOffOrder): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from promo.core.campaign import AmountOffOrder
from promo.core.effects.base import Benefit, resolve_amount, split_over_lines
from promo.core.facts import Facts

EFFECT = AmountOffOrder


def apply(effect: AmountOffOrder, facts: Facts, shipping: int) -> Benefit:
    return split_over_lines(facts, resolve_amount(effect.amount, facts), range(len(facts.lines)))
