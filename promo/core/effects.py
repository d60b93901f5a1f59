"""The calculation of each discount effect.

`compute(effect, facts, shipping=...)` answers one question: given the cart as it stands now
(`facts.line_totals`, the running per-line totals after earlier offers), what does this
effect take off each line, off shipping, and which free lines does it add?

Rules every effect follows (docs/discount-policy.md explains them for people):
- integer minor units; a computed discount is rounded half-up once, then split with
  `promo.core.money.allocate` (largest remainder, ties to the earlier line), so shares sum exactly;
- a line's share never exceeds its running total, so no line goes below 0 and an order
  discount never exceeds the items subtotal;
- only ShippingDiscount touches shipping;
- unit-level effects see each line's running total spread over its units by largest
  remainder (`spread_units`): 1000 over 3 units is 334, 333, 333.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Callable, Iterable, Sequence

from promo.core.campaign import (
    AmountOffEachLine, AmountOffEachUnit, AmountOffOrder, AmountSplit, BundlePrice, BuyXGetY,
    CheapestItems, Effect, FreeGift, ItemSelector, PercentOffItems, PercentOffOrder,
    ShippingDiscount, Tier, Tiers, UnitPrice, Volume,
)
from promo.core.domain import CartLine
from promo.core.facts import Facts
from promo.core.money import allocate, format_money, percent_of, round_half_up
from promo.core.reasons import Reason
from promo.core.wording import unit_noun
from promo.core.results import Hint

CHEAPEST = "cheapest"
MOST_EXPENSIVE = "most_expensive"


@dataclass(frozen=True)
class Benefit:
    """What one effect gives on the cart as it stands."""

    line_discounts: tuple[int, ...]           # per line of facts.lines
    shipping_discount: int = 0
    added_lines: tuple[CartLine, ...] = ()    # free gifts, each given at 100% off
    reason_if_zero: Reason | None = None      # why nothing was given
    hint: Hint | None = None                  # "Add 2 more items" (the applicator finishes it)
    hint_effect: Effect | None = None         # what the hint unlocks, when not the effect itself

    @property
    def added_value(self) -> int:
        return sum(line.subtotal for line in self.added_lines)

    @property
    def discount(self) -> int:
        """Off the items, free gift lines included."""
        return sum(self.line_discounts) + self.added_value

    @property
    def total(self) -> int:
        return self.discount + self.shipping_discount

    @property
    def gives_something(self) -> bool:
        return self.total > 0 or bool(self.added_lines)


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


def resolve_percent(value: object, facts: Facts) -> Fraction:
    """A fixed percent or a formula's value, held within 0..100."""
    if isinstance(value, (int, Decimal, Fraction)) and not isinstance(value, bool):
        raw = value
    else:
        raw = value.evaluate(facts)  # type: ignore[attr-defined]
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
        for position, share in zip(open_positions, split):
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

def _nothing(facts: Facts, reason: Reason, hint: Hint | None = None,
             hint_effect: Effect | None = None) -> Benefit:
    return Benefit((0,) * len(facts.lines), reason_if_zero=reason, hint=hint,
                   hint_effect=hint_effect)


def _benefit(facts: Facts, shares: dict[int, int], *, hint: Hint | None = None,
             hint_effect: Effect | None = None) -> Benefit:
    discounts = [0] * len(facts.lines)
    for index, amount in shares.items():
        discounts[index] += amount
    reason = None if any(discounts) else Reason.NO_DISCOUNT
    return Benefit(tuple(discounts), reason_if_zero=reason, hint=hint, hint_effect=hint_effect)


def _split_over_lines(facts: Facts, amount: int, indices: Sequence[int], **extra) -> Benefit:
    """An amount split over lines by their running totals, capped at their sum."""
    if not indices:
        return _nothing(facts, Reason.NO_MATCHING_ITEMS)
    weights = [facts.line_totals[i] for i in indices]
    amount = min(amount, sum(weights))
    if amount == 0:
        return _nothing(facts, Reason.NO_DISCOUNT, **extra)
    return _benefit(facts, dict(zip(indices, allocate(amount, weights))), **extra)


