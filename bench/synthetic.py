"""A synthetic store for the benchmarks: a catalogue, a 20-line cart, and campaigns of which a
chosen number touch that cart.

Campaign definitions are ordinary ones (validated by Engine.parse); they are written with one
bulk INSERT instead of 10,000 create_campaign calls (each its own transaction with an audit row
and an outbox event), which would time the set-up rather than the engine.
"""
from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from promo.core.campaign import DEFAULT_CHARSET  # noqa: E402
from promo.core.codes import normalise_code  # noqa: E402
from promo.core.domain import Cart, CartLine, Customer  # noqa: E402
from promo.core.records import Product  # noqa: E402
from promo.engine import Engine  # noqa: E402
from promo.storage import create_schema, make_engine, make_session_factory  # noqa: E402
from promo.storage.counters import campaign_capped  # noqa: E402
from promo.storage.models import CampaignRow, CodeRow, ProductRow  # noqa: E402

CATALOGUE = 2_000          # products; the cart holds the first CART_LINES of them
CATEGORIES = 200
CART_LINES = 20
CREATED = datetime(2026, 1, 1, tzinfo=UTC)
SHOPPER = Customer(id="bench-shopper", segments=frozenset({"regulars"}), orders_count=4, total_spent=40_000)


def sku(number: int) -> str:
    return f"SKU-{number:05d}"


def category(number: int) -> str:
    return f"cat-{number % CATEGORIES:03d}"


def products() -> list[Product]:
    return [Product(sku=sku(n), name=f"Product {n}", price=500 + (n * 37) % 5000, categories=(category(n),))
            for n in range(CATALOGUE)]


def cart(lines: int = CART_LINES) -> Cart:
    return Cart(tuple(CartLine(p.sku, p.name, p.price, 1 + n % 3, frozenset(p.categories))
                      for n, p in enumerate(products()[:lines])), "USD", shipping=595)


# Bulk codes as a generator would make them, from the generator's own alphabet.
CODE_ALPHABET = DEFAULT_CHARSET


def code_for(number: int) -> str:
    """Distinct codes that look random: a multiplier prime to 29 is a bijection modulo 29^10."""
    value = (number * 2_654_435_761 + 97) % len(CODE_ALPHABET) ** 10
    chars = []
    for _ in range(10):
        value, digit = divmod(value, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[digit])
    return "MAIL-" + "".join(chars)


def touching(number: int) -> dict:
    """An offer this cart can get: on one of its SKUs or categories, storewide, or shipping."""
    shape = number % 5
    base = {"id": f"touch-{number:05d}", "name": f"Cart offer {number}", "kind": "promotion"}
    if shape == 0:
        return {**base, "effect": {"type": "percent_off_items", "percent": 5, "items": {"skus": [sku(number % CART_LINES)]}}}
    if shape == 1:
        return {**base, "effect": {"type": "amount_off_each_unit", "amount": 20,
                                   "items": {"categories": [category(number % CART_LINES)]}}}
    if shape == 2:
        return {**base, "eligibility": {"fact": "cart.subtotal", "gte": 1000 + number * 100},
                "effect": {"type": "percent_off_order", "percent": 1}}
    if shape == 3:
        return {**base, "effect": {"type": "buy_x_get_y", "percent": 50,
                                   "buy": {"quantity": 2, "items": {"skus": [sku(number % CART_LINES)]}},
                                   "get": {"quantity": 1, "items": {"skus": [sku(number % CART_LINES)]}}}}
    return {**base, "eligibility": {"fact": "customer.segment", "is": "regulars"},
            "effect": {"type": "amount_off_order", "amount": 100}, "limits": {"per_customer": 5}}


