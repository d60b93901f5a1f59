"""`amount_off_order`: a fixed amount (or a formula's) off the whole order, split over the lines
by their running totals."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from promo.core.effects.base import Benefit, amount_banner, amount_number, resolve_amount, split_over_lines
from promo.core.effects.effect_type import AMOUNT_OFF, ORDER, POOLED, BannerText, Effect, EffectType, Headline
from promo.core.facts import Facts
from promo.core.formula import Amount
from promo.core.json_schema import ref
from promo.core.phrases import amount_words, to_get
from promo.core.reading import Problems, join_path, read_amount


@dataclass(frozen=True)
class AmountOffOrder(Effect):
    amount: Amount


def parse(fields: dict[str, Any], path: str, p: Problems) -> AmountOffOrder | None:
    amount = read_amount(fields["amount"], join_path(path, "amount"), p)
    return None if amount is None else AmountOffOrder(amount)


def apply(effect: AmountOffOrder, facts: Facts, shipping: int) -> Benefit:
    return split_over_lines(facts, resolve_amount(effect.amount, facts), range(len(facts.lines)))


def label(effect: AmountOffOrder, currency: str, locale: str, facts: Facts | None) -> str:
    amount = amount_words(effect.amount, currency, locale, facts)
    return f"{amount} off" if amount else "Personal discount"


def unlock(effect: AmountOffOrder, currency: str, locale: str, facts: Facts | None) -> str:
    return to_get(label(effect, currency, locale, facts))


def banner_words(effect: AmountOffOrder, text: BannerText) -> str:
    return amount_banner(effect.amount, text)


def banner_number(effect: AmountOffOrder) -> dict[str, Any] | None:
    return amount_number(effect.amount)


def headline(effect: AmountOffOrder) -> Headline:
    return Headline(AMOUNT_OFF, ORDER, effect.amount)


TYPE = EffectType(
    name="amount_off_order", effect=AmountOffOrder, fields={"amount": ref("amount")}, required=("amount",),
    parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words, banner_number=banner_number,
    margin_guard=POOLED,
    headline=headline, on_order=True,
)
