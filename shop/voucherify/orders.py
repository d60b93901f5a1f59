"""Voucherify orders in, promoshop carts out; and the computed order Voucherify answers with.

In: an item names its product by ``source_id`` (promoshop's SKU), ``product_id``, ``sku_id`` or
an inline ``product.source_id``; its price defaults to the catalogue's, or ``amount / quantity``.
Categories and collections always come from the catalogue. An item with source_id
``prod_5h1pp1ng`` (Voucherify's built-in shipping product) or ``5h1pp1ng`` is the shipping fee.
An order with an ``amount`` and no items is one line of that amount.

Out: every figure is the engine's. An offer whose effect is on the order (percent or amount off
the order, spend tiers) counts in ``discount_amount``; the others, and shipping, in
``items_discount_amount`` and the items' own ``discount_amount``. ``applied_*`` are the same
figures for one redeemable.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from promo.core.campaign import Campaign
from promo.core.domain import Cart, CartLine
from promo.core.effects import effect_type
from promo.core.errors import NotFound
from shop.api.framework.schema import Arr, Field, FieldError, FreeObject, Int, SchemaViolation, Str
from shop.api.resources.payloads import MAX_ITEMS, MAX_MONEY, MAX_ORDER_VALUE, MAX_QUANTITY
from shop.voucherify.routing import lenient
from shop.web.extensions import promo_engine

SHIPPING_SKUS = ("prod_5h1pp1ng", "5h1pp1ng")
SHIPPING_ID = "prod_5h1pp1ng"
AMOUNT_ONLY_SKU = "order-amount"
_SKU = Str(max_length=64, pattern=r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", pattern_hint="must be letters, digits, '.', '_' or '-'")
_money = Int(minimum=0, maximum=MAX_MONEY)
ProductRef = lenient({"source_id": Field(_SKU), "id": Field(_SKU), "name": Field(Str(max_length=200)),
                      "price": Field(_money), "metadata": Field(FreeObject())}, name="VoucherifyProduct")
OrderItem = lenient({
    "source_id": Field(_SKU), "product_id": Field(_SKU), "sku_id": Field(_SKU),
    "related_object": Field(Str(enum=("product", "sku"))),
    "quantity": Field(Int(minimum=1, maximum=MAX_QUANTITY)),
    "price": Field(_money), "amount": Field(Int(minimum=0, maximum=MAX_ORDER_VALUE)),
    "product": Field(ProductRef), "sku": Field(ProductRef),
    "metadata": Field(FreeObject()),
}, name="VoucherifyOrderItem")
OrderBody = lenient({
    "id": Field(Str(max_length=128)),
    "source_id": Field(Str(max_length=128, pattern=r"[A-Za-z0-9][A-Za-z0-9._:/#-]{0,127}",
                           pattern_hint="must be 1-128 letters, digits or . _ : / # -")),
    "amount": Field(Int(minimum=0, maximum=MAX_ORDER_VALUE)),
    "items": Field(Arr(OrderItem, max_items=MAX_ITEMS)),
    "status": Field(Str(enum=("CREATED", "PAID", "CANCELED", "FULFILLED"))),
    "metadata": Field(FreeObject()),
}, name="VoucherifyOrder")


class _Line(Protocol):
    sku: str
    name: str
    unit_price: int
    quantity: int


class _Share(Protocol):
    """What an OfferResult and a RedemptionItemRecord both carry: one offer's part of an order."""

    campaign_id: str
    code: str | None
    discount: int
    shipping_discount: int
    line_discounts: tuple[int, ...]


