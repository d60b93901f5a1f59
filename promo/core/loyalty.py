"""Loyalty points: what an order earns by a programme's rules, and its rewards catalogue.

A line earns on what was paid for it (after discounts; shipping earns nothing), counted as
many times as the highest multiplier among its categories. The order's weighted spend earns
``points_per_unit`` for every full ``unit``. Pure: promo.services.loyalty keeps the balances.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from promo.core.campaign import Campaign, Effect


@dataclass(frozen=True)
class EarningRules:
    points_per_unit: int
    unit: int = 100
    multipliers: Mapping[str, int] = field(default_factory=dict)

    def multiplier(self, categories: Iterable[str]) -> int:
        return max((self.multipliers.get(category.casefold(), 1) for category in categories), default=1)


@dataclass(frozen=True)
class PaidLine:
    amount: int                  # what the shopper paid for the line, after discounts
    categories: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reward:
    """One entry of a programme's catalogue; `number` is its 1-based position, its id."""

    number: int
    name: str
    points: int
    effect: Effect


def earning_rules(campaign: Campaign) -> EarningRules:
    section: Mapping[str, Any] = campaign.options.get("loyalty") or {}
    return EarningRules(section.get("points_per_unit", 1), section.get("unit", 100), dict(section.get("multipliers") or {}))


def rewards(campaign: Campaign) -> tuple[Reward, ...]:
    section: Mapping[str, Any] = campaign.options.get("loyalty") or {}
    return tuple(
        Reward(number, item["name"], item["points"], item["effect"])
        for number, item in enumerate(section.get("rewards") or (), 1)
    )


def points_earned(lines: Iterable[PaidLine], rules: EarningRules) -> int:
    weighted = sum(max(line.amount, 0) * rules.multiplier(line.categories) for line in lines)
    return weighted // rules.unit * rules.points_per_unit
