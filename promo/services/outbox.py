"""Announce a change: its event goes to the outbox in the change's own transaction
(promo.delivery.events), and the listeners installed for it run there too."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from promo.delivery.events import Event, EventScope, emit
from promo.services.unit_of_work import UnitOfWork


def announce(work: UnitOfWork, session: Session, event_type: str, payload: Mapping[str, Any], *,
             customer_id: str | None = None) -> Event:
    return emit(EventScope(session, work, work.clock()), event_type, payload, customer_id=customer_id)
