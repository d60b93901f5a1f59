"""Readers of definition values that are campaign settings rather than plain values: the margin
floor, read from a definition (`margin_floor:`), a store setting or a form. The plain field
readers are promo.core.reading."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from promo.core import campaign as c
from promo.core.reading import Problems, read_money, show_value

MARGIN_FLOOR_EXAMPLE = 'a percent above cost like "10%", an amount of minor units per unit like 200, or off'


def read_margin_floor(raw: Any, path: str, p: Problems) -> c.MarginFloor | None:
    """`margin_floor:` "10%" (a percent of the cost), 200 (minor units per unit) or off."""
    if raw is False or (isinstance(raw, str) and raw.strip().lower() == "off"):
        return c.MARGIN_FLOOR_OFF
    if isinstance(raw, int) and not isinstance(raw, bool):
        amount = read_money(raw, path, p)
        return None if amount is None else c.MarginFloor(amount=amount)
    if isinstance(raw, str) and raw.strip().endswith("%"):
        try:
            percent = Decimal(raw.strip()[:-1].strip())
        except (InvalidOperation, ValueError):
            percent = None
        if percent is not None and percent.is_finite() and 0 <= percent <= 1000:
            return c.MarginFloor(percent=percent)
    p.add(path, f"must be {MARGIN_FLOOR_EXAMPLE}, got {show_value(raw)}")
    return None


def parse_margin_floor(raw: Any) -> c.MarginFloor:
    """A margin floor from a setting or a form; ValueError with the reason otherwise."""
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())   # typed into a form or an environment variable: minor units
    floor = read_margin_floor(raw, "margin_floor", Problems())
    if floor is None:
        raise ValueError(f"margin floor {MARGIN_FLOOR_EXAMPLE}, got {show_value(raw)}")
    return floor
