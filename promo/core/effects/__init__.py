"""The calculation of each discount effect: one module per effect type, and the registry built
from them. `compute(effect, facts, shipping=...)` answers one question: given the cart as it
stands now (`facts.line_totals`, the running per-line totals after earlier offers), what does this
effect take off each line, off shipping, and which free lines does it add?

Rules every effect follows (docs/discount-policy.md explains them for people):
- integer minor units; a computed discount is rounded half-up once, then split with
  `promo.core.money.allocate` (largest remainder, ties to the earlier line), so shares sum exactly;
- a line's share never exceeds its running total, so no line goes below 0 and an order
  discount never exceeds the items subtotal;
- only ShippingDiscount touches shipping;
- unit-level effects see each line's running total spread over its units by largest
  remainder (`spread_units`): 1000 over 3 units is 334, 333, 333.

A new effect type is one new module here (EFFECT, the dataclass it calculates, and
`apply(effect, facts, shipping) -> Benefit`) added to EFFECT_MODULES.
"""
from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from promo.core.campaign import Effect
from promo.core.effects import (
    amount_off_each_line, amount_off_each_unit, amount_off_order, amount_split, bundle_price, buy_x_get_y,
    cheapest_items, free_gift, percent_off_items, percent_off_order, shipping, tiers, unit_price, volume,
)
from promo.core.effects.base import (
    CHEAPEST, MOST_EXPENSIVE, Benefit, UnitGroup, allocate_capped, ranked, resolve_amount, resolve_percent, spread_units,
    take_units, unit_groups, units_in,
)
from promo.core.facts import Facts

__all__ = [
    "CHEAPEST", "EFFECT_MODULES", "MOST_EXPENSIVE", "Benefit", "UnitGroup", "allocate_capped", "compute", "ranked",
    "resolve_amount", "resolve_percent", "spread_units", "take_units", "unit_groups", "units_in",
]

EFFECT_MODULES: tuple[ModuleType, ...] = (
    amount_off_order, percent_off_order, amount_off_each_line, amount_off_each_unit, amount_split,
    percent_off_items, unit_price, bundle_price, cheapest_items, buy_x_get_y, volume, tiers, free_gift, shipping,
)
_CALCULATIONS: dict[type, Callable[[Any, Facts, int], Benefit]] = {module.EFFECT: module.apply for module in EFFECT_MODULES}


def compute(effect: Effect, facts: Facts, shipping: int = 0) -> Benefit:
    """What `effect` gives on the running totals in `facts`; `shipping` is what is still charged."""
    try:
        calculation = _CALCULATIONS[type(effect)]
    except KeyError:
        raise TypeError(f"no calculation for effect {type(effect).__name__}") from None
    return calculation(effect, facts, shipping)
