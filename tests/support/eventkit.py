"""Builders for the event tests: customers, campaigns, carts, rules (the settable clock comes
from tests/dbkit.py)."""
from __future__ import annotations

from datetime import date
from typing import Any

from promo.core.domain import Cart, CartLine, Customer
from promo.engine import Engine

TODAY = date(2026, 3, 5)


def cart(*lines: tuple[str, int, int]) -> Cart:
    return Cart(tuple(CartLine(sku, sku.title(), price, qty) for sku, price, qty in lines), "USD")


CART_40 = cart(("beans", 2000, 2))
CART_120 = cart(("grinder", 12_000, 1))


def reward_campaign(engine: Engine, campaign_id: str = "thanks", codes: int = 20) -> str:
    """A bulk campaign with `codes` unassigned codes: what rules publish from."""
    engine.create_campaign({
        "id": campaign_id, "name": campaign_id.title(), "kind": "bulk",
        "codes": {"pattern": f"{campaign_id.upper()[:6]}-######"},
        "effect": {"type": "amount_off_order", "amount": 500}, "limits": {"per_code": 1},
    })
    if codes:
        engine.generate_codes(campaign_id, codes)
    return campaign_id


def add_customer(engine: Engine, customer_id: str, **fields: Any) -> Customer:
    fields.setdefault("email", f"{customer_id}@example.com")
    return engine.upsert_customer(Customer(id=customer_id, **fields))


def rule(rule_id: str, event: str, publish: str = "thanks", **extra: Any) -> dict[str, Any]:
    return {"id": rule_id, "name": rule_id.replace("-", " ").title(), "event": event, "publish": publish, **extra}


def wallet(engine: Engine, customer_id: str, campaign_id: str = "thanks") -> list[str]:
    return [c.code for c in engine.customer_codes(customer_id) if c.campaign_id == campaign_id]