def _percent_of_units(facts: Facts, parts: Sequence[UnitGroup], percent: Fraction) -> Benefit:
    """`percent` of the chosen units' running prices: rounded once, split by their prices."""
    weights = [part.price * part.count for part in parts]
    shares: dict[int, int] = {}
    for part, share in zip(parts, allocate(percent_of(sum(weights), percent), weights)):
        shares[part.line] = shares.get(part.line, 0) + share
    return _benefit(facts, shares)


def _quantity_hint(missing: int, have: int, need: int, items: ItemSelector | None = None) -> Hint:
    """"Add 2 more items", or in the words of the selection's label: "Add 1 more coffee bag"."""
    return Hint(message=f"Add {missing} more {unit_noun(items, missing)}", missing_quantity=missing,
                progress=min(1.0, have / need) if need else 0.0)


def _amount_hint(facts: Facts, missing: int, have: int, need: int) -> Hint:
    text = format_money(missing, facts.currency, facts.context.locale, trim_zero_minor=True)
    return Hint(message=f"Add {text} more", missing_amount=missing,
                progress=min(1.0, have / need) if need else 0.0)


# ---- the effects ----

def _amount_off_order(effect: AmountOffOrder, facts: Facts, shipping: int) -> Benefit:
    return _split_over_lines(facts, resolve_amount(effect.amount, facts), range(len(facts.lines)))


def _capped_percent(total: int, percent: Fraction, cap: int | None) -> int:
    amount = percent_of(total, percent)
    return amount if cap is None else min(amount, cap)


def _percent_off_order(effect: PercentOffOrder, facts: Facts, shipping: int) -> Benefit:
    amount = _capped_percent(facts.subtotal, resolve_percent(effect.percent, facts), effect.cap)
    return _split_over_lines(facts, amount, range(len(facts.lines)))


