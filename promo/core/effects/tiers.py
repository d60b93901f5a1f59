"""The `tiers` effect (Tiers): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from promo.core.campaign import (
    AmountOffOrder, AmountSplit, Effect, ItemSelector, PercentOffItems, PercentOffOrder, Tier, Tiers,
)
from promo.core.effects.base import (
    Benefit, amount_hint, nothing, resolve_amount, resolve_percent, split_over_lines,
)
from promo.core.facts import Facts
from promo.core.money import percent_of
from promo.core.reasons import Reason

EFFECT = Tiers


def _tier_effect(tier: Tier, items: ItemSelector) -> Effect:
    """One tier as an effect of its own, so a hint can name what the next tier gives."""
    whole_order = items == ItemSelector()
    if tier.percent is not None:
        return PercentOffOrder(tier.percent) if whole_order else PercentOffItems(tier.percent, items)
    return AmountOffOrder(tier.amount) if whole_order else AmountSplit(tier.amount, items)


def apply(effect: Tiers, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    if not indices:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    running = sum(facts.line_totals[i] for i in indices)
    basis = facts.subtotal_of(effect.items, initial=True) if effect.basis == "initial" else running
    tiers = sorted(effect.tiers, key=lambda t: t.min_subtotal)
    met = [t for t in tiers if basis >= t.min_subtotal]
    upcoming = [t for t in tiers if basis < t.min_subtotal]
    hint = hint_effect = None
    if upcoming:
        target = upcoming[0]
        hint = amount_hint(facts, target.min_subtotal - basis, basis, target.min_subtotal)
        hint_effect = _tier_effect(target, effect.items)
    if not met:
        return nothing(facts, Reason.MINIMUM_NOT_MET, hint, hint_effect)
    tier = met[-1]
    if tier.percent is not None:
        amount = percent_of(running, resolve_percent(tier.percent, facts))
    else:
        amount = resolve_amount(tier.amount if tier.amount is not None else 0, facts)
    return split_over_lines(facts, amount, indices, hint=hint, hint_effect=hint_effect)
