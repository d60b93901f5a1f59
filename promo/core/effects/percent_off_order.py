"""`percent_off_order`: a percentage (or a formula's) off the whole order, optionally capped."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from promo.core.effects.base import (
    Benefit,
    capped_percent,
    percent_banner,
    percent_number,
    percent_off,
    read_cap,
    resolve_percent,
    split_over_lines,
    split_total,
    up_to,
)
from promo.core.effects.effect_type import ORDER, PERCENT_OFF, POOLED, BannerText, Effect, EffectType, Headline
from promo.core.facts import Facts
from promo.core.formula import Percent
from promo.core.json_schema import money, ref
from promo.core.phrases import to_get
from promo.core.reading import Problems, join_path, read_percent_value


@dataclass(frozen=True)
class PercentOffOrder(Effect):
    percent: Percent
    cap: int | None = None


def parse(fields: dict[str, Any], path: str, p: Problems) -> PercentOffOrder | None:
    percent = read_percent_value(fields["percent"], join_path(path, "percent"), p)
    cap = read_cap(fields, path, p)
    return None if percent is None else PercentOffOrder(percent, cap)


def _amount(effect: PercentOffOrder, facts: Facts) -> int:
    return capped_percent(facts.subtotal, resolve_percent(effect.percent, facts), effect.cap)


def apply(effect: PercentOffOrder, facts: Facts, shipping: int) -> Benefit:
    return split_over_lines(facts, _amount(effect, facts), range(len(facts.lines)))


def total(effect: PercentOffOrder, facts: Facts, shipping: int) -> int:
    return split_total(facts, _amount(effect, facts), range(len(facts.lines)))


def label(effect: PercentOffOrder, currency: str, locale: str, facts: Facts | None) -> str:
    return percent_off(effect.percent, facts) + up_to(effect.cap, currency, locale)


def unlock(effect: PercentOffOrder, currency: str, locale: str, facts: Facts | None) -> str:
    return to_get(label(effect, currency, locale, facts))


def banner_words(effect: PercentOffOrder, text: BannerText) -> str:
    return percent_banner(effect.percent, effect.cap, text)


def banner_number(effect: PercentOffOrder) -> dict[str, Any] | None:
    return percent_number(effect.percent, effect.cap)


def headline(effect: PercentOffOrder) -> Headline:
    return Headline(PERCENT_OFF, ORDER, effect.percent, cap=effect.cap)


TYPE = EffectType(
    name="percent_off_order", effect=PercentOffOrder, fields={"percent": ref("percent_value"), "cap": money(1)},
    required=("percent",), parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words,
    banner_number=banner_number,
    margin_guard=POOLED,
    headline=headline, on_order=True, total=total,
)