def to_cart(order: Mapping[str, Any]) -> Cart:
    """The engine's cart for a checked Voucherify order; 400 when it cannot be priced."""
    engine = promo_engine()
    lines: list[CartLine] = []
    shipping = 0
    problems: list[FieldError] = []
    for index, item in enumerate(order.get("items") or ()):
        where = f"order.items[{index}]"
        sku = (item.get("source_id") or item.get("product_id") or item.get("sku_id")
               or (item.get("product") or {}).get("source_id") or (item.get("sku") or {}).get("source_id"))
        if sku is None:
            problems.append(FieldError(where, "needs a source_id (your SKU), product_id or sku_id"))
            continue
        quantity = item.get("quantity", 1)
        price = item.get("price", (item.get("product") or {}).get("price"))
        if sku in SHIPPING_SKUS:
            shipping += (price if price is not None else item.get("amount", 0)) * (quantity if price is not None else 1)
            continue
        product = _catalogue_product(sku)
        if price is None and product is not None:
            price = product.price
        if price is None and "amount" in item and item["amount"] % quantity == 0:
            price = item["amount"] // quantity
        if price is None:
            problems.append(FieldError(where, f"needs a price: {sku!r} is not in the catalogue"))
            continue
        name = (item.get("product") or {}).get("name") or (product.name if product else sku)
        lines.append(CartLine(
            sku=sku, name=name, unit_price=price, quantity=quantity,
            categories=frozenset(product.categories) if product else frozenset(),
            collections=frozenset(product.collections) if product else frozenset(),
        ))
    if not lines and not problems and order.get("amount"):
        lines.append(CartLine(sku=AMOUNT_ONLY_SKU, name="Order", unit_price=order["amount"], quantity=1))
    if not problems and sum(line.subtotal for line in lines) + shipping > MAX_ORDER_VALUE:
        problems.append(FieldError("order.items", f"the order's value must be at most {MAX_ORDER_VALUE}"))
    if problems:
        raise SchemaViolation(problems)
    return Cart(lines=tuple(lines), currency=engine.currency, shipping=shipping)


def _catalogue_product(sku: str):
    try:
        return promo_engine().get_product(sku)
    except NotFound:
        return None


@dataclass(frozen=True)
class Priced:
    """An order as the engine priced it: its lines (free gifts included) and the offers in it."""

    lines: Sequence[_Line]
    shares: Sequence[_Share]
    shipping: int = 0


def is_order_level(campaign: Campaign | None) -> bool:
    """Is what the campaign gives a discount on the order as a whole (its effect type says so)?"""
    return campaign is not None and campaign.effect is not None and effect_type(campaign.effect).on_order


def order_json(priced: Priced, campaigns: Mapping[str, Campaign], *, source_id: str | None = None,
               focus: Iterable[_Share] = (), status: str | None = None,
               customer_id: str | None = None) -> dict[str, Any]:
    """Voucherify's computed order. `focus`: the offers of one redeemable (its ``applied_*``)."""
    focus = list(focus)
    item_level = [s for s in priced.shares if not is_order_level(campaigns.get(s.campaign_id))]
    order_level = [s for s in priced.shares if is_order_level(campaigns.get(s.campaign_id))]
    items = []
    for index, line in enumerate(priced.lines):
        amount = line.unit_price * line.quantity
        discount = sum(_share_of(s, index) for s in item_level)
        applied = sum(_share_of(s, index) for s in focus if s in item_level)
        items.append(_item(line.sku, line.name, line.quantity, line.unit_price, amount, discount, applied))
    if priced.shipping:
        shipping_off = sum(s.shipping_discount for s in priced.shares)
        applied = sum(s.shipping_discount for s in focus)
        items.append(_item(SHIPPING_ID, "Shipping", 1, priced.shipping, priced.shipping, shipping_off, applied))
    amount = sum(item["amount"] for item in items)
    items_discount = sum(item["discount_amount"] for item in items)
    order_discount = sum(s.discount for s in order_level)
    focus_items = sum(item["applied_discount_amount"] for item in items)
    focus_order = sum(s.discount for s in focus if s in order_level)
    total_discount = items_discount + order_discount
    order: dict[str, Any] = {
        "object": "order", "amount": amount,
        "items_discount_amount": items_discount, "discount_amount": order_discount,
        "total_discount_amount": total_discount, "total_amount": amount - total_discount,
        "items": items,
    }
    if focus:
        order.update({"applied_discount_amount": focus_order, "items_applied_discount_amount": focus_items,
                      "total_applied_discount_amount": focus_order + focus_items})
    if source_id is not None:
        order["source_id"] = source_id
    if status is not None:
        order["status"] = status
    if customer_id is not None:
        order["customer_id"] = customer_id
    return order


def _share_of(share: _Share, index: int) -> int:
    return share.line_discounts[index] if index < len(share.line_discounts) else 0


def _item(sku: str, name: str, quantity: int, price: int, amount: int, discount: int, applied: int) -> dict[str, Any]:
    return {
        "object": "order_item", "source_id": sku, "related_object": "product", "product": {"name": name},
        "quantity": quantity, "price": price, "amount": amount, "discount_amount": discount,
        "applied_discount_amount": applied, "subtotal_amount": amount - discount,
    }
