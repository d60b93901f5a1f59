"""`amount_split`: a fixed amount off the matching items, split by their amounts or quantities."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from promo.core.domain import ItemSelector
from promo.core.effects.base import (
    Benefit,
    allocate_capped,
    amount_banner,
    amount_number,
    benefit_of,
    item_selectors,
    resolve_amount,
    split_over_lines,
)
from promo.core.effects.effect_type import AMOUNT_OFF, POOLED, SPLIT, BannerText, Effect, EffectType, Headline
from promo.core.facts import Facts
from promo.core.formula import Amount
from promo.core.json_schema import ref
from promo.core.phrases import amount_words, selection_phrase, to_get
from promo.core.reading import Problems, join_path, read_amount, read_choice, read_optional_selector


@dataclass(frozen=True)
class AmountSplit(Effect):
    amount: Amount
    items: ItemSelector = ItemSelector()
    by: str = "amount"  # "amount" (proportional to line totals) or "quantity"


def parse(fields: dict[str, Any], path: str, p: Problems) -> AmountSplit | None:
    by = read_choice(fields.get("by", "amount"), join_path(path, "by"), p, ("amount", "quantity"))
    amount = read_amount(fields["amount"], join_path(path, "amount"), p)
    items = read_optional_selector(fields, "items", path, p)
    return None if amount is None or items is None or by is None else AmountSplit(amount, items, by)


def apply(effect: AmountSplit, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    amount = resolve_amount(effect.amount, facts)
    if effect.by != "quantity" or not indices:
        return split_over_lines(facts, amount, indices)
    caps = [facts.line_totals[i] for i in indices]
    amount = min(amount, sum(caps))
    quantities = [facts.lines[i].quantity for i in indices]
    return benefit_of(facts, dict(zip(indices, allocate_capped(amount, quantities, caps), strict=True)))


def label(effect: AmountSplit, currency: str, locale: str, facts: Facts | None) -> str:
    amount = amount_words(effect.amount, currency, locale, facts)
    phrase = selection_phrase(effect.items, currency, locale)
    if amount is None:
        return f"Personal discount on {phrase}" if phrase else "Personal discount"
    return f"{amount} off {phrase}" if phrase else f"{amount} off"


def unlock(effect: AmountSplit, currency: str, locale: str, facts: Facts | None) -> str:
    return to_get(label(effect, currency, locale, facts))


def banner_words(effect: AmountSplit, text: BannerText) -> str:
    return amount_banner(effect.amount, text)


def banner_number(effect: AmountSplit) -> dict[str, Any] | None:
    return amount_number(effect.amount)


def headline(effect: AmountSplit) -> Headline:
    return Headline(AMOUNT_OFF, SPLIT, effect.amount)


TYPE = EffectType(
    name="amount_split", effect=AmountSplit,
    fields={"amount": ref("amount"), "items": ref("items"), "by": {"enum": ["amount", "quantity"]}},
    required=("amount",), parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words,
    banner_number=banner_number, selectors=item_selectors,
    margin_guard=POOLED,
    headline=headline,
)
