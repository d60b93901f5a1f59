"""The shopper's cart as it lives in the Flask session: ``{sku: quantity}`` plus entered codes.

The session only ever holds SKUs, quantities and codes; names and prices always come from the
catalogue when the cart is built (``build_cart``), so a tampered or stale cookie can never set a
price. Every mutation validates first and raises ``CartInputError`` with a shopper-facing message,
leaving the stored cart untouched.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from promo.core.codes import normalise_code as promo_normalise_code
from promo.core.domain import Cart, CartLine
from shop.web.text import CONTROL_MESSAGE, has_control_characters

SESSION_KEY = "cart"
MAX_QUANTITY = 99          # per line; bigger orders go through wholesale
MAX_LINES = 40
MAX_CODES = 5              # the evaluation applies at most 5 offers anyway
MAX_CODE_LENGTH = 64
MAX_SKU_LENGTH = 64


class CartInputError(ValueError):
    """Input a shopper can fix; ``str()`` is the message to show next to the field."""


@dataclass(frozen=True)
class SessionCart:
    items: Mapping[str, int] = field(default_factory=dict)   # insertion order = line order
    codes: tuple[str, ...] = ()
    # Codes the store applied for the shopper (auto_apply coupons) that they removed: not
    # applied for them again until they type one.
    declined: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return sum(self.items.values())

    @property
    def is_empty(self) -> bool:
        return not self.items


def normalise_code(raw: str) -> str:
    """Codes are matched the way the engine stores them (NFKC, no surrounding spaces, upper case)."""
    return promo_normalise_code(raw)


def parse_quantity(raw: Any, *, allow_zero: bool = False) -> int:
    """A quantity typed by a person: a whole number from 1 (or 0 to remove) to MAX_QUANTITY."""
    text = str(raw if raw is not None else "").strip()
    lowest = 0 if allow_zero else 1
    if not text:
        raise CartInputError("Enter a quantity.")
    if not (text.isascii() and text.lstrip("-+").isdigit()):
        raise CartInputError("Quantity must be a whole number.")
    if len(text) > 6:
        raise CartInputError(f"You can order at most {MAX_QUANTITY} of one item.")
    value = int(text)
    if value < lowest:
        raise CartInputError("Quantity must be at least 1." if lowest else "Quantity can't be negative.")
    if value > MAX_QUANTITY:
        raise CartInputError(f"You can order at most {MAX_QUANTITY} of one item.")
    return value


def load(session: Mapping[str, Any]) -> SessionCart:
    """Read the cart, dropping anything malformed (an old cookie format must never crash a page)."""
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, Mapping):
        return SessionCart()
    items: dict[str, int] = {}
    raw_items = raw.get("items")
    if isinstance(raw_items, list):
        for entry in raw_items[:MAX_LINES]:
            if (
                isinstance(entry, list) and len(entry) == 2
                and isinstance(entry[0], str) and 0 < len(entry[0]) <= MAX_SKU_LENGTH
                and isinstance(entry[1], int) and not isinstance(entry[1], bool)
                and 1 <= entry[1] <= MAX_QUANTITY
            ):
                items[entry[0]] = entry[1]
    return SessionCart(items=items, codes=_codes(raw.get("codes")), declined=_codes(raw.get("declined")))


def _codes(raw: Any) -> tuple[str, ...]:
    codes: list[str] = []
    if isinstance(raw, list):
        for code in raw:
            if isinstance(code, str) and 0 < len(code) <= MAX_CODE_LENGTH and code not in codes:
                codes.append(code)
    return tuple(codes[:MAX_CODES])


def save(session: MutableMapping[str, Any], cart: SessionCart) -> None:
    # A list of pairs keeps line order through the JSON session serializer.
    stored: dict[str, Any] = {"items": [[sku, qty] for sku, qty in cart.items.items()], "codes": list(cart.codes)}
    if cart.declined:
        stored["declined"] = list(cart.declined)
    session[SESSION_KEY] = stored


def with_quantity(cart: SessionCart, sku: str, quantity: int) -> SessionCart:
    """Set a line's quantity; 0 removes the line."""
    items = dict(cart.items)
    if quantity <= 0:
        items.pop(sku, None)
    else:
        if sku not in items and len(items) >= MAX_LINES:
            raise CartInputError(f"Your cart can hold at most {MAX_LINES} different items.")
        items[sku] = quantity
    return replace(cart, items=items)


def with_added(cart: SessionCart, sku: str, quantity: int) -> SessionCart:
    """Add units to a line, refusing to go past MAX_QUANTITY rather than silently capping."""
    total = cart.items.get(sku, 0) + quantity
    if total > MAX_QUANTITY:
        raise CartInputError(
            f"You can order at most {MAX_QUANTITY} of one item; your cart already has {cart.items.get(sku, 0)}."
        )
    return with_quantity(cart, sku, total)


def with_code(cart: SessionCart, raw_code: str) -> SessionCart:
    code = normalise_code(raw_code)
    if not code:
        raise CartInputError("Enter a code.")
    if has_control_characters(code):
        raise CartInputError(CONTROL_MESSAGE)
    if len(code) > MAX_CODE_LENGTH:
        raise CartInputError("That code is too long to be one of ours.")
    if code in cart.codes:
        raise CartInputError(f"{code} is already in your cart.")
    if len(cart.codes) >= MAX_CODES:
        raise CartInputError(f"You can enter at most {MAX_CODES} codes.")
    return replace(cart, codes=(*cart.codes, code), declined=tuple(c for c in cart.declined if c != code))


def without_code(cart: SessionCart, raw_code: str) -> SessionCart:
    """Remove an entered code, or decline one the store applied for the shopper (not entered)."""
    code = normalise_code(raw_code)
    if code in cart.codes:
        return replace(cart, codes=tuple(c for c in cart.codes if c != code))
    if not code or code in cart.declined or len(code) > MAX_CODE_LENGTH:
        return cart
    return replace(cart, declined=(*cart.declined, code)[-MAX_CODES:])


class CatalogueItem(Protocol):
    """What ``build_cart`` needs from a product (promo.core.records.Product fits)."""

    sku: str
    name: str
    price: int
    categories: Iterable[str]
    collections: Iterable[str]
    cost: int | None


def build_cart(
    cart: SessionCart, catalogue: Mapping[str, CatalogueItem], *, currency: str, shipping: int = 0
) -> tuple[Cart, tuple[str, ...]]:
    """The engine's Cart for this session cart, priced from the catalogue.

    Returns the cart and the SKUs that are no longer sold (dropped from the cart, so the page can
    say so) rather than failing the whole page.
    """
    lines: list[CartLine] = []
    missing: list[str] = []
    for sku, quantity in cart.items.items():
        product = catalogue.get(sku)
        if product is None:
            missing.append(sku)
            continue
        lines.append(
            CartLine(
                sku=product.sku,
                name=product.name,
                unit_price=product.price,
                quantity=quantity,
                categories=frozenset(product.categories),
                collections=frozenset(product.collections),
                cost=product.cost,
            )
        )
    return Cart(lines=tuple(lines), currency=currency, shipping=shipping if lines else 0), tuple(missing)
