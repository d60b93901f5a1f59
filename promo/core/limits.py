"""Redemption limits and budgets as pure decisions over a snapshot of the counters.

The storage layer reads the counters (live, never cached), asks `blocked_reason` whether an
offer may still be used, and enforces the same caps again with conditional UPDATEs inside the
redemption transaction, so a race between the read and the write can never pass a cap.

Per-customer periods are keyed by the store-local date of the redemption:
``day:2026-03-05``, ``week:2026-W10`` (ISO week, Monday first), ``month:2026-03``, and
``total`` for the all-time count. A day therefore ends at the store's midnight, not UTC's.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from promo.core.campaign import Limits
from promo.core.reasons import Reason

TOTAL_KEY = "total"
PERIODS = ("day", "week", "month")


def period_key(period: str, local_now: datetime) -> str:
    """The counter key of `period` containing `local_now` (a datetime in the store's zone)."""
    day = local_now.date()
    if period == "day":
        return f"day:{day.isoformat()}"
    if period == "week":
        iso = day.isocalendar()
        return f"week:{iso.year}-W{iso.week:02d}"
    if period == "month":
        return f"month:{day.year}-{day.month:02d}"
    raise ValueError(f"unknown limit period {period!r}; expected one of {', '.join(PERIODS)}")


def usage_keys(limits: Limits, local_now: datetime) -> tuple[str, ...]:
    """Every per-customer counter a redemption of this campaign increments, `total` first."""
    keys = [TOTAL_KEY]
    for limit in limits.per_customer_periods:
        key = period_key(limit.period, local_now)
        if key not in keys:
            keys.append(key)
    return tuple(keys)


def customer_caps(limits: Limits, local_now: datetime) -> dict[str, int]:
    """period key -> the most redemptions one customer may have in it (the tightest wins)."""
    caps: dict[str, int] = {}
    if limits.per_customer is not None:
        caps[TOTAL_KEY] = limits.per_customer
    for limit in limits.per_customer_periods:
        key = period_key(limit.period, local_now)
        caps[key] = min(caps.get(key, limit.count), limit.count)
    return caps


def needs_customer(limits: Limits) -> bool:
    return limits.per_customer is not None or bool(limits.per_customer_periods)


@dataclass(frozen=True)
class Usage:
    """The counters that decide whether one offer may be redeemed once more."""

    campaign_redemptions: int = 0
    budget_used: int = 0
    order_value_used: int = 0
    code_redemptions: int | None = None                 # None: the offer has no code
    customer: Mapping[str, int] = field(default_factory=dict)  # period key -> count


def blocked_reason(
    limits: Limits,
    usage: Usage,
    *,
    customer_id: str | None,
    local_now: datetime,
    order_value: int = 0,
) -> Reason | None:
    """Why the offer may not be redeemed once more, or None when every limit has room.

    The discount budget is only checked for being used up here; whether this order's discount
    fits the remainder is the applicator's job (it gets `remaining_budget`).
    """
    if limits.per_code is not None and usage.code_redemptions is not None:
        if usage.code_redemptions >= limits.per_code:
            return Reason.QUANTITY_EXCEEDED
    if limits.total is not None and usage.campaign_redemptions >= limits.total:
        return Reason.CAMPAIGN_LIMIT_REACHED
    if limits.budget is not None and usage.budget_used >= limits.budget:
        return Reason.BUDGET_EXHAUSTED
    if limits.order_value_budget is not None:
        if usage.order_value_used + order_value > limits.order_value_budget:
            return Reason.BUDGET_EXHAUSTED
    if needs_customer(limits):
        if customer_id is None:
            return Reason.LOGIN_REQUIRED
        for key, cap in customer_caps(limits, local_now).items():
            if usage.customer.get(key, 0) >= cap:
                return Reason.CUSTOMER_LIMIT_REACHED
    return None


def remaining_budget(limits: Limits, usage: Usage) -> int | None:
    if limits.budget is None:
        return None
    return max(0, limits.budget - usage.budget_used)
