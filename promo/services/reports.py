"""Read-only reports the console shows and the Engine's listings do not cover: code search
across holders and prefixes, redemption filters, per-campaign statistics and margin, the
filtered audit log. Everything here reads and returns plain records.

Large results are paged by key (never OFFSET) or streamed in chunks.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from promo.core.codes import normalise_code
from promo.core.margin import MarginReport, OrderLineFigures, margin_report
from promo.core.records import AuditEntry, CodeInfo, RedemptionResult
from promo.services.unit_of_work import UnitOfWork
from promo.storage.convert import code_info, redemption_result
from promo.storage.database import starts_with
from promo.storage.models import (
    AuditRow,
    CodeRow,
    CustomerRow,
    OrderLineRow,
    OrderRow,
    RedemptionItemRow,
    RedemptionRow,
)

STREAM_CHUNK = 5000
MARGIN_ORDERS = 5000   # the Margin card reads a campaign's latest orders, up to this many
CODE_EXPORT_COLUMNS = ("code", "status", "holder_id", "redeemed_count", "gift_balance", "created_at", "expires_at")


@dataclass(frozen=True)
class CodeSearch:
    codes: tuple[CodeInfo, ...]
    next_after: str | None


@dataclass(frozen=True)
class RedemptionFilter:
    campaign_id: str | None = None
    customer_id: str | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class CampaignStats:
    per_day: list[tuple[date, int, int]]      # (store-local day, redemptions, discount)
    top_codes: list[tuple[str, int, int]]     # (code, redemptions, discount)
    redemptions: int
    discount: int


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    start: date | None = None
    end: date | None = None


class Reports:
    def __init__(self, work: UnitOfWork):
        self.work = work

    def local_day_bounds(self, start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
        """[start 00:00, end+1 00:00) in the store's time zone, for filters on stored UTC times."""
        tz = self.work.tz
        low = datetime.combine(start, time.min, tzinfo=tz) if start else None
        high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz) if end else None
        return low, high

    def on_local_days(self, column: Any, start: date | None, end: date | None) -> list[Any]:
        """Conditions keeping `column` (a stored UTC time) within the store's days start..end."""
        low, high = self.local_day_bounds(start, end)
        return ([column >= low] if low is not None else []) + ([column < high] if high is not None else [])

    # ---- codes --------------------------------------------------------------------------------

    def search_codes(self, query: str = "", *, campaign_id: str | None = None, status: str | None = None,
                     after: str | None = None, limit: int = 50) -> CodeSearch:
        statement = (select(CodeRow).where(*_code_conditions(query, campaign_id, status))
                     .order_by(CodeRow.code).limit(limit + 1))
        if after:
            statement = statement.where(CodeRow.code > after)
        with self.work.read() as session:
            rows = list(session.scalars(statement))
        more = len(rows) > limit
        rows = rows[:limit]
        return CodeSearch(tuple(code_info(r) for r in rows), rows[-1].code if more and rows else None)

    def matching_codes(self, query: str, *, campaign_id: str | None, status: str | None, limit: int) -> list[str]:
        """Up to `limit` + 1 codes matching a search (one more than allowed tells "too many")."""
        statement = (select(CodeRow.code).where(*_code_conditions(query, campaign_id, status))
                     .order_by(CodeRow.code).limit(limit + 1))
        with self.work.read() as session:
            return list(session.scalars(statement))

    def count_codes(self, campaign_id: str) -> dict[str, int]:
        with self.work.read() as session:
            rows = session.execute(select(CodeRow.status, func.count()).where(CodeRow.campaign_id == campaign_id)
                                   .group_by(CodeRow.status)).all()
        return {status: count for status, count in rows}

    def stream_codes(self, campaign_id: str) -> Iterator[tuple[Any, ...]]:
        """Every code of a campaign as CODE_EXPORT_COLUMNS tuples, in code order, STREAM_CHUNK rows
        in memory at a time.

        One query read through a streaming cursor (server-side on PostgreSQL) in the order of the
        (campaign_id, code) index, rather than a query per page. Plain column rows, not ORM
        objects, so the time goes into writing CSV."""
        columns = [getattr(CodeRow, name) for name in CODE_EXPORT_COLUMNS]
        statement = (select(*columns).where(CodeRow.campaign_id == campaign_id).order_by(CodeRow.code)
                     .execution_options(stream_results=True, yield_per=STREAM_CHUNK))
        with self.work.read() as session:
            for chunk in session.execute(statement).partitions():
                yield from (tuple(row) for row in chunk)

    # ---- redemptions ----------------------------------------------------------------------------

    def find_redemptions(self, where: RedemptionFilter, *, before_id: int | None = None,
                         limit: int = 50) -> tuple[list[RedemptionResult], int | None]:
        """Newest first; the second value is the `before_id` of the next page (None on the last)."""
        statement = (select(RedemptionRow).where(*self._redemption_conditions(where))
                     .order_by(RedemptionRow.id.desc()).limit(limit + 1))
        if before_id is not None:
            statement = statement.where(RedemptionRow.id < before_id)
        with self.work.read() as session:
            rows = list(session.scalars(statement))
            more = len(rows) > limit
            results = _results(session, rows[:limit])
        return results, (results[-1].id if more and results else None)

    def stream_redemptions(self, where: RedemptionFilter) -> Iterator[RedemptionResult]:
        before: int | None = None
        while True:
            page, before = self.find_redemptions(where, before_id=before, limit=STREAM_CHUNK)
            yield from page
            if before is None:
                return

    def _redemption_conditions(self, where: RedemptionFilter) -> list[Any]:
        conditions: list[Any] = []
        if where.campaign_id:
            conditions.append(RedemptionRow.id.in_(
                select(RedemptionItemRow.redemption_id).where(RedemptionItemRow.campaign_id == where.campaign_id)))
        if where.customer_id:
            conditions.append(RedemptionRow.customer_id == where.customer_id)
        conditions += self.on_local_days(RedemptionRow.created_at, where.start, where.end)
        return conditions

    # ---- statistics -------------------------------------------------------------------------------

    def campaign_stats(self, campaign_id: str, *, days: int = 30, today: date | None = None) -> CampaignStats:
        today = today or self.work.now().date()
        first = today - timedelta(days=days - 1)
        low, _ = self.local_day_bounds(first, None)
        granted = (RedemptionItemRow.campaign_id == campaign_id, RedemptionItemRow.status == "succeeded")
        with self.work.read() as session:
            # Grouping by local day happens here: databases disagree on time-zone arithmetic, and a
            # campaign's last 30 days of items are few enough to read (one small row each).
            recent = session.execute(
                select(RedemptionRow.created_at, RedemptionItemRow.discount + RedemptionItemRow.shipping_discount)
                .join(RedemptionRow, RedemptionRow.id == RedemptionItemRow.redemption_id)
                .where(*granted, RedemptionRow.created_at >= low)
            ).all()
            top = session.execute(
                select(RedemptionItemRow.code, func.count(),
                       func.sum(RedemptionItemRow.discount + RedemptionItemRow.shipping_discount))
                .where(*granted, RedemptionItemRow.code.is_not(None))
                .group_by(RedemptionItemRow.code).order_by(func.count().desc(), RedemptionItemRow.code).limit(10)
            ).all()
            totals = session.execute(
                select(func.count(), func.coalesce(func.sum(RedemptionItemRow.discount + RedemptionItemRow.shipping_discount), 0))
                .where(*granted)
            ).one()
        buckets = {first + timedelta(days=i): [0, 0] for i in range(days)}
        for created_at, discount in recent:
            bucket = buckets.get(created_at.astimezone(self.work.tz).date())
            if bucket is not None:
                bucket[0] += 1
                bucket[1] += int(discount or 0)
        return CampaignStats(
            per_day=[(d, n, amount) for d, (n, amount) in sorted(buckets.items())],
            top_codes=[(str(code), int(n), int(amount or 0)) for code, n, amount in top],   # codes: never NULL here
            redemptions=int(totals[0]),
            discount=int(totals[1]),
        )

    def campaign_margin(self, campaign_id: str) -> MarginReport:
        """The discount a campaign gave, the gross margin its orders left, and where the margin
        floor held it back (docs/discount-policy.md, The margin floor)."""
        with self.work.read() as session:
            items = session.execute(
                select(RedemptionItemRow.discount, RedemptionItemRow.line_capped, RedemptionRow.order_id)
                .join(RedemptionRow, RedemptionRow.id == RedemptionItemRow.redemption_id)
                .where(RedemptionItemRow.campaign_id == campaign_id, RedemptionItemRow.status == "succeeded")
                .order_by(RedemptionRow.id.desc()).limit(MARGIN_ORDERS)
            ).all()
            lines: dict[int, list[OrderLineFigures]] = {}
            order_ids = [order_id for _, _, order_id in items]
            for start in range(0, len(order_ids), 500):
                rows = session.scalars(select(OrderLineRow).where(OrderLineRow.order_id.in_(order_ids[start:start + 500]))
                                       .order_by(OrderLineRow.order_id, OrderLineRow.position))
                for row in rows:
                    lines.setdefault(row.order_id, []).append(OrderLineFigures(
                        row.sku, row.name, row.unit_price, row.quantity, row.discount, row.cost))
        return margin_report([(discount, capped, lines.get(order_id, [])) for discount, capped, order_id in items])

    # ---- audit log and pickers ------------------------------------------------------------------

    def audit_entries(self, where: AuditFilter, *, before_id: int | None = None,
                      limit: int = 50) -> tuple[list[AuditEntry], int | None]:
        conditions: list[Any] = []
        if where.actor:
            conditions.append(starts_with(AuditRow.actor, where.actor))
        if where.action:
            conditions.append(starts_with(AuditRow.action, where.action))
        if where.object_type:
            conditions.append(AuditRow.object_type == where.object_type)
        if where.object_id:
            conditions.append(AuditRow.object_id == where.object_id)
        conditions += self.on_local_days(AuditRow.at, where.start, where.end)
        statement = select(AuditRow).where(*conditions).order_by(AuditRow.id.desc()).limit(limit + 1)
        if before_id is not None:
            statement = statement.where(AuditRow.id < before_id)
        with self.work.read() as session:
            rows = list(session.scalars(statement))
        more = len(rows) > limit
        entries = [AuditEntry(r.id, r.at, r.actor, r.action, r.object_type, r.object_id, r.before, r.after)
                   for r in rows[:limit]]
        return entries, (entries[-1].id if more and entries else None)

    def audit_object_types(self) -> list[str]:
        with self.work.read() as session:
            return list(session.scalars(select(AuditRow.object_type).distinct().order_by(AuditRow.object_type)))

    def customers(self) -> list[tuple[str, str | None, str | None]]:
        """(id, name, email) of the first 500 customers by id, for pickers."""
        with self.work.read() as session:
            return [(r[0], r[1], r[2]) for r in session.execute(
                select(CustomerRow.id, CustomerRow.name, CustomerRow.email).order_by(CustomerRow.id).limit(500))]


def _code_conditions(query: str, campaign_id: str | None, status: str | None) -> list[Any]:
    """Codes whose text starts with `query`, or held by the customer whose id or email is `query`."""
    conditions: list[Any] = []
    if campaign_id:
        conditions.append(CodeRow.campaign_id == campaign_id)
    if status:
        conditions.append(CodeRow.status == status)
    query = query.strip()
    if query:
        holders = select(CustomerRow.id).where(or_(CustomerRow.id == query, CustomerRow.email == query.lower()))
        conditions.append(or_(starts_with(CodeRow.code, normalise_code(query)), CodeRow.holder_id.in_(holders)))
    return conditions


def _results(session: Session, rows: list[RedemptionRow]) -> list[RedemptionResult]:
    orders = {o.id: o for o in session.scalars(select(OrderRow).where(OrderRow.id.in_([r.order_id for r in rows])))}
    return [redemption_result(r, orders[r.order_id]) for r in rows]
