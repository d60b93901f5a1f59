"""The facts conditions and formulas read: customer, context, and the cart as it stands.

The applicator builds one Facts per step of stacking, so `line_totals` is the running state
after the offers applied before this one; `initial_line_totals` is the cart before any offer.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from promo.core.domain import CartLine, Context, Customer, ItemSelector

_LINE_KEYS = ("line keys",)   # Facts.by_lines: which lines have each SKU, category, collection


def _lines_by_key(lines: tuple[CartLine, ...]) -> dict[tuple[str, str], list[int]]:
    found: dict[tuple[str, str], list[int]] = {}
    for index, line in enumerate(lines):
        found.setdefault(("sku", line.sku), []).append(index)
        for category in line.categories:
            found.setdefault(("category", category), []).append(index)
        for collection in line.collections:
            found.setdefault(("collection", collection), []).append(index)
    return found


@dataclass(frozen=True)
class LineFacts:
    """The line a per-line formula is computing for: `item.price` ... in formulas."""

    price: int              # one unit's price before any offer
    cost: int | None        # one unit's cost; None when the catalogue has none
    quantity: int

    @property
    def margin(self) -> int | None:
        return None if self.cost is None else self.price - self.cost


@dataclass(frozen=True)
class Facts:
    customer: Customer
    context: Context
    lines: tuple[CartLine, ...]
    line_totals: tuple[int, ...]
    initial_line_totals: tuple[int, ...]
    currency: str = "USD"
    codes: frozenset[str] = frozenset()   # normalised codes the shopper entered
    item: LineFacts | None = None         # set only while a per-line effect computes one line
    # What depends on the lines alone (which lines a selection matches, their margin floors),
    # worked out once and shared by every step of stacking: the lines never change, only totals.
    by_lines: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def initial(
        cls,
        customer: Customer,
        context: Context,
        lines: tuple[CartLine, ...],
        currency: str = "USD",
        codes: frozenset[str] = frozenset(),
    ) -> Facts:
        totals = tuple(line.subtotal for line in lines)
        return cls(customer, context, lines, totals, totals, currency, codes)

    def with_totals(self, line_totals: tuple[int, ...]) -> Facts:
        return Facts(
            self.customer, self.context, self.lines, line_totals,
            self.initial_line_totals, self.currency, self.codes, by_lines=self.by_lines,
        )

    def for_line(self, index: int) -> Facts:
        line = self.lines[index]
        return replace(self, item=LineFacts(line.unit_price, line.cost, line.quantity))

    @property
    def subtotal(self) -> int:
        return sum(self.line_totals)

    @property
    def initial_subtotal(self) -> int:
        return sum(self.initial_line_totals)

    @property
    def items_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    def matching(self, selector: ItemSelector) -> tuple[int, ...]:
        """The indices of the lines `selector` matches, in line order. Shared by every step of
        stacking (the lines never change): callers read it, never change it."""
        found = self.by_lines.get(selector)
        if found is None:
            found = self.by_lines[selector] = self._select(selector)
        return found

    def _select(self, selector: ItemSelector) -> tuple[int, ...]:
        named = len(selector.skus) + len(selector.categories) + len(selector.collections)
        if not named or named > len(self.lines):
            return tuple(i for i, line in enumerate(self.lines) if selector.matches(line))
        # A selection naming a few SKUs or categories: only the lines with one of them can match,
        # found through the lines' keys rather than by asking every line of a long cart.
        by_key = self.by_lines.get(_LINE_KEYS)
        if by_key is None:
            by_key = self.by_lines[_LINE_KEYS] = _lines_by_key(self.lines)
        near: set[int] = set()
        for kind, values in (("sku", selector.skus), ("category", selector.categories),
                             ("collection", selector.collections)):
            for value in values:
                near.update(by_key.get((kind, value), ()))
        return tuple(i for i in sorted(near) if selector.matches(self.lines[i]))

    def quantity_of(self, selector: ItemSelector) -> int:
        return sum(self.lines[i].quantity for i in self.matching(selector))

    def subtotal_of(self, selector: ItemSelector, *, initial: bool = False) -> int:
        totals = self.initial_line_totals if initial else self.line_totals
        return sum(totals[i] for i in self.matching(selector))
