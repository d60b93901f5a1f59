"""Builders for the storage tests: a settable clock, carts, customers and campaign definitions."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from promo.domain import Cart, CartLine, Customer

T = TypeVar("T")
STORE_TIMEZONE = "America/New_York"
STORE_ZONE = ZoneInfo(STORE_TIMEZONE)


class Clock:
    """The engine's clock; tests move it. Thread-safe enough for reads during concurrency tests."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


def start_of_test() -> datetime:
    """Thursday 5 March 2026, 15:00 in New York."""
    return datetime(2026, 3, 5, 15, 0, tzinfo=STORE_ZONE).astimezone(timezone.utc)


def cart(*lines: tuple[str, int, int], shipping: int = 0) -> Cart:
    """cart(("beans", 2000, 2)) -> two bags of beans at $20."""
    return Cart(tuple(CartLine(sku, sku.title(), price, qty) for sku, price, qty in lines), "USD", shipping)


CART_40 = cart(("beans", 2000, 2))        # $40.00
CART_100 = cart(("grinder", 10_000, 1))   # $100.00


def customer(customer_id: str, **fields: Any) -> Customer:
    return Customer(id=customer_id, **fields)


def coupon(campaign_id: str, code: str, *, amount: int = 500, limits: dict | None = None, **extra: Any) -> dict:
    definition = {
        "id": campaign_id,
        "name": campaign_id.replace("-", " ").title(),
        "kind": "coupon",
        "code": code,
        "effect": {"type": "amount_off_order", "amount": amount},
        **extra,
    }
    if limits:
        definition["limits"] = limits
    return definition


def bulk(campaign_id: str, *, pattern: str = "SORRY-########", amount: int = 1000, limits: dict | None = None, **extra: Any) -> dict:
    definition = {
        "id": campaign_id,
        "name": campaign_id.replace("-", " ").title(),
        "kind": "bulk",
        "codes": {"pattern": pattern},
        "effect": {"type": "amount_off_order", "amount": amount},
        **extra,
    }
    if limits:
        definition["limits"] = limits
    return definition


def promotion(campaign_id: str, *, amount: int = 500, limits: dict | None = None, **extra: Any) -> dict:
    definition = {
        "id": campaign_id,
        "name": campaign_id.replace("-", " ").title(),
        "kind": "promotion",
        "effect": {"type": "amount_off_order", "amount": amount},
        **extra,
    }
    if limits:
        definition["limits"] = limits
    return definition


def run_together(count: int, task: Callable[[int], T]) -> list[T | BaseException]:
    """Run task(0..count-1) on `count` real threads released at the same moment.

    Returns each call's result or the exception it raised, in index order.
    """
    barrier = threading.Barrier(count)

    def call(index: int) -> T | BaseException:
        barrier.wait()
        try:
            return task(index)
        except BaseException as error:  # collected, so the test can count the outcomes
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(call, range(count)))
