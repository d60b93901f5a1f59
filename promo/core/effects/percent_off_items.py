"""`percent_off_items`: a percentage off the matching items, optionally capped."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from promo.core.domain import ItemSelector
from promo.core.effects.base import (
    Benefit,
    capped_percent,
    item_selectors,
    percent_banner,
    percent_number,
    percent_off,
    read_cap,
    resolve_percent,
    split_over_lines,
    split_total,
    up_to,
)
from promo.core.effects.effect_type import ITEMS, PERCENT_OFF, POOLED, BannerText, Effect, EffectType, Headline
from promo.core.facts import Facts
from promo.core.formula import Percent
from promo.core.json_schema import money, ref
from promo.core.phrases import selection_phrase, to_get
from promo.core.reading import Problems, join_path, read_optional_selector, read_percent_value


@dataclass(frozen=True)
class PercentOffItems(Effect):
    percent: Percent
    items: ItemSelector = ItemSelector()
    cap: int | None = None


def parse(fields: dict[str, Any], path: str, p: Problems) -> PercentOffItems | None:
    percent = read_percent_value(fields["percent"], join_path(path, "percent"), p)
    items = read_optional_selector(fields, "items", path, p)
    cap = read_cap(fields, path, p)
    return None if percent is None or items is None else PercentOffItems(percent, items, cap)


def _amount(effect: PercentOffItems, facts: Facts) -> tuple[int, tuple[int, ...]]:
    """The discount and the lines it is split over."""
    indices = facts.matching(effect.items)
    matching_total = sum(facts.line_totals[i] for i in indices)
    return capped_percent(matching_total, resolve_percent(effect.percent, facts), effect.cap), indices


def apply(effect: PercentOffItems, facts: Facts, shipping: int) -> Benefit:
    amount, indices = _amount(effect, facts)
    return split_over_lines(facts, amount, indices)


def total(effect: PercentOffItems, facts: Facts, shipping: int) -> int:
    amount, indices = _amount(effect, facts)
    return split_total(facts, amount, indices)


def label(effect: PercentOffItems, currency: str, locale: str, facts: Facts | None) -> str:
    phrase = selection_phrase(effect.items, currency, locale) or "all items"
    return f"{percent_off(effect.percent, facts)} {phrase}{up_to(effect.cap, currency, locale)}"


def unlock(effect: PercentOffItems, currency: str, locale: str, facts: Facts | None) -> str:
    return to_get(label(effect, currency, locale, facts))


def banner_words(effect: PercentOffItems, text: BannerText) -> str:
    return percent_banner(effect.percent, effect.cap, text)


def banner_number(effect: PercentOffItems) -> dict[str, Any] | None:
    return percent_number(effect.percent, effect.cap)


def headline(effect: PercentOffItems) -> Headline:
    return Headline(PERCENT_OFF, ITEMS, effect.percent, cap=effect.cap)


TYPE = EffectType(
    name="percent_off_items", effect=PercentOffItems,
    fields={"percent": ref("percent_value"), "items": ref("items"), "cap": money(1)},
    required=("percent",), parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words,
    banner_number=banner_number, selectors=item_selectors, lowers_item_prices=True,
    margin_guard=POOLED,
    headline=headline, total=total,
)
