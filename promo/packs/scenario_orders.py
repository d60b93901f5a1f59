"""The ``orders`` section of a scenario pack: past orders of the pack's customers, placed through
the engine as of their own day, so a persona's order history and savings are real (the VIP's
"You saved" is not $0.00).

    orders:
      - {ref: AC-VIP-1001, customer: vip, days_ago: 9, codes: [HAPPY10],
         lines: [{sku: ARA-ETH-YIRG, quantity: 2}, {sku: GEAR-KETTLE}]}

Each order is redeemed once: its ``ref`` is the order reference and, with a fixed idempotency
key, what makes loading again change nothing. The customer's ``orders_count``,
``total_spent`` and ``last_order_at`` stay as the pack's ``customers`` section writes them
(those figures include orders the pack does not list), so the loader writes them back after.

Read by promo.packs.scenario (which owns the pack's other sections); this module takes its
reader and reports through it, so both report problems the same way.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from promo.core.domain import Cart, CartLine, Customer
from promo.core.errors import Conflict
from promo.core.records import Product
from promo.engine import Engine

ORDER_KEYS = ("ref", "customer", "days_ago", "lines", "codes")
LINE_KEYS = ("sku", "quantity")
MAX_LINES = 100
MAX_QUANTITY = 999
MAX_DAYS_AGO = 36_500
REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_REF = re.compile(REF_PATTERN)


class Reader(Protocol):
    """What promo.packs.scenario's reader offers (it records problems; readers return None)."""

    def add(self, path: str, message: str) -> None: ...
    def mapping(self, raw: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, Any] | None: ...
    def text(self, raw: Any, path: str, *, max_length: int = 200, pattern: re.Pattern[str] | None = None,
             what: str = "") -> str | None: ...
    def integer(self, raw: Any, path: str, *, minimum: int = 0, maximum: int = ..., money: bool = False) -> int | None: ...
    def texts(self, raw: Any, path: str, *, pattern: re.Pattern[str] | None = None, what: str = "") -> tuple[str, ...] | None: ...


@dataclass(frozen=True)
class OrderLineRequest:
    sku: str
    quantity: int = 1


@dataclass(frozen=True)
class OrderRequest:
    """A past order: placed at noon store time, `days_ago` days before the pack's day."""

    ref: str
    customer_id: str
    placed_at: datetime
    lines: tuple[OrderLineRequest, ...]
    codes: tuple[str, ...] = ()


def read_order(raw: Any, path: str, r: Reader, today: date, timezone: str) -> OrderRequest | None:
    fields = r.mapping(raw, path, ORDER_KEYS, ("ref", "customer", "days_ago", "lines"))
    if fields is None or not {"ref", "customer", "days_ago", "lines"} <= fields.keys():
        return None
    ref = r.text(fields["ref"], f"{path}.ref", max_length=64, pattern=_REF, what="an order reference like AC-1001")
    customer = r.text(fields["customer"], f"{path}.customer", max_length=64)
    days = r.integer(fields["days_ago"], f"{path}.days_ago", maximum=MAX_DAYS_AGO)
    lines = _lines(fields["lines"], f"{path}.lines", r)
    codes = r.texts(fields["codes"], f"{path}.codes") if "codes" in fields else ()
    if ref is None or customer is None or days is None or lines is None or codes is None:
        return None
    day = today - timedelta(days=days)
    placed_at = datetime.combine(day, time(12), tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    return OrderRequest(ref, customer, placed_at, lines, tuple(code.upper() for code in codes))


def _lines(raw: Any, path: str, r: Reader) -> tuple[OrderLineRequest, ...] | None:
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_LINES:
        r.add(path, f"must be a list of 1 to {MAX_LINES} lines like {{sku: HOUSE-BLEND, quantity: 2}}")
        return None
    lines = []
    for index, item in enumerate(raw):
        line_path = f"{path}[{index}]"
        fields = r.mapping(item, line_path, LINE_KEYS, ("sku",))
        if fields is None or "sku" not in fields:
            return None
        sku = r.text(fields["sku"], f"{line_path}.sku", max_length=64)
        quantity = r.integer(fields.get("quantity", 1), f"{line_path}.quantity", minimum=1, maximum=MAX_QUANTITY)
        if sku is None or quantity is None:
            return None
        lines.append(OrderLineRequest(sku, quantity))
    return tuple(lines)


def check_order_references(r: Reader, orders: Mapping[int, OrderRequest], customer_ids: set[str], skus: set[str] | None,
                           public_codes: set[str], near: Callable[[str, set[str]], str]) -> None:
    """Customers and products named must be the pack's; codes must be its campaigns' public
    codes (a bulk code is only known once generated). `skus` None: the pack lists no products."""
    refs: dict[str, int] = {}
    for index, order in orders.items():
        path = f"orders[{index}]"
        if order.ref in refs:
            r.add(f"{path}.ref", f"'{order.ref}' is already the ref of orders[{refs[order.ref]}]")
        refs.setdefault(order.ref, index)
        if order.customer_id not in customer_ids:
            r.add(f"{path}.customer", f"'{order.customer_id}' is not one of the pack's customers{near(order.customer_id, customer_ids)}")
        for line_index, line in enumerate(order.lines):
            if skus is not None and line.sku not in skus:
                r.add(f"{path}.lines[{line_index}].sku", f"'{line.sku}' is not one of the pack's products{near(line.sku, skus)}")
        for code_index, code in enumerate(order.codes):
            if code not in public_codes:
                r.add(f"{path}.codes[{code_index}]", f"'{code}' is not the public code of one of the pack's campaigns"
                                                     f"{near(code, public_codes)}")


@contextmanager
def _clock_at(engine: Engine, moment: datetime) -> Iterator[None]:
    """The engine's clock stopped at `moment` while one past order is placed (a load runs on its
    own, in the CLI or a test-mode reset), so its date, limits and periods are that day's."""
    original = engine.clock
    engine.clock = lambda: moment
    try:
        yield
    finally:
        engine.clock = original


def place_orders(engine: Engine, orders: tuple[OrderRequest, ...], customers: tuple[Customer, ...],
                 actor: str) -> tuple[int, int]:
    """Place each order not placed yet; (created, unchanged). Then write the pack's customers
    of these orders back as the pack describes them."""
    if not orders:
        return 0, 0
    catalogue = {product.sku: product for product in engine.list_products()}
    created = unchanged = 0
    for order in orders:
        cart = Cart(lines=tuple(_line(catalogue[line.sku], line.quantity) for line in order.lines), currency=engine.currency)
        with _clock_at(engine, order.placed_at):
            try:
                result = engine.redeem(order.customer_id, cart, order.codes, order_ref=order.ref,
                                       idempotency_key=f"scenario-order:{order.ref}")
            except Conflict:     # placed by an earlier load whose idempotency record has gone
                unchanged += 1
                continue
        if result.replayed:
            unchanged += 1
        else:
            created += 1
    described = {customer.id: customer for customer in customers}
    for customer_id in {order.customer_id for order in orders}:
        if customer_id in described and engine.get_customer(customer_id) != described[customer_id]:
            engine.upsert_customer(described[customer_id], actor=actor)
    return created, unchanged


def _line(product: Product, quantity: int) -> CartLine:
    return CartLine(sku=product.sku, name=product.name, unit_price=product.price, quantity=quantity,
                    categories=frozenset(product.categories), collections=frozenset(product.collections))
