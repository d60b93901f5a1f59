"""`cheapest_items`: a percentage off the cheapest (or dearest) matching units, optionally one
per N units."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from promo.core.domain import ItemSelector
from promo.core.effects.base import (
    CHEAPEST,
    PICKS,
    Benefit,
    item_selectors,
    nothing,
    percent_of_units,
    quantity_hint,
    ranked,
    resolve_percent,
    take_units,
    unit_groups,
    units_in,
)
from promo.core.effects.effect_type import BannerText, Effect, EffectType
from promo.core.facts import Facts
from promo.core.formula import Percent
from promo.core.json_schema import ref, whole
from promo.core.phrases import from_items, items_phrase, narrowing, off_words, selection_phrase
from promo.core.reading import Problems, join_path, read_choice, read_int, read_optional_selector, read_percent_value
from promo.core.reasons import Reason


@dataclass(frozen=True)
class CheapestItems(Effect):
    percent: Percent
    count: int = 1
    items: ItemSelector = ItemSelector()
    pick: str = CHEAPEST          # or "most_expensive"
    every: int | None = None      # with every=3, count=1: one unit discounted per 3 matching units


def parse(fields: dict[str, Any], path: str, p: Problems) -> CheapestItems | None:
    count = read_int(fields.get("count", 1), join_path(path, "count"), p, minimum=1, maximum=1000)
    every = None
    if "every" in fields:
        every = read_int(fields["every"], join_path(path, "every"), p, minimum=2, maximum=1000)
        if every is not None and count is not None and every <= count:
            p.add(join_path(path, "every"), f"must be greater than count ({count}), got {every}")
    percent = read_percent_value(fields["percent"], join_path(path, "percent"), p)
    items = read_optional_selector(fields, "items", path, p)
    pick = read_choice(fields.get("pick", CHEAPEST), join_path(path, "pick"), p, PICKS)
    if percent is None or count is None or items is None or pick is None:
        return None
    return CheapestItems(percent, count, items, pick, every)


def apply(effect: CheapestItems, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    groups = unit_groups(facts, indices)
    units = units_in(groups)
    if units == 0:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    if effect.every:
        if units < effect.every:
            hint = quantity_hint(effect.every - units, units, effect.every, effect.items)
            return nothing(facts, Reason.MINIMUM_NOT_MET, hint)
        count = (units // effect.every) * effect.count
    else:
        count = effect.count
    chosen = take_units(ranked(groups, effect.pick), count)
    return percent_of_units(facts, chosen, resolve_percent(effect.percent, facts))


def _which(effect: CheapestItems) -> str:
    return "cheapest" if effect.pick == CHEAPEST else "most expensive"


def label(effect: CheapestItems, currency: str, locale: str, facts: Facts | None) -> str:
    which, off = _which(effect), off_words(effect.percent, facts)
    if effect.every:
        phrase = selection_phrase(effect.items, currency, locale) or "items"
        return f"Buy {effect.every} {phrase}, get the {which} {effect.count} {off}"
    subject = f"{which.capitalize()} item" if effect.count == 1 else f"{effect.count} {which} items"
    return f"{subject}{from_items(items_phrase(effect.items))}{narrowing(effect.items, currency, locale)} {off}"


def unlock(effect: CheapestItems, currency: str, locale: str, facts: Facts | None) -> str:
    """ "and the cheapest item is free"."""
    which = _which(effect)
    if effect.every:
        subject = f"the {which}" if effect.count == 1 else f"the {effect.count} {which}"
    else:
        subject = f"the {which} item" if effect.count == 1 else f"the {effect.count} {which} items"
        subject += from_items(items_phrase(effect.items)) + narrowing(effect.items, currency, locale)
    return f"and {subject} {'is' if effect.count == 1 else 'are'} {off_words(effect.percent, facts)}"


def banner_words(effect: CheapestItems, text: BannerText) -> str:
    off = text.off(effect.percent) or "SPECIAL PRICE"
    which = _which(effect).upper()
    if effect.every:
        chosen = which if effect.count == 1 else f"{effect.count} {which}"
        return f"BUY {effect.every}, {chosen} {off}"
    return f"{which} ITEM {off}" if effect.count == 1 else f"{effect.count} {which} ITEMS {off}"


TYPE = EffectType(
    name="cheapest_items", effect=CheapestItems,
    fields={"percent": ref("percent_value"), "count": whole(1, 1000), "items": ref("items"),
            "pick": {"enum": list(PICKS)}, "every": whole(2, 1000)},
    required=("percent",), parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words,
    selectors=item_selectors,
)
