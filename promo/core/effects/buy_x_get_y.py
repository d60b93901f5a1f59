"""`buy_x_get_y`: buy N of some items, get M of the same or others at a percentage off
(free by default), repeated unless told otherwise."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from promo.core.domain import ItemSelector
from promo.core.effects.base import (
    CHEAPEST,
    PICKS,
    Benefit,
    buy_get_units,
    nothing,
    percent_of_units,
    quantity_hint,
    read_flag,
    resolve_percent,
    unit_groups,
)
from promo.core.effects.effect_type import BannerText, Effect, EffectType
from promo.core.facts import Facts
from promo.core.formula import Percent
from promo.core.json_schema import closed, ref, whole
from promo.core.phrases import count_of, off_words
from promo.core.reading import (
    Problems,
    join_path,
    read_choice,
    read_fields,
    read_int,
    read_percent_value,
    read_selector,
)
from promo.core.reasons import Reason


@dataclass(frozen=True)
class BuyXGetY(Effect):
    buy_quantity: int
    get_quantity: int
    buy_items: ItemSelector = ItemSelector()
    get_items: ItemSelector | None = None   # None: the same items as buy_items
    percent: Percent = Decimal(100)
    repeat: bool = True
    max_repeats: int | None = None
    pick: str = CHEAPEST


def _side(raw: Any, path: str, p: Problems) -> tuple[int | None, ItemSelector | None, bool]:
    """`buy:` / `get:`: {quantity, items?}. Returns (quantity, items, has_items)."""
    fields = read_fields(raw, path, p, ("quantity", "items"), ("quantity",))
    if fields is None:
        return None, None, False
    quantity = read_int(fields["quantity"], join_path(path, "quantity"), p, minimum=1, maximum=1000) if "quantity" in fields else None
    items = read_selector(fields["items"], join_path(path, "items"), p) if "items" in fields else ItemSelector()
    return quantity, items, "items" in fields


def parse(fields: dict[str, Any], path: str, p: Problems) -> BuyXGetY | None:
    buy_quantity, buy_items, _ = _side(fields["buy"], join_path(path, "buy"), p)
    get_quantity, get_items, get_has_items = _side(fields["get"], join_path(path, "get"), p)
    max_repeats = read_int(fields["max_repeats"], join_path(path, "max_repeats"), p, minimum=1) if "max_repeats" in fields else None
    percent = read_percent_value(fields["percent"], join_path(path, "percent"), p) if "percent" in fields else Decimal(100)
    repeat = read_flag(fields, "repeat", True, path, p)
    pick = read_choice(fields.get("pick", CHEAPEST), join_path(path, "pick"), p, PICKS)
    if buy_quantity is None or get_quantity is None or buy_items is None or percent is None or repeat is None or pick is None:
        return None
    return BuyXGetY(buy_quantity, get_quantity, buy_items, get_items if get_has_items else None, percent, repeat,
                    max_repeats, pick)


def apply(effect: BuyXGetY, facts: Facts, shipping: int) -> Benefit:
    buy_lines = set(facts.matching(effect.buy_items))
    get_selector = effect.buy_items if effect.get_items is None else effect.get_items
    get_lines = set(facts.matching(get_selector))
    if not buy_lines:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    groups = unit_groups(facts, sorted(buy_lines | get_lines))
    max_repeats = effect.max_repeats if effect.repeat else 1
    chosen, missing = buy_get_units(groups, buy_lines, get_lines, effect.buy_quantity,
                                     effect.get_quantity, max_repeats, effect.pick)
    if missing:
        need = effect.buy_quantity + effect.get_quantity
        hint = quantity_hint(missing, need - missing, need)
        return nothing(facts, Reason.MINIMUM_NOT_MET, hint)
    return percent_of_units(facts, chosen, resolve_percent(effect.percent, facts))


def _what_you_get(effect: BuyXGetY, currency: str, locale: str) -> str:
    """ "1 filter papers", or just "1" when the free units are more of what was bought."""
    if effect.get_items is None:
        return str(effect.get_quantity)
    return count_of(effect.get_quantity, effect.get_items, currency, locale)


def label(effect: BuyXGetY, currency: str, locale: str, facts: Facts | None) -> str:
    buy = count_of(effect.buy_quantity, effect.buy_items, currency, locale)
    return f"Buy {buy}, get {_what_you_get(effect, currency, locale)} {off_words(effect.percent, facts)}"


def unlock(effect: BuyXGetY, currency: str, locale: str, facts: Facts | None) -> str:
    return f"to get {_what_you_get(effect, currency, locale)} {off_words(effect.percent, facts)}"


def banner_words(effect: BuyXGetY, text: BannerText) -> str:
    off = text.off(effect.percent) or "AT A SPECIAL PRICE"
    return f"BUY {effect.buy_quantity}, GET {effect.get_quantity} {off}"


def selectors(effect: BuyXGetY, hints: bool) -> tuple[ItemSelector, ...]:
    """No "buy" unit, or no unit to give: no repetition at all. With a "buy" unit, a missing
    "get" unit is a hint ("Add 1 more item")."""
    if hints:
        return (effect.buy_items,)
    return (effect.buy_items, effect.get_items or effect.buy_items)


_SIDE = closed({"quantity": whole(1, 1000), "items": ref("items")}, ("quantity",))

TYPE = EffectType(
    name="buy_x_get_y", effect=BuyXGetY,
    fields={"buy": _SIDE, "get": _SIDE, "percent": ref("percent_value"), "repeat": {"type": "boolean"},
            "max_repeats": whole(1), "pick": {"enum": list(PICKS)}},
    required=("buy", "get"), parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words,
    selectors=selectors,
)
