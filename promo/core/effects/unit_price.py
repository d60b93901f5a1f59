"""`unit_price`: the matching units at a set price each (never raising a price)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from promo.core.domain import ItemSelector
from promo.core.effects.base import Benefit, benefit_of, item_selectors, nothing, resolve_amount, unit_groups
from promo.core.effects.effect_type import FIXED_PRICE, ITEMS, BannerText, Effect, EffectType, Headline
from promo.core.facts import Facts
from promo.core.formula import Amount
from promo.core.json_schema import ref
from promo.core.phrases import amount_words, items_phrase, narrowing, to_get
from promo.core.reading import Problems, join_path, read_amount, read_optional_selector
from promo.core.reasons import Reason


@dataclass(frozen=True)
class UnitPrice(Effect):
    price: Amount
    items: ItemSelector = ItemSelector()


def parse(fields: dict[str, Any], path: str, p: Problems) -> UnitPrice | None:
    price = read_amount(fields["price"], join_path(path, "price"), p, minimum=0)
    items = read_optional_selector(fields, "items", path, p)
    return None if price is None or items is None else UnitPrice(price, items)


def apply(effect: UnitPrice, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    if not indices:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    price = resolve_amount(effect.price, facts)
    shares: dict[int, int] = {}
    # A unit already below the new price keeps its price: this effect never raises one.
    for group in unit_groups(facts, indices):
        shares[group.line] = shares.get(group.line, 0) + group.count * max(0, group.price - price)
    return benefit_of(facts, shares)


def label(effect: UnitPrice, currency: str, locale: str, facts: Facts | None) -> str:
    price = amount_words(effect.price, currency, locale, facts) or "a personal price"
    phrase = items_phrase(effect.items) or "Items"
    return f"{phrase}{narrowing(effect.items, currency, locale)} for {price} each"


def unlock(effect: UnitPrice, currency: str, locale: str, facts: Facts | None) -> str:
    return to_get(label(effect, currency, locale, facts))


def banner_words(effect: UnitPrice, text: BannerText) -> str:
    price = text.amount(effect.price)
    return f"NOW {price} EACH" if price else "SPECIAL PRICE"


def headline(effect: UnitPrice) -> Headline:
    return Headline(FIXED_PRICE, ITEMS, effect.price)


TYPE = EffectType(
    name="unit_price", effect=UnitPrice, fields={"price": ref("price"), "items": ref("items")}, required=("price",),
    parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words, selectors=item_selectors,
    lowers_item_prices=True,
    headline=headline,
)
