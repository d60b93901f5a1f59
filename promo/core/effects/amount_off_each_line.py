"""The `amount_off_each_line` effect (AmountOffEachLine): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from promo.core.campaign import AmountOffEachLine
from promo.core.effects.base import Benefit, benefit_of, nothing, resolve_amount
from promo.core.facts import Facts
from promo.core.reasons import Reason

EFFECT = AmountOffEachLine


def apply(effect: AmountOffEachLine, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    if not indices:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    # A formula may read the line (item.price, item.cost, item.margin, item.quantity).
    return benefit_of(facts, {i: min(resolve_amount(effect.amount, facts.for_line(i)), facts.line_totals[i])
                              for i in indices})