def elsewhere(number: int) -> dict:
    """An offer about other products, categories or customers: it cannot apply to this cart."""
    shape = number % 4
    other = CART_LINES + number % (CATALOGUE - CART_LINES)
    base = {"id": f"other-{number:05d}", "name": f"Other offer {number}", "kind": "promotion"}
    if shape == 0:
        return {**base, "effect": {"type": "percent_off_items", "percent": 10, "items": {"skus": [sku(other)]}}}
    if shape == 1:
        # Categories of products 20..199 (the cart's lines sit in categories 0..19).
        return {**base, "effect": {"type": "percent_off_items", "percent": 15,
                                   "items": {"categories": [category(CART_LINES + number % (CATEGORIES - CART_LINES))]}}}
    if shape == 2:
        return {**base, "eligibility": {"fact": "customer.segment", "is": f"segment-{number % 50}"},
                "effect": {"type": "percent_off_order", "percent": 5}}
    return {**base, "eligibility": {"fact": "cart.lines", "items": {"skus": [sku(other)]}},
            "effect": {"type": "amount_off_order", "amount": 500}}


def gated(number: int) -> dict:
    """A storewide offer gated on a customer fact SHOPPER fails (orders placed, lifetime spend,
    being new, a segment): the candidate index cannot file it under the cart's keys."""
    shape = number % 4
    base = {"id": f"gated-{number:05d}", "name": f"Gated offer {number}", "kind": "promotion",
            "effect": {"type": "percent_off_order", "percent": 5}}
    if shape == 0:
        return {**base, "eligibility": {"fact": "customer.orders_count", "gte": 10 + number % 40}}
    if shape == 1:
        return {**base, "eligibility": {"all": [{"fact": "customer.total_spent", "gte": 100_000 + number * 100},
                                                {"fact": "cart.subtotal", "gte": 2_000}]}}
    if shape == 2:
        return {**base, "eligibility": {"fact": "customer.new", "is": True}}
    return {**base, "eligibility": {"fact": "customer.segment", "ne": "regulars"}}


def campaigns(total: int, touching_count: int, gated_count: int = 0) -> list[dict]:
    """`touching_count` offers this cart can get, `gated_count` storewide ones SHOPPER's customer
    facts rule out, and the rest about other products, categories and segments."""
    return ([touching(n) for n in range(touching_count)] + [gated(n) for n in range(gated_count)]
            + [elsewhere(n) for n in range(total - touching_count - gated_count)])


def open_store(path: Path, definitions: list[dict], *, catalogue: bool = True) -> Engine:
    """An Engine on a new SQLite file at `path` holding the catalogue and these campaigns."""
    sql = make_engine(f"sqlite:///{path}")
    create_schema(sql)
    engine = Engine(make_session_factory(sql), timezone="UTC", currency="USD")
    fill(engine, definitions, catalogue=catalogue)
    return engine


def fill(engine: Engine, definitions: list[dict], *, catalogue: bool = True) -> None:
    """Store the catalogue, these campaigns (each a valid definition, a coupon with its public
    code) and the bench shopper."""
    parsed = [engine.parse(d) for d in definitions]
    with engine.work.sessions() as session, session.begin():
        if catalogue:
            session.execute(insert(ProductRow), [
                {"sku": p.sku, "name": p.name, "price": p.price, "categories": list(p.categories), "collections": [],
                 "description": "", "extra": {}, "position": n} for n, p in enumerate(products())])
        if definitions:
            session.execute(insert(CampaignRow), [
                {"id": c.id, "name": c.name, "kind": c.kind.value, "definition": d, "status": "active", "version": 1,
                 "redemptions_count": 0, "budget_used": 0, "order_value_used": 0, "created_at": CREATED,
                 "updated_at": CREATED, "capped": campaign_capped(c.limits)}
                for c, d in zip(parsed, definitions, strict=True)])
            public = [{"code": normalise_code(c.code), "campaign_id": c.id, "status": "active", "redeemed_count": 0,
                       "created_at": CREATED} for c in parsed if c.code]
            if public:
                session.execute(insert(CodeRow), public)
    engine.upsert_customer(SHOPPER)


def median_ms(action, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    timings.sort()
    return timings[len(timings) // 2] * 1e3