def _percent_off_items(effect: PercentOffItems, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    matching_total = sum(facts.line_totals[i] for i in indices)
    amount = _capped_percent(matching_total, resolve_percent(effect.percent, facts), effect.cap)
    return _split_over_lines(facts, amount, indices)


def _amount_off_each_line(effect: AmountOffEachLine, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    if not indices:
        return _nothing(facts, Reason.NO_MATCHING_ITEMS)
    amount = resolve_amount(effect.amount, facts)
    return _benefit(facts, {i: min(amount, facts.line_totals[i]) for i in indices})


def _amount_off_each_unit(effect: AmountOffEachUnit, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    if not indices:
        return _nothing(facts, Reason.NO_MATCHING_ITEMS)
    amount = resolve_amount(effect.amount, facts)
    shares: dict[int, int] = {}
    for group in unit_groups(facts, indices):
        shares[group.line] = shares.get(group.line, 0) + group.count * min(amount, group.price)
    return _benefit(facts, shares)


def _amount_split(effect: AmountSplit, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    amount = resolve_amount(effect.amount, facts)
    if effect.by != "quantity" or not indices:
        return _split_over_lines(facts, amount, indices)
    caps = [facts.line_totals[i] for i in indices]
    amount = min(amount, sum(caps))
    quantities = [facts.lines[i].quantity for i in indices]
    return _benefit(facts, dict(zip(indices, allocate_capped(amount, quantities, caps))))


def _unit_price(effect: UnitPrice, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    if not indices:
        return _nothing(facts, Reason.NO_MATCHING_ITEMS)
    price = resolve_amount(effect.price, facts)
    shares: dict[int, int] = {}
    # A unit already below the new price keeps its price: this effect never raises one.
    for group in unit_groups(facts, indices):
        shares[group.line] = shares.get(group.line, 0) + group.count * max(0, group.price - price)
    return _benefit(facts, shares)


def _bundle_price(effect: BundlePrice, facts: Facts, shipping: int) -> Benefit:
    """N units for a fixed price, built from the dearest units first (the customer's best deal)."""
    indices = facts.matching(effect.items)
    groups = ranked(unit_groups(facts, indices), MOST_EXPENSIVE)
    size = effect.quantity
    units = units_in(groups)
    if units == 0:
        return _nothing(facts, Reason.NO_MATCHING_ITEMS)
    if units < size:
        return _nothing(facts, Reason.MINIMUM_NOT_MET, _quantity_hint(size - units, units, size, effect.items))
    price = resolve_amount(effect.price, facts)
    bundles = units // size if effect.repeat else 1
    shares: dict[int, int] = {}

    def give(parts: list[UnitGroup], copies: int) -> None:
        weights = [p.price * p.count for p in parts]
        saving = sum(weights) - price
        if saving <= 0:
            return
        for part, share in zip(parts, allocate(saving, weights)):
            shares[part.line] = shares.get(part.line, 0) + share * copies

    queue = [UnitGroup(g.line, g.price, g.count) for g in groups]
    position = 0
    while bundles and position < len(queue):
        head = queue[position]
        if head.count >= size:
            # Whole bundles inside one group are identical: price them once.
            copies = min(bundles, head.count // size)
            give([UnitGroup(head.line, head.price, size)], copies)
            bundles -= copies
            left = head.count - copies * size
            queue[position] = UnitGroup(head.line, head.price, left)
            if left == 0:
                position += 1
            continue
        parts: list[UnitGroup] = []
        needed = size
        while needed and position < len(queue):
            group = queue[position]
            n = min(group.count, needed)
            parts.append(UnitGroup(group.line, group.price, n))
            needed -= n
            queue[position] = UnitGroup(group.line, group.price, group.count - n)
            if queue[position].count == 0:
                position += 1
        give(parts, 1)
        bundles -= 1
    return _benefit(facts, shares)


def _cheapest_items(effect: CheapestItems, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    groups = unit_groups(facts, indices)
    units = units_in(groups)
    if units == 0:
        return _nothing(facts, Reason.NO_MATCHING_ITEMS)
    if effect.every:
        if units < effect.every:
            hint = _quantity_hint(effect.every - units, units, effect.every, effect.items)
            return _nothing(facts, Reason.MINIMUM_NOT_MET, hint)
        count = (units // effect.every) * effect.count
    else:
        count = effect.count
    chosen = take_units(ranked(groups, effect.pick), count)
    return _percent_of_units(facts, chosen, resolve_percent(effect.percent, facts))


def _buy_get_units(
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


def _buy_x_get_y(effect: BuyXGetY, facts: Facts, shipping: int) -> Benefit:
    buy_lines = set(facts.matching(effect.buy_items))
    get_selector = effect.buy_items if effect.get_items is None else effect.get_items
    get_lines = set(facts.matching(get_selector))
    if not buy_lines:
        return _nothing(facts, Reason.NO_MATCHING_ITEMS)
    groups = unit_groups(facts, sorted(buy_lines | get_lines))
    max_repeats = effect.max_repeats if effect.repeat else 1
    chosen, missing = _buy_get_units(groups, buy_lines, get_lines, effect.buy_quantity,
                                     effect.get_quantity, max_repeats, effect.pick)
    if missing:
        need = effect.buy_quantity + effect.get_quantity
        hint = _quantity_hint(missing, need - missing, need)
        return _nothing(facts, Reason.MINIMUM_NOT_MET, hint)
    return _percent_of_units(facts, chosen, resolve_percent(effect.percent, facts))


def _volume(effect: Volume, facts: Facts, shipping: int) -> Benefit:
    """Buy `buy`, get `free` more free: 11 units for "buy 10, get 1 free", per SKU by default."""
    indices = facts.matching(effect.items)
    if not indices:
        return _nothing(facts, Reason.NO_MATCHING_ITEMS)
    pools: dict[str, list[int]] = {}
    for index in indices:
        key = facts.lines[index].sku if effect.per_sku else ""
        pools.setdefault(key, []).append(index)
    chosen: list[UnitGroup] = []
    fewest_missing = None
    for pool in pools.values():
        lines = set(pool)
        picked, missing = _buy_get_units(unit_groups(facts, pool), lines, lines,
                                         effect.buy, effect.free, None, CHEAPEST)
        chosen += picked
        if missing and (fewest_missing is None or missing < fewest_missing):
            fewest_missing = missing
    if not chosen:
        need = effect.buy + effect.free
        hint = _quantity_hint(fewest_missing, need - fewest_missing, need, effect.items)
        return _nothing(facts, Reason.MINIMUM_NOT_MET, hint)
    return _percent_of_units(facts, chosen, Fraction(100))


def _tier_effect(tier: Tier, items: ItemSelector) -> Effect:
    """One tier as an effect of its own, so a hint can name what the next tier gives."""
    whole_order = items == ItemSelector()
    if tier.percent is not None:
        return PercentOffOrder(tier.percent) if whole_order else PercentOffItems(tier.percent, items)
    return AmountOffOrder(tier.amount) if whole_order else AmountSplit(tier.amount, items)


def _tiers(effect: Tiers, facts: Facts, shipping: int) -> Benefit:
    indices = facts.matching(effect.items)
    if not indices:
        return _nothing(facts, Reason.NO_MATCHING_ITEMS)
    running = sum(facts.line_totals[i] for i in indices)
    basis = facts.subtotal_of(effect.items, initial=True) if effect.basis == "initial" else running
    tiers = sorted(effect.tiers, key=lambda t: t.min_subtotal)
    met = [t for t in tiers if basis >= t.min_subtotal]
    upcoming = [t for t in tiers if basis < t.min_subtotal]
    hint = hint_effect = None
    if upcoming:
        target = upcoming[0]
        hint = _amount_hint(facts, target.min_subtotal - basis, basis, target.min_subtotal)
        hint_effect = _tier_effect(target, effect.items)
    if not met:
        return _nothing(facts, Reason.MINIMUM_NOT_MET, hint, hint_effect)
    tier = met[-1]
    if tier.percent is not None:
        amount = percent_of(running, resolve_percent(tier.percent, facts))
    else:
        amount = resolve_amount(tier.amount if tier.amount is not None else 0, facts)
    return _split_over_lines(facts, amount, indices, hint=hint, hint_effect=hint_effect)


def _free_gift(effect: FreeGift, facts: Facts, shipping: int) -> Benefit:
    """The gift's units already in the cart become free; any still missing are added, free."""
    sku = effect.gift.sku
    present = [i for i, line in enumerate(facts.lines) if line.sku == sku]
    groups = take_units(ranked(unit_groups(facts, present), MOST_EXPENSIVE), effect.quantity)
    shares: dict[int, int] = {}
    for group in groups:
        shares[group.line] = shares.get(group.line, 0) + group.price * group.count
    missing = effect.quantity - units_in(groups)
    added = (replace(effect.gift, quantity=missing),) if missing > 0 else ()
    discounts = [0] * len(facts.lines)
    for index, amount in shares.items():
        discounts[index] = amount
    benefit = Benefit(tuple(discounts), added_lines=added)
    if not benefit.gives_something:
        return replace(benefit, reason_if_zero=Reason.NO_DISCOUNT)
    return benefit


def _shipping_discount(effect: ShippingDiscount, facts: Facts, shipping: int) -> Benefit:
    """Percent off the shipping still charged, capped by `amount` when both are given."""
    amount = shipping
    if effect.percent is not None:
        amount = percent_of(shipping, resolve_percent(effect.percent, facts))
    if effect.amount is not None:
        amount = min(amount, resolve_amount(effect.amount, facts))
    no_lines = (0,) * len(facts.lines)
    if amount <= 0:
        return Benefit(no_lines, reason_if_zero=Reason.NO_DISCOUNT)
    return Benefit(no_lines, shipping_discount=amount)


_CALCULATIONS: dict[type, Callable[..., Benefit]] = {
    AmountOffOrder: _amount_off_order,
    PercentOffOrder: _percent_off_order,
    AmountOffEachLine: _amount_off_each_line,
    AmountOffEachUnit: _amount_off_each_unit,
    AmountSplit: _amount_split,
    PercentOffItems: _percent_off_items,
    UnitPrice: _unit_price,
    BundlePrice: _bundle_price,
    CheapestItems: _cheapest_items,
    BuyXGetY: _buy_x_get_y,
    Volume: _volume,
    Tiers: _tiers,
    FreeGift: _free_gift,
    ShippingDiscount: _shipping_discount,
}


def compute(effect: Effect, facts: Facts, shipping: int = 0) -> Benefit:
    """What `effect` gives on the running totals in `facts`; `shipping` is what is still charged."""
    try:
        calculation = _CALCULATIONS[type(effect)]
    except KeyError:
        raise TypeError(f"no calculation for effect {type(effect).__name__}") from None
    return calculation(effect, facts, shipping)
