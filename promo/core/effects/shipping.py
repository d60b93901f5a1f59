"""`shipping`: free shipping, a percentage off it, or a fixed amount off it."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from promo.core.effects.base import Benefit, resolve_amount, resolve_percent
from promo.core.effects.effect_type import AMOUNT_OFF, PERCENT_OFF, SHIPPING, UNGUARDED, BannerText, Effect, EffectType, Headline
from promo.core.facts import Facts
from promo.core.formula import Amount, Percent
from promo.core.json_schema import ref
from promo.core.money import percent_of
from promo.core.phrases import amount_words, percent_words
from promo.core.reading import Problems, join_path, read_amount, read_percent_value
from promo.core.reasons import Reason


@dataclass(frozen=True)
class ShippingDiscount(Effect):
    percent: Percent | None = Decimal(100)
    amount: Amount | None = None


def parse(fields: dict[str, Any], path: str, p: Problems) -> ShippingDiscount | None:
    if "percent" in fields and "amount" in fields:
        p.add(path, "give either percent or amount, not both")
    if "amount" in fields:
        return ShippingDiscount(percent=None, amount=read_amount(fields["amount"], join_path(path, "amount"), p))
    percent = read_percent_value(fields["percent"], join_path(path, "percent"), p) if "percent" in fields else Decimal(100)
    return ShippingDiscount(percent=percent)


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


def label(effect: ShippingDiscount, currency: str, locale: str, facts: Facts | None) -> str:
    if effect.amount is not None:
        amount = amount_words(effect.amount, currency, locale, facts)
        return f"{amount} off shipping" if amount else "Shipping discount"
    percent = percent_words(effect.percent, facts)
    if percent == "100%":
        return "Free shipping"
    return f"{percent} off shipping" if percent else "Shipping discount"


def unlock(effect: ShippingDiscount, currency: str, locale: str, facts: Facts | None) -> str:
    shown = label(effect, currency, locale, facts)
    if shown == "Free shipping":
        return "for free shipping"
    return "for a shipping discount" if shown == "Shipping discount" else f"to get {shown}"


def banner_words(effect: ShippingDiscount, text: BannerText) -> str:
    if effect.amount is not None:
        amount = text.amount(effect.amount)
        return f"{amount} OFF SHIPPING" if amount else "SHIPPING DISCOUNT"
    off = text.off(effect.percent)
    return f"{off} SHIPPING" if off else "SHIPPING DISCOUNT"


def headline(effect: ShippingDiscount) -> Headline:
    if effect.amount is not None:
        return Headline(AMOUNT_OFF, SHIPPING, effect.amount)
    return Headline(PERCENT_OFF, SHIPPING, effect.percent)


TYPE = EffectType(
    name="shipping", effect=ShippingDiscount, fields={"percent": ref("percent_value"), "amount": ref("amount")},
    required=(), parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words,
    schema_extra={"not": {"required": ["percent", "amount"]}},
    # A shopper promised free shipping over $50 keeps it whatever codes they add.
    counts_towards_offer_cap=False,
    margin_guard=UNGUARDED,
    headline=headline,
)
