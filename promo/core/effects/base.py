"""What the effect types share: fixed or formula values, units, shares and hints, and the
readers, words and banner numbers several types use. Each effect type is a module of
promo.core.effects.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from promo.core.domain import ItemSelector
from promo.core.effects.effect_type import BannerText, Benefit, Effect
from promo.core.facts import Facts
from promo.core.formula import Amount, Percent
from promo.core.money import allocate, format_money, percent_of, round_half_up
from promo.core.phrases import money, percent_words, unit_noun
from promo.core.reading import Problems, join_path, read_bool, read_money
from promo.core.reasons import Reason
from promo.core.results import Hint

CHEAPEST = "cheapest"
MOST_EXPENSIVE = "most_expensive"
PICKS = (CHEAPEST, MOST_EXPENSIVE)


@dataclass(frozen=True, slots=True)
class UnitGroup:
    """`count` units of cart line `line`, each at the running price `price`."""

    line: int
    price: int
    count: int


# ---- values: fixed or formula ----

def resolve_amount(value: object, facts: Facts) -> int:
    """A fixed amount, or a formula's value rounded half-up; never negative."""
    if isinstance(value, int) and not isinstance(value, bool):
        return max(0, value)
    raw = value.evaluate(facts)  # type: ignore[attr-defined]
    return max(0, round_half_up(Fraction(raw)))


def resolve_line_amount(value: object, facts: Facts, index: int) -> int:
    """resolve_amount for one line: a formula may read the line (item.price, item.cost, ...);
    a fixed amount needs no facts of the line made for it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return max(0, value)
    return resolve_amount(value, facts.for_line(index))


def resolve_percent(value: object, facts: Facts) -> Fraction:
    """A fixed percent or a formula's value, held within 0..100."""
    if isinstance(value, (int, Decimal, Fraction)) and not isinstance(value, bool):
        return _fixed_percent(value)
    return _held_percent(value.evaluate(facts))  # type: ignore[attr-defined]


@lru_cache(maxsize=4096)
def _fixed_percent(value: int | Decimal | Fraction) -> Fraction:
    """A definition's fixed percent as a Fraction, made once per value rather than per cart."""
    return _held_percent(value)


def _held_percent(raw: Any) -> Fraction:
    return min(max(Fraction(raw), Fraction(0)), Fraction(100))


# ---- money splitting ----

