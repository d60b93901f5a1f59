"""The `shipping` effect (ShippingDiscount): its calculation. (Its reader is in promo.format.effect_readers, its
words in promo.core.wording and promo.banners.labels.)"""
from __future__ import annotations

from promo.core.campaign import ShippingDiscount
from promo.core.effects.base import Benefit, resolve_amount, resolve_percent
from promo.core.facts import Facts
from promo.core.money import percent_of
from promo.core.reasons import Reason

EFFECT = ShippingDiscount


def apply(effect: ShippingDiscount, facts: Facts, shipping: int) -> Benefit:
    """Percent off the shipping still charged, capped by `amount` when both are given."""
    amount = shipping
    if effect.percent is not None:
        amount = percent_of(shipping, resolve_percent(effect.percent, facts))
    if effect.amount is not None:
        amount = min(amount, resolve_amount(effect.amount, facts))
    no_lines = (0,) * len(facts.lines)
    if amount <= 0:
        return Benefit(no_lines, reason_if_zero=Reason.NO_DISCOUNT)
    return Benefit(no_lines, shipping_discount=amount)
