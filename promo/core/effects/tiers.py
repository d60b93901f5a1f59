"""`tiers`: spend more, save more: the highest spending tier met gives its percentage or amount."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from promo.core.domain import ItemSelector
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.amount_split import AmountSplit
from promo.core.effects.base import (
    Benefit,
    amount_hint,
    item_selectors,
    nothing,
    resolve_amount,
    resolve_percent,
    split_over_lines,
)
from promo.core.effects.effect_type import POOLED, BannerText, Effect, EffectType
from promo.core.effects.percent_off_items import PercentOffItems
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.facts import Facts
from promo.core.formula import Amount, Percent
from promo.core.json_schema import closed, money, ref
from promo.core.money import percent_of
from promo.core.phrases import amount_words, percent_words, scope_suffix
from promo.core.phrases import money as money_text
from promo.core.reading import (
    Problems,
    join_path,
    read_amount,
    read_choice,
    read_fields,
    read_money,
    read_optional_selector,
    read_percent_value,
    show_value,
)
from promo.core.reasons import Reason


@dataclass(frozen=True)
class Tier:
    min_subtotal: int
    percent: Percent | None = None
    amount: Amount | None = None


@dataclass(frozen=True)
class Tiers(Effect):
    tiers: tuple[Tier, ...]                 # ascending by min_subtotal; the highest tier met applies
    items: ItemSelector = ItemSelector()
    basis: str = "running"                  # "running" subtotal after earlier offers, or "initial"


def _tier(raw: Any, path: str, p: Problems) -> Tier | None:
    before = len(p)
    fields = read_fields(raw, path, p, ("min_subtotal", "percent", "amount"), ("min_subtotal",))
    if fields is None:
        return None
    minimum = read_money(fields["min_subtotal"], join_path(path, "min_subtotal"), p) if "min_subtotal" in fields else None
    has_percent, has_amount = "percent" in fields, "amount" in fields
    if has_percent == has_amount:
        p.add(path, "needs exactly one of percent or amount")
    percent = read_percent_value(fields["percent"], join_path(path, "percent"), p) if has_percent else None
    amount = read_amount(fields["amount"], join_path(path, "amount"), p) if has_amount else None
    return Tier(minimum, percent, amount) if minimum is not None and len(p) == before else None


def parse(fields: dict[str, Any], path: str, p: Problems) -> Tiers | None:
    raw = fields["tiers"]
    tiers_path = join_path(path, "tiers")
    tiers: list[Tier] = []
    if not isinstance(raw, list) or not raw:
        p.add(tiers_path, f"must be a list of tiers, got {show_value(raw)}")
    elif len(raw) > 50:
        p.add(tiers_path, "must have at most 50 tiers")
    else:
        parsed = [_tier(item, join_path(tiers_path, i), p) for i, item in enumerate(raw)]
        tiers = [tier for tier in parsed if tier is not None]
        if len(tiers) == len(parsed):
            for i in range(1, len(tiers)):
                if tiers[i].min_subtotal <= tiers[i - 1].min_subtotal:
                    p.add(join_path(join_path(tiers_path, i), "min_subtotal"),
                          f"tiers must go up: {tiers[i].min_subtotal} is not above {tiers[i - 1].min_subtotal}")
    basis = read_choice(fields.get("basis", "running"), join_path(path, "basis"), p, ("running", "initial"))
    items = read_optional_selector(fields, "items", path, p)
    return None if basis is None or items is None else Tiers(tuple(tiers), items, basis)


def _tier_effect(tier: Tier, items: ItemSelector) -> Effect:
    """One tier as an effect of its own, so a hint can name what the next tier gives."""
    whole_order = items == ItemSelector()
    if tier.percent is not None:
        return PercentOffOrder(tier.percent) if whole_order else PercentOffItems(tier.percent, items)
    amount = tier.amount if tier.amount is not None else 0
    return AmountOffOrder(amount) if whole_order else AmountSplit(amount, items)


def apply(effect: Tiers, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    if not indices:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    running = sum(facts.line_totals[i] for i in indices)
    basis = facts.subtotal_of(effect.items, initial=True) if effect.basis == "initial" else running
    tiers = sorted(effect.tiers, key=lambda t: t.min_subtotal)
    met = [t for t in tiers if basis >= t.min_subtotal]
    upcoming = [t for t in tiers if basis < t.min_subtotal]
    hint = hint_effect = None
    if upcoming:
        target = upcoming[0]
        hint = amount_hint(facts, target.min_subtotal - basis, basis, target.min_subtotal)
        hint_effect = _tier_effect(target, effect.items)
    if not met:
        return nothing(facts, Reason.MINIMUM_NOT_MET, hint, hint_effect)
    tier = met[-1]
    if tier.percent is not None:
        amount = percent_of(running, resolve_percent(tier.percent, facts))
    else:
        amount = resolve_amount(tier.amount if tier.amount is not None else 0, facts)
    return split_over_lines(facts, amount, indices, hint=hint, hint_effect=hint_effect)


def label(effect: Tiers, currency: str, locale: str, facts: Facts | None) -> str:
    steps = []
    for tier in effect.tiers:
        if tier.percent is not None:
            value = percent_words(tier.percent, facts)
        else:
            value = amount_words(tier.amount, currency, locale, facts)
        steps.append(f"spend {money_text(tier.min_subtotal, currency, locale)}, get {value or 'a personal discount'} off")
    text = "; ".join(steps)
    return text[:1].upper() + text[1:] + scope_suffix(effect.items, currency, locale)


def unlock(effect: Tiers, currency: str, locale: str, facts: Facts | None) -> str:
    shown = label(effect, currency, locale, facts)
    return f"for the tiered discount ({shown[:1].lower()}{shown[1:]})"


def banner_words(effect: Tiers, text: BannerText) -> str:
    top = effect.tiers[-1]
    value = text.top_percent(top.percent) if top.percent is not None else text.top_amount(top.amount)
    if value is None:
        return "SPEND MORE, SAVE MORE"
    return f"{value} OFF" if len(effect.tiers) == 1 else f"UP TO {value} OFF"


_TIER = closed({"min_subtotal": money(), "percent": ref("percent_value"), "amount": ref("amount")},
               ("min_subtotal",), oneOf=[{"required": ["percent"]}, {"required": ["amount"]}])

TYPE = EffectType(
    name="tiers", effect=Tiers,
    fields={"tiers": {"type": "array", "items": _TIER, "minItems": 1, "maxItems": 50}, "items": ref("items"),
            "basis": {"enum": ["running", "initial"]}},
    required=("tiers",), parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words,
    selectors=item_selectors,
    margin_guard=POOLED,
    on_order=True,   # a discount on the order by its subtotal
)