def allocate_capped(total: int, weights: Sequence[int], caps: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights`, no share above its cap.

    What a capped line cannot take is split again over the others, so the shares still sum
    to `total` (which must not exceed sum(caps)).
    """
    if total > sum(caps):
        raise ValueError("cannot allocate more than the caps allow")
    shares = [0] * len(weights)
    open_positions = [i for i, cap in enumerate(caps) if cap > 0 and weights[i] > 0]
    remaining = total
    while remaining and open_positions:
        split = allocate(remaining, [weights[i] for i in open_positions])
        still_open = []
        for position, share in zip(open_positions, split, strict=True):
            given = min(share, caps[position] - shares[position])
            shares[position] += given
            remaining -= given
            if shares[position] < caps[position]:
                still_open.append(position)
        open_positions = still_open
    if remaining:
        # Lines with a cap but no weight take what nobody else could.
        for position, cap in enumerate(caps):
            given = min(remaining, cap - shares[position])
            shares[position] += given
            remaining -= given
    return shares


def spread_units(total: int, quantity: int) -> list[tuple[int, int]]:
    """A line's running total as (unit price, count) pairs, dearer units first.

    Largest remainder over equal weights: 1000 over 3 units is one unit at 334 and two at 333.
    """
    base, extra = divmod(total, quantity)
    groups = []
    if extra:
        groups.append((base + 1, extra))
    if quantity - extra:
        groups.append((base, quantity - extra))
    return groups


def unit_groups(facts: Facts, indices: Iterable[int]) -> list[UnitGroup]:
    groups = []
    for index in indices:
        for price, count in spread_units(facts.line_totals[index], facts.lines[index].quantity):
            groups.append(UnitGroup(index, price, count))
    return groups


def ranked(groups: Iterable[UnitGroup], pick: str) -> list[UnitGroup]:
    """Units in the order an effect picks them; equal prices go to the earlier line."""
    if pick == MOST_EXPENSIVE:
        return sorted(groups, key=lambda g: (-g.price, g.line))
    return sorted(groups, key=lambda g: (g.price, g.line))


def take_units(groups: Iterable[UnitGroup], count: int) -> list[UnitGroup]:
    """The first `count` units of already ranked groups."""
    taken = []
    for group in groups:
        if count <= 0:
            break
        n = min(group.count, count)
        taken.append(UnitGroup(group.line, group.price, n))
        count -= n
    return taken


def units_in(groups: Iterable[UnitGroup]) -> int:
    return sum(group.count for group in groups)


# ---- building benefits ----

def nothing(facts: Facts, reason: Reason, hint: Hint | None = None,
             hint_effect: Effect | None = None) -> Benefit:
    return Benefit((0,) * len(facts.lines), reason_if_zero=reason, hint=hint,
                   hint_effect=hint_effect)


def benefit_of(facts: Facts, shares: Mapping[int, int] | Iterable[tuple[int, int]], *, hint: Hint | None = None,
               hint_effect: Effect | None = None) -> Benefit:
    """The benefit giving each (line index, amount) share; a line may get several."""
    discounts = [0] * len(facts.lines)
    for index, amount in shares.items() if isinstance(shares, Mapping) else shares:
        discounts[index] += amount
    reason = None if any(discounts) else Reason.NO_DISCOUNT
    return Benefit(tuple(discounts), reason_if_zero=reason, hint=hint, hint_effect=hint_effect)


def split_over_lines(facts: Facts, amount: int, indices: Sequence[int], **extra) -> Benefit:
    """An amount split over lines by their running totals, capped at their sum."""
    if not indices:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    amount = split_total(facts, amount, indices)
    if amount == 0:
        return nothing(facts, Reason.NO_DISCOUNT, **extra)
    weights = [facts.line_totals[i] for i in indices]
    return benefit_of(facts, zip(indices, allocate(amount, weights), strict=True), **extra)


def split_total(facts: Facts, amount: int, indices: Sequence[int]) -> int:
    """What split_over_lines(facts, amount, indices) gives in all, without splitting it: the
    amount, capped at the lines' running totals (allocate's shares sum to it exactly)."""
    return min(amount, sum(facts.line_totals[i] for i in indices))


def percent_of_units(facts: Facts, parts: Sequence[UnitGroup], percent: Fraction) -> Benefit:
    """`percent` of the chosen units' running prices: rounded once, split by their prices."""
    weights = [part.price * part.count for part in parts]
    shares: dict[int, int] = {}
    for part, share in zip(parts, allocate(percent_of(sum(weights), percent), weights), strict=True):
        shares[part.line] = shares.get(part.line, 0) + share
    return benefit_of(facts, shares)


def quantity_hint(missing: int, have: int, need: int, items: ItemSelector | None = None) -> Hint:
    """"Add 2 more items", or in the words of the selection's label: "Add 1 more coffee bag"."""
    return Hint(message=f"Add {missing} more {unit_noun(items, missing)}", missing_quantity=missing,
                progress=min(1.0, have / need) if need else 0.0)


def amount_hint(facts: Facts, missing: int, have: int, need: int) -> Hint:
    text = format_money(missing, facts.currency, facts.context.locale, trim_zero_minor=True)
    return Hint(message=f"Add {text} more", missing_amount=missing,
                progress=min(1.0, have / need) if need else 0.0)


def capped_percent(total: int, percent: Fraction, cap: int | None) -> int:
    amount = percent_of(total, percent)
    return amount if cap is None else min(amount, cap)


def buy_get_units(
    groups: Sequence[UnitGroup], buy_lines: set[int], get_lines: set[int],
    buy_quantity: int, get_quantity: int, max_repeats: int | None, pick: str,
) -> tuple[list[UnitGroup], int]:
    """The units given at a discount, and how many more units one repetition still needs.

    A unit is either bought or given, never both. Repetitions are limited by the buy units,
    the get units and by all the units the two selections share.
    """
    buy_units = sum(g.count for g in groups if g.line in buy_lines)
    get_units = sum(g.count for g in groups if g.line in get_lines)
    all_units = sum(g.count for g in groups if g.line in buy_lines or g.line in get_lines)
    repeats = min(buy_units // buy_quantity, get_units // get_quantity,
                  all_units // (buy_quantity + get_quantity))
    if max_repeats is not None:
        repeats = min(repeats, max_repeats)
    if repeats == 0:
        missing = max(buy_quantity - buy_units, get_quantity - get_units,
                      buy_quantity + get_quantity - all_units, 1)
        return [], missing
    needed = repeats * get_quantity
    # Units the buy side can spare to the get side once every repetition has its buy units.
    spare = buy_units - repeats * buy_quantity
    chosen = []
    for group in ranked((g for g in groups if g.line in get_lines), pick):
        if needed == 0:
            break
        n = min(group.count, needed)
        if group.line in buy_lines:
            n = min(n, spare)
            spare -= n
        if n:
            chosen.append(UnitGroup(group.line, group.price, n))
            needed -= n
    return chosen, 0


# ---- reading keys several types share ----

def read_cap(fields: dict[str, Any], path: str, p: Problems) -> int | None:
    return read_money(fields["cap"], join_path(path, "cap"), p, minimum=1) if "cap" in fields else None


def read_flag(fields: dict[str, Any], key: str, default: bool, path: str, p: Problems) -> bool | None:
    return read_bool(fields[key], join_path(path, key), p) if key in fields else default


def item_selectors(effect: Any, hints: bool) -> tuple[ItemSelector, ...]:
    """An effect that gives nothing unless a cart line matches its `items`."""
    return (effect.items,)


# ---- words several types share ----

def percent_off(percent: Percent, facts: Facts | None) -> str:
    """"20% off", or "Personal discount" while a formula's value is unknown."""
    shown = percent_words(percent, facts)
    return f"{shown} off" if shown else "Personal discount"


def up_to(cap: int | None, currency: str, locale: str) -> str:
    """", up to $50" after a capped percentage."""
    return "" if cap is None else f", up to {money(cap, currency, locale)}"


def percent_banner(percent: Percent, cap: int | None, text: BannerText) -> str:
    """"20% OFF"; a capped percentage promises less than its number alone: "20% OFF, UP TO $50"."""
    shown = text.percent(percent)
    label = text.off_label(shown) if shown else "PERSONAL DISCOUNT"
    return label if cap is None else f"{label}, UP TO {text.amount(cap)}"


def amount_banner(amount: Amount, text: BannerText) -> str:
    shown = text.amount(amount)
    return text.off_label(shown) if shown else "PERSONAL DISCOUNT"


def percent_number(percent: Percent, cap: int | None) -> dict[str, Any] | None:
    """One fixed, uncapped percent states the offer: the banner formats it."""
    if isinstance(percent, Decimal) and cap is None:
        return {"percent": int(percent) if percent == percent.to_integral_value() else percent}
    return None


def amount_number(amount: Amount) -> dict[str, Any] | None:
    return {"amount_minor": amount} if isinstance(amount, int) else None
