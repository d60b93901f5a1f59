"""Codes: bulk generation from a campaign's pattern, paging through a campaign's codes, a
customer's wallet, and disabling or enabling one code."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from promo.core.campaign import Kind
from promo.core.codes import normalise_code
from promo.core.errors import Conflict, InvalidRequest
from promo.core.records import CampaignStatus, CodeInfo, CodePage, CodeStatus
from promo.services.bulk import Progress, insert_random_codes
from promo.services.checks import MAX_PAGE, enum_or_none
from promo.services.unit_of_work import UnitOfWork
from promo.storage import audit, convert
from promo.storage.database import starts_with
from promo.storage.drawing import check_room
from promo.storage.models import CodeRow

CODE_STATUS_ACTIONS = {"disable": CodeStatus.DISABLED, "enable": CodeStatus.ACTIVE}


class Codes:
    """The code operations of the Engine."""

    def __init__(self, work: UnitOfWork):
        self.work = work

    def generate_codes(
        self,
        campaign_id: str,
        count: int,
        *,
        batch_size: int = 10_000,
        progress: Progress | None = None,
        gift_balance: int | None = None,
        actor: str = "system",
    ) -> int:
        """Add `count` unique random codes to a campaign with a code pattern; returns the number made.

        Streams in batches of `batch_size`, each its own transaction; `progress(done, total)` is
        called after each. Refused (InvalidRequest ``keyspace_too_small``) when the campaign's
        codes would fill more than 1 in 10^6 of the pattern's keyspace.
        """
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise InvalidRequest(f"count must be a positive integer, got {count!r}", code="invalid_count")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise InvalidRequest(f"batch_size must be a positive integer, got {batch_size!r}", code="invalid_count")
        with self.work.read() as session:
            row = self.work.campaign_row(session, campaign_id)
            campaign = self.work.campaign(row)
            if row.status == CampaignStatus.ARCHIVED:
                raise Conflict(f"campaign {campaign_id!r} is archived", code="campaign_archived")
            pattern = campaign.code_pattern
            if pattern is None:
                raise InvalidRequest(
                    f"campaign {campaign_id!r} has no code pattern, so it cannot have generated codes", code="no_code_pattern"
                )
            # The same keyspace rule as every single code drawn from the pattern (promo.storage.drawing).
            check_room(session, campaign_id, pattern, count)
        if gift_balance is None and campaign.kind is Kind.GIFT_CARD:
            # Gift cards start with the balance their definition names.
            gift_balance = (campaign.options.get("gift_card") or {}).get("balance")
        now = self.work.clock()
        made = insert_random_codes(
            self.work.sessions, campaign_id, pattern, count, now=now, batch_size=batch_size, progress=progress,
            gift_balance=gift_balance,
        )

        def log(session: Session) -> None:
            audit.record(session, at=now, actor=actor, action="codes.generate", object_type="campaign",
                         object_id=campaign_id, after={"generated": made})

        self.work.write(log)
        return made

    def get_code(self, code: str) -> CodeInfo:
        with self.work.read() as session:
            return convert.code_info(self.work.code_row(session, code))

    def list_codes(
        self,
        campaign_id: str,
        *,
        prefix: str | None = None,
        status: str | None = None,
        holder_id: str | None = None,
        limit: int = 100,
        after: str | None = None,
        count_total: bool | None = None,
    ) -> CodePage:
        """A page of a campaign's codes in code order; pass `next_after` back as `after`.

        `prefix` keeps the codes that start with it (as shoppers type it: case and surrounding
        spaces ignored). Paged by key, never by OFFSET: a page is the `limit` codes after
        `after`, read off the (campaign_id, code) index, so the thousandth page costs what the
        first does, and a code added or removed between pages neither repeats nor hides another.
        `total` counts every code matching the filters, which reads all of them; it is counted
        with `count_total`, by default on the first page only, and None when not counted.
        """
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidRequest(f"limit must be between 1 and {MAX_PAGE}", code="invalid_limit")
        matching = [CodeRow.campaign_id == campaign_id]
        if status is not None:
            matching.append(CodeRow.status == status)
        if holder_id is not None:
            matching.append(CodeRow.holder_id == holder_id)
        start = normalise_code(prefix) if prefix else None
        if start:
            matching.append(starts_with(CodeRow.code, start))
        # Where the index starts reading: past the cursor, or at the prefix while the cursor is
        # before it (LIKE implies that bound but is no range). Past it the prefix bound is left
        # out, so the database cannot choose to start reading at the prefix instead of the cursor.
        after = normalise_code(after) if after is not None else None
        bounds = [] if after is None else [CodeRow.code > after]
        if start and (after is None or after < start):
            bounds.append(CodeRow.code >= start)
        page = select(CodeRow).where(*matching, *bounds).order_by(CodeRow.code).limit(limit + 1)
        with self.work.read() as session:
            self.work.campaign_row(session, campaign_id)
            total = None
            if count_total or (count_total is None and after is None):
                starting = [CodeRow.code >= start] if start else []
                total = session.scalar(select(func.count()).select_from(CodeRow).where(*matching, *starting)) or 0
            rows = list(session.scalars(page))
        more = len(rows) > limit
        rows = rows[:limit]
        return CodePage(tuple(convert.code_info(r) for r in rows), total, rows[-1].code if more and rows else None)

    def customer_codes(self, customer_id: str) -> list[CodeInfo]:
        """Every code published to the customer (their wallet), oldest first."""
        with self.work.read() as session:
            rows = session.scalars(select(CodeRow).where(CodeRow.holder_id == customer_id).order_by(CodeRow.id))
            return [convert.code_info(r) for r in rows]

    def set_code_status(self, code: str, status: str, *, actor: str = "system") -> CodeInfo:
        """``status`` is ``active``/``disabled`` (or the actions ``enable``/``disable``)."""
        target = CODE_STATUS_ACTIONS.get(status) or enum_or_none(CodeStatus, status)
        if target is None:
            raise InvalidRequest(
                f"unknown code status {status!r}; expected active or disabled", code="invalid_status"
            )

        def work(session: Session) -> CodeInfo:
            row = self.work.code_row(session, code, lock=True)
            if row.status != target:
                before = convert.code_snapshot(row)
                row.status = target.value
                session.flush()
                audit.record(session, at=self.work.clock(), actor=actor, action=f"code.{target.value}", object_type="code",
                             object_id=row.code, before=before, after=convert.code_snapshot(row))
            return convert.code_info(row)

        return self.work.write(work)
