"""The audit log and the wrong-code tallies, as the console shows them."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from promo.core.records import AuditEntry
from promo.services.checks import MAX_PAGE
from promo.services.unit_of_work import UnitOfWork
from promo.storage import attempts, audit
from promo.storage.attempts import WrongCodeTally
from promo.storage.models import AuditRow


class AuditTrail:
    """What the Engine reports of its own history."""

    def __init__(self, work: UnitOfWork):
        self.work = work

    def audit_log(self, *, object_type: str | None = None, object_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        """Newest first."""
        statement = select(AuditRow).order_by(AuditRow.id.desc()).limit(min(max(limit, 1), MAX_PAGE))
        if object_type is not None:
            statement = statement.where(AuditRow.object_type == object_type)
        if object_id is not None:
            statement = statement.where(AuditRow.object_id == object_id)
        with self.work.read() as session:
            return [
                AuditEntry(r.id, r.at, r.actor, r.action, r.object_type, r.object_id, r.before, r.after)
                for r in session.scalars(statement)
            ]

    def wrong_code_tallies(self, *, days: int = 14) -> list[WrongCodeTally]:
        """Wrong codes entered per UTC day and source (storefront, or api:<key prefix>), for the
        last `days` days including today, newest first: guessing shows up here in aggregate."""
        since = self.work.clock().astimezone(UTC).date() - timedelta(days=max(days, 1) - 1)
        with self.work.read() as session:
            return attempts.wrong_code_tallies(session, since=since)


    def record(self, *, actor: str, action: str, object_type: str, object_id: str,
               before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None,
               at: datetime | None = None) -> None:
        """An audit entry in a transaction of its own, at `at` (default: the store clock's now):
        what the shop audits itself (rate limits used up, API keys the console made)."""
        self.work.write(lambda session: audit.record(
            session, at=at or self.work.now(), actor=actor, action=action, object_type=object_type,
            object_id=object_id, before=before, after=after))

    def count_wrong_codes(self, source: str, count: int = 1) -> None:
        """Add `count` wrong codes from `source` to today's tally (the store clock's day, in UTC),
        in a transaction of its own."""
        self.work.write(lambda session: attempts.count_wrong_codes(session, source, at=self.work.now(), count=count))


def record_in(session: Session, *, at: datetime, actor: str, action: str, object_type: str, object_id: str,
              before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
    """An audit entry in the caller's own transaction, so it commits with the change it records
    (the console's user changes, on the console's own table)."""
    audit.record(session, at=at, actor=actor, action=action, object_type=object_type, object_id=object_id,
                 before=before, after=after)


# How the wrong-code tallies name where a code was typed.
STOREFRONT = attempts.STOREFRONT
api_source = attempts.api_source
