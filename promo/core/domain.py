"""What the engine evaluates: cart lines, the customer and the shopping context.

Plain frozen dataclasses with integer minor units. Nothing here knows about storage or HTTP.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class CartLine:
    sku: str
    name: str
    unit_price: int
    quantity: int
    categories: frozenset[str] = frozenset()
    collections: frozenset[str] = frozenset()
    metadata: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, compare=False, hash=False)
    # What one unit cost the store, minor units; None: unknown, so no margin floor guards it.
    cost: int | None = None

    def __post_init__(self) -> None:
        if self.unit_price < 0:
            raise ValueError(f"line {self.sku}: unit price cannot be negative")
        if self.cost is not None and self.cost < 0:
            raise ValueError(f"line {self.sku}: cost cannot be negative")
        if self.quantity < 1:
            raise ValueError(f"line {self.sku}: quantity must be at least 1")

    @property
    def subtotal(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Cart:
    lines: tuple[CartLine, ...]
    currency: str = "USD"
    # Shipping is its own amount: order-level discounts never reduce it, only shipping effects do.
    shipping: int = 0

    @property
    def subtotal(self) -> int:
        return sum(line.subtotal for line in self.lines)

    @property
    def items_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @cached_property
    def item_keys(self) -> frozenset[tuple[str, str]]:
        """("sku", ...), ("category", ...) and ("collection", ...) of every line: the keys
        promo.core.index looks campaigns up by, worked out once per cart (a cart is priced
        against several indexes)."""
        keys: set[tuple[str, str]] = set()
        for line in self.lines:
            keys.add(("sku", line.sku))
            keys.update(("category", category) for category in line.categories)
            keys.update(("collection", collection) for collection in line.collections)
        return frozenset(keys)


@dataclass(frozen=True)
class Customer:
    """A shopper's profile. `id=None` is a guest."""

    id: str | None = None
    segments: frozenset[str] = frozenset()
    orders_count: int = 0
    total_spent: int = 0
    last_order_at: datetime | None = None
    birthday: date | None = None
    country: str | None = None
    city: str | None = None
    email: str | None = None
    name: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, compare=False, hash=False)
    # May the store send this customer offers? Codes still reach the wallet either way; a
    # distribution rule only asks for a notification (distribution.published) when it is True.
    accepts_marketing: bool = True

    @property
    def is_guest(self) -> bool:
        return self.id is None

    @property
    def is_new(self) -> bool:
        return self.orders_count == 0

    def days_since_last_order(self, now: datetime) -> int | None:
        if self.last_order_at is None:
            return None
        last = self.last_order_at
        if last.tzinfo is None and now.tzinfo is not None:
            last = last.replace(tzinfo=now.tzinfo)
        return (now - last).days

    def is_birthday(self, today: date) -> bool:
        if self.birthday is None:
            return False
        if (self.birthday.month, self.birthday.day) == (2, 29) and not _is_leap(today.year):
            return (today.month, today.day) == (2, 28)
        return (self.birthday.month, self.birthday.day) == (today.month, today.day)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True)
class Context:
    """Where and when the shopper is. `now` is timezone-aware, in the store's time zone."""

    now: datetime
    page: str | None = None          # home, category, product, cart, checkout, deals, wallet
    category: str | None = None      # the category page being viewed, or the product's category
    product_sku: str | None = None
    channel: str = "web"
    locale: str = "en_US"            # for the human messages and hints the engine writes

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("Context.now must be timezone-aware (the store's time zone)")


@dataclass(frozen=True)
class ItemSelector:
    """Which cart lines an effect or condition is about. Empty selector = every line."""

    skus: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    collections: frozenset[str] = frozenset()
    exclude_skus: frozenset[str] = frozenset()
    max_unit_price: int | None = None  # e.g. birthday 50% off items up to $50
    # How shoppers read this selection ("V60 dripper", "filter papers"); the engine only has SKUs
    # and category slugs, so labels and restrictions fall back to those when it is empty.
    label: str = field(default="", compare=False)

    @property
    def only_sku(self) -> str | None:
        """The one product this selection names, or None (a category, several products, every
        item): wording says "$10 off Gooseneck Kettle", not "off each product from" it."""
        if len(self.skus) == 1 and not self.categories and not self.collections:
            return next(iter(self.skus))
        return None

    def matches(self, line: CartLine) -> bool:
        if line.sku in self.exclude_skus:
            return False
        if self.max_unit_price is not None and line.unit_price > self.max_unit_price:
            return False
        if not (self.skus or self.categories or self.collections):
            return True
        return (
            line.sku in self.skus
            or bool(self.categories & line.categories)
            or bool(self.collections & line.collections)
        )
