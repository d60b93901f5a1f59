"""The margin floor: no discount takes a line's net price below what the store must earn on it.

A line's floor is its units' cost plus the floor's margin (a percent of the cost, rounded up to
the minor unit, or an amount per unit), times its quantity. A line without a cost is not
guarded, and no line is when the floor is off. The applicator guards each offer's benefit
against the running line totals, so offers stacked in any order never cross the floor together
either: what an offer can give on a line is what is left above its floor.

- Per-line and per-unit effects give less on a guarded line, and that is all.
- An order-level amount (amount or percent off the order, percent off items, a split, tiers)
  keeps its total where it can: a capped line keeps its floor and the rest is split over the
  effect's other lines by largest remainder (ties to the earlier line), each up to its room.
- A free gift is given away on purpose and is not guarded; shipping has no cost here.

Each effect type says which of these it is (`margin_guard` of its module in promo.core.effects).

docs/discount-policy.md states the rule with worked numbers. Pure: no storage, no clock.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal

from promo.core import campaign as c
from promo.core.domain import CartLine, Context, Customer
from promo.core.effects import compute, effect_type
from promo.core.effects.base import Benefit, allocate_capped
from promo.core.effects.effect_type import PER_UNIT, POOLED, UNGUARDED
from promo.core.facts import Facts
from promo.core.money import format_money
from promo.core.phrases import join_and


def unit_floor(cost: int, floor: c.MarginFloor) -> int | None:
    """The least one unit may sell for, or None when the floor is off."""
    if floor.amount is not None:
        return cost + floor.amount
    if floor.percent is not None:
        margin = (Decimal(cost) * floor.percent / 100).to_integral_value(rounding=ROUND_CEILING)
        return cost + int(margin)
    return None


def line_floor(line: CartLine, floor: c.MarginFloor) -> int | None:
    """The least the whole line may sell for, or None when it is not guarded."""
    if line.cost is None:
        return None
    unit = unit_floor(line.cost, floor)
    return None if unit is None else unit * line.quantity


def line_floors(lines: Sequence[CartLine], floor: c.MarginFloor) -> tuple[int | None, ...]:
    return tuple(line_floor(line, floor) for line in lines)


def headroom(totals: Sequence[int], floors: Sequence[int | None]) -> list[int]:
    """What each line can still give: its running total above its floor (all of it unguarded)."""
    return [total if floor is None else max(0, total - floor) for total, floor in zip(totals, floors, strict=True)]


@dataclass(frozen=True)
class Guarded:
    """An offer's benefit once the floor has had its say."""

    benefit: Benefit
    capped: tuple[int, ...]     # per line: how much the floor took off this offer's share
    moved: int = 0              # of the capped amount, what went to other lines instead

    @property
    def reduced(self) -> int:
        """How much less the offer gives in all than it would without the floor."""
        return sum(self.capped) - self.moved


def guard(effect: c.Effect, benefit: Benefit, facts: Facts, floors: Sequence[int | None]) -> Guarded:
    """The benefit with no line below its floor, and what the floor took off each line."""
    shares = list(benefit.line_discounts)
    none = (0,) * len(shares)
    if effect_type(effect).margin_guard == UNGUARDED or all(f is None for f in floors):
        return Guarded(benefit, none)
    rooms = headroom(facts.line_totals, floors)
    capped = [max(0, share - room) for share, room in zip(shares, rooms, strict=True)]
    if not any(capped):
        return Guarded(benefit, none)
    given = [share - cut for share, cut in zip(shares, capped, strict=True)]
    moved = 0
    if effect_type(effect).margin_guard == POOLED:
        pool = [i for i in _pool(effect, facts) if not capped[i] and rooms[i] > given[i]]
        spare = [rooms[i] - given[i] for i in pool]
        moved = min(sum(capped), sum(spare))
        extra = allocate_capped(moved, [facts.line_totals[i] for i in pool], spare)
        for index, amount in zip(pool, extra, strict=True):
            given[index] += amount
    return Guarded(replace(benefit, line_discounts=tuple(given)), tuple(capped), moved)


def _pool(effect: c.Effect, facts: Facts) -> Sequence[int]:
    items = getattr(effect, "items", None)
    return range(len(facts.lines)) if items is None else facts.matching(items)


