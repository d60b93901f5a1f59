"""Builders for the storage tests: carts, customers, campaign definitions and threads released together
(the settable clock and the store zone come from tests/dbkit.py)."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from promo.domain import Cart, CartLine, Customer

T = TypeVar("T")


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
