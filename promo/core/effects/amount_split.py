"""The `amount_split` effect (AmountSplit): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from promo.core.campaign import AmountSplit
from promo.core.effects.base import Benefit, allocate_capped, benefit_of, resolve_amount, split_over_lines
from promo.core.facts import Facts

EFFECT = AmountSplit


def apply(effect: AmountSplit, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    amount = resolve_amount(effect.amount, facts)
    if effect.by != "quantity" or not indices:
        return split_over_lines(facts, amount, indices)
    caps = [facts.line_totals[i] for i in indices]
    amount = min(amount, sum(caps))
    quantities = [facts.lines[i].quantity for i in indices]
    return benefit_of(facts, dict(zip(indices, allocate_capped(amount, quantities, caps), strict=True)))
