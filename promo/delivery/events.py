"""Events: what happened in the engine, written to the outbox in the same transaction as the
change, and in-process listeners that react inside that transaction.

    event = emit(scope, "redemption.succeeded", {...}, customer_id="ana")

`emit` adds a row to ``outbox_events`` through the caller's session, so the event exists if and
only if the change commits. Workers later fan the outbox out to webhook endpoints
(promo.delivery.webhooks). Listeners registered with `listen` run synchronously inside the emitting
transaction: what they write commits or rolls back with the change, and an exception they
raise aborts it. Listeners are installed explicitly, never by importing a module:
promo.delivery.wiring.install() adds the engine's own (distribution rules, referral conversions)
when an Engine is made, and another feature adds its listener there the same way:

    from promo.delivery.events import listen

    def convert_referral(scope: EventScope, event: Event) -> None:
        ...  # scope.session is the emitting transaction, scope.work the unit of work

    listen("tracked.order_shipped", convert_referral)

Patterns are an exact type, a prefix ending in ``.*`` (``"tracked.*"``) or ``"*"``.
"""
from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from promo.core.errors import InvalidRequest, NotFound
from promo.services.unit_of_work import HasWork, UnitOfWork, work_of
from promo.storage.event_models import OutboxEventRow

# Event types the engine emits (webhook endpoints filter on these).
EVENT_TYPES = (
    "campaign.created",
    "campaign.updated",
    "campaign.paused",
    "campaign.resumed",
    "campaign.archived",
    "redemption.succeeded",
    "redemption.rolled_back",
    "publication.created",
    "publication.renewed",
    "distribution.published",
    "distribution.withdrawn",
    "tracked.<event>",
    "customer.registration_requested",     # written by the storefront (shop/storefront/registration.py)
)
MAX_LISTENER_DEPTH = 4      # a listener's own events may trigger listeners, this deep at most
_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


@dataclass(frozen=True)
class Event:
    id: str                   # "evt_..." : receivers deduplicate on it
    type: str
    customer_id: str | None
    payload: Mapping[str, Any]
    occurred_at: datetime


@dataclass
class EventScope:
    """What a listener may use: the emitting transaction, the unit of work (settings, clock,
    parsed campaigns) and the time of the change."""

    session: Session
    work: UnitOfWork
    now: datetime
    depth: int = 0
    emitted: list[Event] = field(default_factory=list)


Listener = Callable[[EventScope, Event], None]
_listeners: list[tuple[str, Listener]] = []
_lock = threading.Lock()


def listen(pattern: str, listener: Listener) -> None:
    """Call `listener(scope, event)` inside the transaction of every event matching `pattern`.
    Registering the same listener for the same pattern twice keeps one."""
    with _lock:
        if (pattern, listener) not in _listeners:
            _listeners.append((pattern, listener))


def matches(pattern: str, event_type: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


def matches_any(patterns: Iterable[str], event_type: str) -> bool:
    return any(matches(pattern, event_type) for pattern in patterns)


def new_event_id() -> str:
    return f"evt_{secrets.token_hex(12)}"


def emit(scope: EventScope, event_type: str, payload: Mapping[str, Any], *, customer_id: str | None = None) -> Event:
    """Write the event to the outbox through `scope.session`, then run matching listeners."""
    if not _TYPE.match(event_type):
        raise ValueError(f"event types look like 'redemption.succeeded', got {event_type!r}")
    event = Event(new_event_id(), event_type, customer_id, jsonable(payload), scope.now)
    scope.session.add(OutboxEventRow(
        event_id=event.id, type=event.type, customer_id=customer_id, payload=dict(event.payload),
        created_at=event.occurred_at,
    ))
    scope.emitted.append(event)
    if scope.depth >= MAX_LISTENER_DEPTH:
        return event
    with _lock:
        chosen = [listener for pattern, listener in _listeners if matches(pattern, event_type)]
    if chosen:
        inner = EventScope(scope.session, scope.work, scope.now, scope.depth + 1, scope.emitted)
        for listener in chosen:
            listener(inner, event)
    return event


def jsonable(value: Any) -> Any:
    """Plain JSON values (dates and datetimes as ISO text, enums as their values)."""
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(item) for item in value]
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def outbox_event(row: OutboxEventRow) -> Event:
    return Event(row.event_id, row.type, row.customer_id, row.payload, row.created_at)


@dataclass(frozen=True)
class EventPage:
    events: tuple[Event, ...]
    next_after: str | None       # pass as `after` for the next page; None on the last page


def list_events(engine: UnitOfWork | HasWork, *, pattern: str = "*", customer_id: str | None = None, after: str | None = None,
                limit: int = 100) -> EventPage:
    """Outbox events, oldest first, matching a type pattern; `after` (an event id) pages on."""
    work = work_of(engine)
    if not 1 <= limit <= 1000:
        raise InvalidRequest("limit must be between 1 and 1000", code="invalid_limit")
    statement = select(OutboxEventRow).order_by(OutboxEventRow.id)
    if pattern.endswith(".*"):
        statement = statement.where(OutboxEventRow.type.startswith(pattern[:-1]))
    elif pattern != "*":
        statement = statement.where(OutboxEventRow.type == pattern)
    if customer_id is not None:
        statement = statement.where(OutboxEventRow.customer_id == customer_id)
    with work.read() as session:
        if after is not None:
            start = session.scalar(select(OutboxEventRow.id).where(OutboxEventRow.event_id == after))
            if start is None:
                raise NotFound(f"no event {after!r} (it may have been pruned)", code="event_not_found")
            statement = statement.where(OutboxEventRow.id > start)
        rows = list(session.scalars(statement.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return EventPage(tuple(outbox_event(r) for r in rows), rows[-1].event_id if more and rows else None)
