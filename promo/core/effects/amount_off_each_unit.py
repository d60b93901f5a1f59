"""The `amount_off_each_unit` effect (AmountOffEachUnit): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from promo.core.campaign import AmountOffEachUnit
from promo.core.effects.base import Benefit, benefit_of, nothing, resolve_amount, unit_groups
from promo.core.facts import Facts
from promo.core.reasons import Reason

EFFECT = AmountOffEachUnit


def apply(effect: AmountOffEachUnit, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    if not indices:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    # A formula may read the line (item.price, item.cost, item.margin, item.quantity).
    amounts = {i: resolve_amount(effect.amount, facts.for_line(i)) for i in indices}
    shares: dict[int, int] = {}
    for group in unit_groups(facts, indices):
        shares[group.line] = shares.get(group.line, 0) + group.count * min(amounts[group.line], group.price)
    return benefit_of(facts, shares)
