"""`amount_off_each_line`: a fixed amount off each matching line (product), whatever its quantity."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from promo.core.domain import ItemSelector
from promo.core.effects.base import (
    Benefit,
    amount_banner,
    amount_number,
    benefit_of,
    item_selectors,
    nothing,
    resolve_line_amount,
)
from promo.core.effects.effect_type import AMOUNT_OFF, EACH_LINE, BannerText, Effect, EffectType, Headline
from promo.core.facts import Facts
from promo.core.formula import Amount
from promo.core.json_schema import ref
from promo.core.phrases import amount_words, from_items, items_phrase, narrowing, selection_phrase, to_get
from promo.core.reading import Problems, join_path, read_amount, read_optional_selector
from promo.core.reasons import Reason


@dataclass(frozen=True)
class AmountOffEachLine(Effect):
    amount: Amount
    items: ItemSelector = ItemSelector()


def parse(fields: dict[str, Any], path: str, p: Problems) -> AmountOffEachLine | None:
    amount = read_amount(fields["amount"], join_path(path, "amount"), p)
    items = read_optional_selector(fields, "items", path, p)
    return None if amount is None or items is None else AmountOffEachLine(amount, items)


def apply(effect: AmountOffEachLine, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    if not indices:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    # A formula may read the line (item.price, item.cost, item.margin, item.quantity).
    return benefit_of(facts, {i: min(resolve_line_amount(effect.amount, facts, i), facts.line_totals[i])
                              for i in indices})


def each_label(amount: Amount, items: ItemSelector, noun: str, currency: str, locale: str, facts: Facts | None) -> str:
    """"$2 off each product from Arabica" ("item" for each unit); for one product, "$10 off
    Gooseneck Kettle" (its line) or "$10 off each Gooseneck Kettle" (each unit)."""
    shown = amount_words(amount, currency, locale, facts)
    if shown is None:
        phrase = selection_phrase(items, currency, locale)
        return f"Personal discount on {phrase}" if phrase else "Personal discount"
    if items.only_sku is not None:
        each = "each " if noun == "item" else ""
        return f"{shown} off {each}{items_phrase(items)}{narrowing(items, currency, locale)}"
    return f"{shown} off each {noun}{from_items(items_phrase(items))}{narrowing(items, currency, locale)}"


def label(effect: AmountOffEachLine, currency: str, locale: str, facts: Facts | None) -> str:
    return each_label(effect.amount, effect.items, "product", currency, locale, facts)


def unlock(effect: AmountOffEachLine, currency: str, locale: str, facts: Facts | None) -> str:
    return to_get(label(effect, currency, locale, facts))


def banner_words(effect: AmountOffEachLine, text: BannerText) -> str:
    return amount_banner(effect.amount, text)


def banner_number(effect: AmountOffEachLine) -> dict[str, Any] | None:
    return amount_number(effect.amount)


def headline(effect: AmountOffEachLine) -> Headline:
    return Headline(AMOUNT_OFF, EACH_LINE, effect.amount)


TYPE = EffectType(
    name="amount_off_each_line", effect=AmountOffEachLine, fields={"amount": ref("amount"), "items": ref("items")},
    required=("amount",), parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words,
    banner_number=banner_number, selectors=item_selectors, lowers_item_prices=True,
    per_line_formulas=True,
    headline=headline,
)
