"""`volume`: buy N, get M more free ("3 for 2"), counted per SKU by default."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from promo.core.domain import ItemSelector
from promo.core.effects.base import (
    CHEAPEST,
    Benefit,
    UnitGroup,
    buy_get_units,
    item_selectors,
    nothing,
    percent_of_units,
    quantity_hint,
    read_flag,
    unit_groups,
)
from promo.core.effects.effect_type import BannerText, Effect, EffectType
from promo.core.facts import Facts
from promo.core.json_schema import ref, whole
from promo.core.phrases import scope_suffix
from promo.core.reading import Problems, join_path, read_int, read_optional_selector
from promo.core.reasons import Reason


@dataclass(frozen=True)
class Volume(Effect):
    buy: int
    free: int = 1
    items: ItemSelector = ItemSelector()
    per_sku: bool = True


def parse(fields: dict[str, Any], path: str, p: Problems) -> Volume | None:
    buy = read_int(fields["buy"], join_path(path, "buy"), p, minimum=1, maximum=1000)
    free = read_int(fields.get("free", 1), join_path(path, "free"), p, minimum=1, maximum=1000)
    items = read_optional_selector(fields, "items", path, p)
    per_sku = read_flag(fields, "per_sku", True, path, p)
    if buy is None or free is None or items is None or per_sku is None:
        return None
    return Volume(buy, free, items, per_sku)


def apply(effect: Volume, facts: Facts, shipping: int) -> Benefit:
    """Buy `buy`, get `free` more free: 11 units for "buy 10, get 1 free", per SKU by default."""
    indices = facts.matching(effect.items)
    if not indices:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    pools: dict[str, list[int]] = {}
    for index in indices:
        key = facts.lines[index].sku if effect.per_sku else ""
        pools.setdefault(key, []).append(index)
    chosen: list[UnitGroup] = []
    fewest_missing: int | None = None
    for pool in pools.values():
        lines = set(pool)
        picked, missing = buy_get_units(unit_groups(facts, pool), lines, lines,
                                         effect.buy, effect.free, None, CHEAPEST)
        chosen += picked
        if missing and (fewest_missing is None or missing < fewest_missing):
            fewest_missing = missing
    if not chosen:
        # Every pool came back empty, so each said what it misses (at least one unit).
        short = fewest_missing or 1
        need = effect.buy + effect.free
        hint = quantity_hint(short, need - short, need, effect.items)
        return nothing(facts, Reason.MINIMUM_NOT_MET, hint)
    return percent_of_units(facts, chosen, Fraction(100))


def label(effect: Volume, currency: str, locale: str, facts: Facts | None) -> str:
    return f"Buy {effect.buy}, get {effect.free} free{scope_suffix(effect.items, currency, locale)}"


def unlock(effect: Volume, currency: str, locale: str, facts: Facts | None) -> str:
    return f"to get {effect.free} free"


def banner_words(effect: Volume, text: BannerText) -> str:
    # "3 FOR 2" is how shops say it while the numbers are small; "11 FOR 10" would puzzle.
    if effect.buy + effect.free <= 5:
        return f"{effect.buy + effect.free} FOR {effect.buy}"
    return f"BUY {effect.buy}, GET {effect.free} FREE"


TYPE = EffectType(
    name="volume", effect=Volume,
    fields={"buy": whole(1, 1000), "free": whole(1, 1000), "items": ref("items"), "per_sku": {"type": "boolean"}},
    required=("buy",), parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words,
    selectors=item_selectors,
)
