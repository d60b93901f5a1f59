"""The audit log and the wrong-code tallies, as the console shows them."""
from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import select

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


# The shop writes its own audit entries (API keys, console users, rate limits) and wrong-code
# tallies in its own transactions, through these, never through promo.storage.
record = audit.record
STOREFRONT = attempts.STOREFRONT
api_source = attempts.api_source
count_wrong_codes = attempts.count_wrong_codes
