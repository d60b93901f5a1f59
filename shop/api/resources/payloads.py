"""Request bodies shared by several operations, and their conversion to engine values.

Orders carry explicit items (SKU, unit price in minor units, quantity, categories), so any cart
can be evaluated without a catalogue. Customers are referred to by id (a profile stored with
``PUT /customers/<id>``) or given inline as a profile; ``null`` is a guest.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies

from promo.core.domain import Cart, CartLine, Context, Customer
from promo.engine import Engine
from shop.api.framework.schema import (
    Arr,
    Bool,
    DateTimeValue,
    DateValue,
    Either,
    Field,
    FieldError,
    FreeObject,
    Int,
    Obj,
    Str,
    child_path,
)

MAX_MONEY = 10**12                      # minor units: 10 billion dollars is surely a typo
MAX_ORDER_VALUE = 10**13
MAX_QUANTITY = 100_000
MAX_ITEMS = 500
MAX_CODES = 20
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}"
ID_HINT = "must be 1-64 letters, digits or . _ : @ - (starting with a letter or digit)"
SLUG_PATTERN = r"[a-z0-9][a-z0-9_-]{0,63}"
SLUG_HINT = "must be a lower-case slug (letters, digits, - and _)"
PAGES = ("home", "category", "product", "cart", "checkout", "deals", "wallet")


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def is_known_currency(code: str) -> bool:
    return code in _currencies()


@lru_cache(maxsize=256)
def is_known_locale(name: str) -> bool:
    """Whether Babel can format money and dates for this locale (an unknown one would fail deep
    inside the engine's message formatting)."""
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def customer_id_schema(description: str = "") -> Str:
    return Str(max_length=64, pattern=ID_PATTERN, pattern_hint=ID_HINT, description=description)


def money(description: str = "", maximum: int = MAX_MONEY) -> Int:
    return Int(minimum=0, maximum=maximum, description=description or "Minor units (cents).")


_SLUGS = Arr(Str(max_length=64, pattern=SLUG_PATTERN, pattern_hint=SLUG_HINT), max_items=50)
SLUG_LIST = _SLUGS
SKU = Str(max_length=64, pattern=r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", pattern_hint="must be letters, digits, '.', '_' or '-'")

PROFILE_FIELDS = {
    "name": Field(Str(max_length=200), nullable=True),
    "email": Field(Str(max_length=320, pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+", pattern_hint="must be an email address"),
                   nullable=True),
    "segments": Field(_SLUGS, description="Segment slugs, e.g. `vip`."),
    "orders_count": Field(Int(maximum=10**9)),
    "total_spent": Field(money("Lifetime spend, minor units.")),
    "last_order_at": Field(DateTimeValue(), nullable=True),
    "birthday": Field(DateValue(), nullable=True),
    "country": Field(Str(min_length=2, max_length=2, pattern="[A-Za-z]{2}", pattern_hint="must be a two-letter country code"),
                     nullable=True),
    "city": Field(Str(max_length=120), nullable=True),
    "metadata": Field(FreeObject(scalars_only=True), description="Free-form attributes (text, numbers, booleans)."),
    "accepts_marketing": Field(Bool(), description="Whether the store may send this customer offers; left out, "
                                                   "true. False: codes still reach the wallet, but no "
                                                   "`distribution.published` is emitted for them."),
}

CustomerProfile = Obj(PROFILE_FIELDS, name="CustomerProfile",
                      description="A customer's attributes. Fields left out are stored empty.")
InlineCustomer = Obj({"id": Field(customer_id_schema(), required=True), **PROFILE_FIELDS}, name="InlineCustomer",
                     description="A customer given inline (stored when an order is redeemed for them).")
CustomerRef = Either(
    (customer_id_schema("The id of a stored customer."), InlineCustomer),
    description="A stored customer's id, an inline profile, or null for a guest.",
)

Item = Obj({
    "sku": Field(SKU, required=True),
    "name": Field(Str(max_length=200), description="Defaults to the SKU."),
    "unit_price": Field(money("Price of one unit, minor units."), required=True),
    "quantity": Field(Int(minimum=1, maximum=MAX_QUANTITY), required=True),
    "categories": Field(_SLUGS),
    "collections": Field(_SLUGS),
    "metadata": Field(FreeObject(scalars_only=True, max_properties=20)),
    "cost": Field(money("What one unit cost the store, minor units, for the margin floor. Defaults to the "
                        "catalogue's cost of this SKU; a line without a cost is not guarded.")),
}, name="OrderItem")

def _bounded_total(order: dict[str, Any], path: str, errors: list[FieldError]) -> None:
    """Each amount is bounded, but 500 lines of huge prices could still add up past what a
    64-bit database column holds; the order as a whole gets a bound too."""
    total = sum(item["unit_price"] * item["quantity"] for item in order["items"]) + order.get("shipping", 0)
    if total > MAX_ORDER_VALUE:
        errors.append(FieldError(child_path(path, "items"),
                                 f"the order's value (unit_price × quantity of every item, plus shipping) must be at "
                                 f"most {MAX_ORDER_VALUE}, got {total}"))


Order = Obj({
    "id": Field(Str(max_length=128, pattern=r"[A-Za-z0-9][A-Za-z0-9._:/#-]{0,127}",
                    pattern_hint="must be 1-128 letters, digits or . _ : / # -"),
                description="Your order reference. Required for redemptions; one redemption per order."),
    "currency": Field(Str(min_length=3, max_length=3, pattern="[A-Z]{3}", pattern_hint="must be an ISO 4217 code like USD",
                          accept=is_known_currency, accept_hint="must be an ISO 4217 currency code like USD"),
                      description="Defaults to the store's currency."),
    "items": Field(Arr(Item, max_items=MAX_ITEMS), required=True),
    "shipping": Field(money("Shipping fee, minor units. Only shipping offers reduce it.")),
}, name="Order", refine=_bounded_total)

ContextBody = Obj({
    "page": Field(Str(enum=PAGES)),
    "category": Field(Str(max_length=64, pattern=SLUG_PATTERN, pattern_hint=SLUG_HINT)),
    "product_sku": Field(Str(max_length=64)),
    "channel": Field(Str(max_length=32, pattern=SLUG_PATTERN, pattern_hint=SLUG_HINT)),
    "locale": Field(Str(max_length=20, pattern=r"[a-z]{2,3}(_[A-Z]{2})?", pattern_hint="must be a locale like en_US",
                        accept=is_known_locale, accept_hint="must be a locale the store can format, like en_US")),
}, name="Context", description="Where the shopper is. The time is always the server's.")

Codes = Arr(Str(max_length=64), max_items=MAX_CODES,
            description="Codes as the shopper typed them; matched ignoring case and surrounding spaces.")
DeclinedCodes = Arr(Str(max_length=64), max_items=MAX_CODES,
                    description="Codes of `auto_apply` coupons the shopper removed: not applied for them "
                                "(entering one in `codes` still applies it).")


def to_cart(order: dict[str, Any], engine: Engine) -> Cart:
    # Costs the client leaves out are the catalogue's, so the margin floor guards API orders too.
    unknown_costs = [item["sku"] for item in order["items"] if item.get("cost") is None]
    catalogue = engine.products_by_sku(unknown_costs) if unknown_costs else {}
    lines = tuple(
        CartLine(
            sku=item["sku"], name=item.get("name") or item["sku"], unit_price=item["unit_price"],
            quantity=item["quantity"], categories=frozenset(item.get("categories", ())),
            collections=frozenset(item.get("collections", ())), metadata=item.get("metadata", {}),
            cost=item["cost"] if item.get("cost") is not None else getattr(catalogue.get(item["sku"]), "cost", None),
        )
        for item in order["items"]
    )
    return Cart(lines=lines, currency=order.get("currency") or engine.currency, shipping=order.get("shipping", 0))


def to_profile(customer_id: str, fields: dict[str, Any]) -> Customer:
    return Customer(
        id=customer_id,
        name=fields.get("name"),
        email=fields["email"].lower() if fields.get("email") else None,
        segments=frozenset(fields.get("segments", ())),
        orders_count=fields.get("orders_count", 0),
        total_spent=fields.get("total_spent", 0),
        last_order_at=fields.get("last_order_at"),
        birthday=fields.get("birthday"),
        country=fields["country"].upper() if fields.get("country") else None,
        city=fields.get("city"),
        metadata=fields.get("metadata", {}),
        accepts_marketing=fields.get("accepts_marketing", True),
    )


def to_customer(ref: str | dict[str, Any] | None) -> Customer | str | None:
    """What the engine takes: a stored customer's id, an inline profile, or None (guest)."""
    if isinstance(ref, dict):
        return to_profile(ref["id"], ref)
    return ref


def to_context(body: dict[str, Any] | None, engine: Engine, default_page: str) -> Context:
    fields = dict(body or {})
    fields.setdefault("page", default_page)
    return engine.context(**fields)
