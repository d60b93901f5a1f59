"""`amount_off_each_unit`: a fixed amount off each matching unit, never below its price."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from promo.core.domain import ItemSelector
from promo.core.effects.amount_off_each_line import each_label
from promo.core.effects.base import (
    Benefit,
    amount_banner,
    amount_number,
    benefit_of,
    item_selectors,
    nothing,
    resolve_line_amount,
    spread_units,
    unit_groups,
)
from promo.core.effects.effect_type import AMOUNT_OFF, EACH_UNIT, PER_UNIT, BannerText, Effect, EffectType, Headline
from promo.core.facts import Facts
from promo.core.formula import Amount
from promo.core.json_schema import ref
from promo.core.phrases import to_get
from promo.core.reading import Problems, join_path, read_amount, read_optional_selector
from promo.core.reasons import Reason


@dataclass(frozen=True)
class AmountOffEachUnit(Effect):
    amount: Amount
    items: ItemSelector = ItemSelector()


def parse(fields: dict[str, Any], path: str, p: Problems) -> AmountOffEachUnit | None:
    amount = read_amount(fields["amount"], join_path(path, "amount"), p)
    items = read_optional_selector(fields, "items", path, p)
    return None if amount is None or items is None else AmountOffEachUnit(amount, items)


def apply(effect: AmountOffEachUnit, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    if not indices:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    # A formula may read the line (item.price, item.cost, item.margin, item.quantity).
    amounts = {i: resolve_line_amount(effect.amount, facts, i) for i in indices}
    shares: dict[int, int] = {}
    for group in unit_groups(facts, indices):
        shares[group.line] = shares.get(group.line, 0) + group.count * min(amounts[group.line], group.price)
    return benefit_of(facts, shares)


def total(effect: AmountOffEachUnit, facts: Facts, shipping: int) -> int:
    """What apply gives in all: each matching unit's amount, never more than the unit's price."""
    given = 0
    for index in facts.matching(effect.items):
        amount = resolve_line_amount(effect.amount, facts, index)
        for price, count in spread_units(facts.line_totals[index], facts.lines[index].quantity):
            given += count * min(amount, price)
    return given


def label(effect: AmountOffEachUnit, currency: str, locale: str, facts: Facts | None) -> str:
    return each_label(effect.amount, effect.items, "item", currency, locale, facts)


def unlock(effect: AmountOffEachUnit, currency: str, locale: str, facts: Facts | None) -> str:
    return to_get(label(effect, currency, locale, facts))


def banner_words(effect: AmountOffEachUnit, text: BannerText) -> str:
    return amount_banner(effect.amount, text)


def banner_number(effect: AmountOffEachUnit) -> dict[str, Any] | None:
    return amount_number(effect.amount)


def headline(effect: AmountOffEachUnit) -> Headline:
    return Headline(AMOUNT_OFF, EACH_UNIT, effect.amount)


TYPE = EffectType(
    name="amount_off_each_unit", effect=AmountOffEachUnit, fields={"amount": ref("amount"), "items": ref("items")},
    required=("amount",), parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words,
    banner_number=banner_number, selectors=item_selectors, lowers_item_prices=True,
    margin_guard=PER_UNIT,
    per_line_formulas=True,
    headline=headline,
    total=total,
)
