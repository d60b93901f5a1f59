"""Builders for the storage tests: carts, customers, campaign definitions and threads released together
(the settable clock and the store zone come from tests/dbkit.py)."""
from __future__ import annotations

from typing import Any

from promo.core.domain import Cart, CartLine, Customer
from tests.support.threadkit import run_together  # noqa: F401 - the storage tests import it from here


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