def capping_note(effect: c.Effect, guarded: Guarded, facts: Facts) -> str:
    """What the shopper reads where a headline amount was reduced: "$3 on Panama Geisha"; ""
    when the offer still gives its headline amount. It follows the offer's own amount ("you
    save $6.50 (Panama Geisha is at the lowest price we can sell at)"), so an order-level note
    names the lines, not that amount again."""
    if not any(guarded.capped):
        return ""
    currency, locale = facts.currency, facts.context.locale

    def money(amount: int) -> str:
        return format_money(amount, currency, locale, trim_zero_minor=True)

    capped_lines = [i for i, cut in enumerate(guarded.capped) if cut]
    names = [facts.lines[i].name for i in capped_lines]
    if effect_type(effect).margin_guard == POOLED:
        if not guarded.reduced:
            return ""
        verb = "is" if len(names) == 1 else "are"
        return f"{join_and(names)} {verb} at the lowest price we can sell at"
    parts = []
    for index in capped_lines:
        line = facts.lines[index]
        given = guarded.benefit.line_discounts[index]
        if given == 0:
            parts.append(f"nothing on {line.name}")
        elif effect_type(effect).margin_guard == PER_UNIT and line.quantity > 1 and given % line.quantity == 0:
            parts.append(f"{money(given // line.quantity)} each on {line.name}")
        else:
            parts.append(f"{money(given)} on {line.name}")
    return join_and(parts)


def floor_text(floor: c.MarginFloor) -> str:
    """The floor as a definition or setting writes it: "10%", "200" (minor units) or "off"."""
    if floor.amount is not None:
        return str(floor.amount)
    if floor.percent is not None:
        return f"{format(floor.percent.normalize(), 'f')}%"
    return "off"


# ---- what a campaign's orders earned (the console's Margin card) ----

@dataclass(frozen=True)
class OrderLineFigures:
    """One line of a placed order, as the margin report reads it."""

    sku: str
    name: str
    unit_price: int
    quantity: int
    discount: int               # every offer's share on it
    cost: int | None            # one unit's cost when the order was placed


@dataclass(frozen=True)
class CappedSku:
    sku: str
    name: str
    orders: int                 # orders where the floor held this campaign back on the SKU
    amount: int                 # what it kept the campaign from taking, in all


@dataclass(frozen=True)
class MarginReport:
    orders: int = 0
    discount: int = 0           # what this campaign took off the items of its orders
    revenue: int = 0            # what the costed lines of its orders sold for, after every discount
    cost: int = 0               # what those lines cost
    uncosted_lines: int = 0     # lines without a cost: their margin is unknown
    capped_orders: int = 0
    capped_skus: tuple[CappedSku, ...] = ()

    @property
    def margin(self) -> int:
        """The gross margin its orders left (costed lines only)."""
        return self.revenue - self.cost


def margin_report(orders: Sequence[tuple[int, Sequence[int] | None, Sequence[OrderLineFigures]]]) -> MarginReport:
    """From (this campaign's discount, its per-line capped amounts or None, the order's lines)."""
    revenue = cost = uncosted = capped_orders = discount = 0
    capped: dict[str, list] = {}
    for given, line_capped, lines in orders:
        discount += given
        for line in lines:
            if line.cost is None:
                uncosted += 1
                continue
            revenue += line.unit_price * line.quantity - line.discount
            cost += line.cost * line.quantity
        held = [(lines[i], amount) for i, amount in enumerate(line_capped or ()) if amount and i < len(lines)]
        capped_orders += bool(held)
        for line, amount in held:
            entry = capped.setdefault(line.sku, [line.name, 0, 0])
            entry[1] += 1
            entry[2] += amount
    skus = sorted((CappedSku(sku, name, n, amount) for sku, (name, n, amount) in capped.items()),
                  key=lambda s: (-s.amount, s.sku))
    return MarginReport(len(orders), discount, revenue, cost, uncosted, capped_orders, tuple(skus))


# ---- warnings when a campaign is created ----

def margin_warnings(campaign: c.Campaign, products: Sequence[CartLine], store_floor: c.MarginFloor,
                    context: Context) -> list[str]:
    """Where the campaign's headline discount on one unit is more than the margin floor leaves
    on a product it targets: the floor will cap it there. A warning, never a refusal."""
    effect = campaign.effect
    floor = campaign.margin_floor or store_floor
    if effect is None or effect_type(effect).margin_guard == UNGUARDED or floor.off:
        return []
    currency = campaign.currency or "USD"

    def money(amount: int) -> str:
        return format_money(amount, currency, context.locale, trim_zero_minor=True)

    warnings = []
    for product in products:
        one = replace(product, quantity=1)
        least = line_floor(one, floor)
        if least is None:
            continue
        headline = compute(effect, Facts.initial(Customer(), context, (one,), currency), 0).line_discounts[0]
        room = max(0, one.unit_price - least)
        if headline > room:
            warnings.append(f"{money(headline)} off {product.name} ({product.sku}) is more than the "
                            f"{money(room)} its margin floor leaves: the discount will be capped there.")
    return warnings
