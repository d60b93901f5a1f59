"""Engine.track: record that something happened to a customer (the public "track" operation).

    engine.track("ana", "signup")
    engine.track("ana", "review_left", {"review_id": "r-17", "sku": "ARA-ETH"})
    engine.track("ana", "cart_updated", {"lines": [{"sku": "ARA-ETH", "name": "Yirgacheffe",
                                                    "unit_price": 1800, "quantity": 2}]})
    engine.track("ana", "order_shipped", {"order_ref": "A-1001"})        # a custom event

Each call is one transaction that writes ``tracked.<event>`` to the outbox; distribution
rules on the event (and any other promo.delivery.events listener, e.g. a referral conversion) run inside
it. ``cart_updated`` also keeps the customer's latest cart for the abandoned-cart trigger.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from promo.core.errors import InvalidRequest
from promo.core.records import Publication
from promo.delivery.events import EventScope, emit
from promo.services.unit_of_work import HasWork, UnitOfWork, work_of
from promo.storage.event_models import CartActivityRow

EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
MAX_PROPERTIES_BYTES = 16_384
MAX_CART_LINES = 500
# Orders reach the engine through redeem(), which emits redemption.succeeded itself.
NOT_TRACKED = {"order_paid": "orders are recorded by redeem (POST /redemptions), which fires order_paid rules"}


@dataclass(frozen=True)
class TrackedEvent:
    id: str                                # the outbox event id ("evt_...")
    event: str
    customer_id: str
    occurred_at: datetime
    publications: tuple[Publication, ...] = ()   # codes distribution rules published for it


def track(engine: UnitOfWork | HasWork, customer_id: str, event: str, properties: Mapping[str, Any] | None = None,
          *, actor: str = "system") -> TrackedEvent:
    work = work_of(engine)
    if not isinstance(event, str) or not EVENT_NAME.match(event):
        raise InvalidRequest(f"an event name is lower-case letters, digits and _ (e.g. order_shipped), got {event!r}",
                             code="invalid_event")
    if event in NOT_TRACKED:
        raise InvalidRequest(f"{event} cannot be tracked: {NOT_TRACKED[event]}", code="invalid_event")
    properties = dict(properties or {})
    try:
        size = len(json.dumps(properties))
    except (TypeError, ValueError):
        raise InvalidRequest("properties must be JSON values (text, numbers, booleans, lists, objects)",
                             code="invalid_properties") from None
    if size > MAX_PROPERTIES_BYTES:
        raise InvalidRequest(f"properties must be at most {MAX_PROPERTIES_BYTES} bytes of JSON", code="invalid_properties")
    cart = _cart(properties) if event == "cart_updated" else None

    def step(session: Session) -> TrackedEvent:
        work.customer_row(session, customer_id)
        scope = EventScope(session, work, work.clock())
        if cart is not None:
            _remember_cart(session, customer_id, cart, scope.now)
        tracked = emit(scope, f"tracked.{event}", {"event": event, "properties": properties, "actor": actor},
                       customer_id=customer_id)
        published = tuple(
            Publication(e.payload["publication_id"], e.payload["campaign_id"], customer_id, e.payload["code"],
                        e.payload["source_id"], e.occurred_at, expires_at=_moment(e.payload.get("expires_at")))
            for e in scope.emitted if e.type == "distribution.published" and e.customer_id == customer_id
        )
        return TrackedEvent(tracked.id, event, customer_id, tracked.occurred_at, published)

    return work.write(step)


def _cart(properties: Mapping[str, Any]) -> list[list[Any]]:
    """The `lines` of a cart_updated event as stored: [[sku, name, unit_price, quantity, categories]]."""
    lines = properties.get("lines", [])
    if not isinstance(lines, list) or len(lines) > MAX_CART_LINES:
        raise InvalidRequest(f"cart_updated: lines must be a list of at most {MAX_CART_LINES} items", code="invalid_properties")
    stored = []
    for index, line in enumerate(lines):
        where = f"cart_updated: lines[{index}]"
        if not isinstance(line, Mapping):
            raise InvalidRequest(f"{where} must be an object with sku, unit_price and quantity", code="invalid_properties")
        sku, price, quantity = line.get("sku"), line.get("unit_price"), line.get("quantity")
        if not (isinstance(sku, str) and 0 < len(sku) <= 64):
            raise InvalidRequest(f"{where}.sku must be text of 1 to 64 characters", code="invalid_properties")
        for name, value in (("unit_price", price), ("quantity", quantity)):
            if isinstance(value, bool) or not isinstance(value, int) or value < (1 if name == "quantity" else 0):
                raise InvalidRequest(f"{where}.{name} must be a whole number"
                                     f"{' of at least 1' if name == 'quantity' else ' of minor units'}", code="invalid_properties")
        categories = line.get("categories", [])
        if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
            raise InvalidRequest(f"{where}.categories must be a list of category slugs", code="invalid_properties")
        stored.append([sku, str(line.get("name") or sku)[:200], price, quantity, sorted(categories)])
    return stored


def _remember_cart(session: Session, customer_id: str, lines: list[list[Any]], now: datetime) -> None:
    row = session.get(CartActivityRow, customer_id)
    if row is None:
        row = CartActivityRow(customer_id=customer_id)
        session.add(row)
    row.lines = lines
    row.subtotal = sum(price * quantity for _, _, price, quantity, _ in lines)
    row.items_count = sum(quantity for _, _, _, quantity, _ in lines)
    row.updated_at = now
    session.flush()


def _moment(text: str | None) -> datetime | None:
    """An ISO timestamp from an event payload (promo.delivery.events.jsonable wrote it), or None."""
    return datetime.fromisoformat(text) if text else None
