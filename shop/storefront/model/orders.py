"""Orders as the shopper sees them: the history, one order's details, and which orders belong to
this browser.

An order is shown only to its owner: a customer sees the orders placed under their id; a guest
sees the orders placed in this browser session (their ids are kept in the session).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import session

from promo.core.errors import NotFound
from promo.core.records import ItemStatus, OrderStatus, RedemptionResult
from shop.storefront.model.customer import current_customer_id
from shop.storefront.model.gift_cards import GiftCardSummary, order_gift_cards
from shop.web.extensions import promo_engine

GUEST_ORDERS_KEY = "guest_orders"
MAX_GUEST_ORDERS = 20
HISTORY_LIMIT = 50


@dataclass(frozen=True)
class OrderOffer:
    campaign_id: str
    name: str
    code: str | None
    savings: int
    withdrawn: bool


@dataclass(frozen=True)
class OrderView:
    result: RedemptionResult
    offers: tuple[OrderOffer, ...]
    contact_name: str | None = None
    contact_email: str | None = None

    @property
    def id(self) -> int:
        return self.result.id

    @property
    def order(self):
        return self.result.order

    @property
    def reference(self) -> str:
        return self.result.order.order_ref

    @property
    def placed_at(self) -> datetime:
        return self.result.order.created_at

    @property
    def cancelled(self) -> bool:
        return self.result.order.status is OrderStatus.CANCELLED

    @property
    def savings(self) -> int:
        return self.result.order.discount + self.result.order.shipping_discount

    @property
    def charged(self) -> int:
        """What the shopper paid when the order was placed: a rollback raises the order's total by
        what it gave back (what they would owe without it), which is not what they paid."""
        return self.result.order.total - sum(offer.savings for offer in self.offers if offer.withdrawn)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.offers if o.code and not o.withdrawn)


# ---- ownership --------------------------------------------------------------------------------


def _guest_orders() -> list[dict]:
    raw = session.get(GUEST_ORDERS_KEY)
    if not isinstance(raw, list):
        return []
    return [entry for entry in raw if isinstance(entry, dict) and isinstance(entry.get("id"), int)]


def remember_guest_order(redemption_id: int, *, name: str, email: str) -> None:
    """A guest's order belongs to this browser session: keep its id (and the contact details the
    guest typed, which the engine does not store for customers without an account)."""
    entries = [e for e in _guest_orders() if e["id"] != redemption_id]
    entries.append({"id": redemption_id, "name": name, "email": email})
    session[GUEST_ORDERS_KEY] = entries[-MAX_GUEST_ORDERS:]


def owns_order(result: RedemptionResult) -> bool:
    customer_id = current_customer_id()
    if result.customer_id is not None:
        return result.customer_id == customer_id
    return any(entry["id"] == result.id for entry in _guest_orders())


# ---- views ------------------------------------------------------------------------------------


def campaign_names(results: list[RedemptionResult]) -> dict[str, str]:
    """The names of these orders' campaigns alone (not every campaign's definition)."""
    return promo_engine().campaign_names(item.campaign_id for result in results for item in result.items)


def view_of_order(result: RedemptionResult, names: dict[str, str]) -> OrderView:
    offers = tuple(
        OrderOffer(item.campaign_id, names.get(item.campaign_id, item.campaign_id), item.code,
                   item.discount + item.shipping_discount, item.status is ItemStatus.ROLLED_BACK)
        for item in result.items
    )
    contact = next((e for e in _guest_orders() if e["id"] == result.id), {})
    return OrderView(result, offers, contact.get("name"), contact.get("email"))


def order_view(redemption_id: int) -> OrderView | None:
    try:
        result = promo_engine().get_redemption(redemption_id)
    except NotFound:
        return None
    return view_of_order(result, campaign_names([result]))


def order_history() -> list[OrderView]:
    engine = promo_engine()
    customer_id = current_customer_id()
    if customer_id is not None:
        results = engine.list_redemptions(customer_id=customer_id, limit=HISTORY_LIMIT)
    else:
        results = []
        for entry in reversed(_guest_orders()):
            try:
                results.append(engine.get_redemption(entry["id"]))
            except NotFound:
                continue
        results = [r for r in results if r.customer_id is None]
    names = campaign_names(results)
    return [view_of_order(result, names) for result in results]


# ---- what an order's details page adds ---------------------------------------------------------


@dataclass(frozen=True)
class OrderPoints:
    programme: str
    earned: int
    reversed: int


@dataclass(frozen=True)
class OrderPayments:
    gift_cards: GiftCardSummary          # what gift cards paid (given back if cancelled)
    points: tuple[OrderPoints, ...]      # points earned in each programme (and taken back)


def order_payments(view: OrderView) -> OrderPayments:
    engine = promo_engine()
    points = []
    if view.result.customer_id is not None:
        for account in engine.points_accounts(view.result.customer_id):
            mine = [entry for entry in account.entries if entry.order_ref == view.reference]
            earned = sum(e.points for e in mine if e.kind == "earn")
            if earned:
                points.append(OrderPoints(account.name, earned, -sum(e.points for e in mine if e.kind == "reverse")))
    return OrderPayments(order_gift_cards(engine, view.reference), tuple(points))
