"""The audit log: who changed what, when, with the state before and after."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .models import AuditRow


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    session.add(
        AuditRow(
            at=at,
            actor=actor or "system",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            before=dict(before) if before is not None else None,
            after=dict(after) if after is not None else None,
        )
    )
