"""Publications: give a customer a code of a campaign (from its pool, or its public code),
renew a published code's end, and list a customer's publications."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from promo.core.errors import Conflict, InvalidRequest, NotFound, PoolEmpty
from promo.core.records import CampaignStatus, Publication
from promo.core.timing import code_expiry
from promo.services.checks import iso
from promo.services.outbox import announce
from promo.services.unit_of_work import MAX_WRITE_ATTEMPTS, UnitOfWork
from promo.storage import audit, convert
from promo.storage.database import dialect_of, for_update
from promo.storage.models import CodeRow, PublicationRow


class Publications:
    """The publish operations of the Engine; distribution rules publish through publish_in."""

    def __init__(self, work: UnitOfWork):
        self.work = work

    def publish(
        self, campaign_id: str, customer_id: str, *, source_id: str | None = None, actor: str = "system"
    ) -> Publication:
        """Give the customer a code of the campaign: an unassigned code from its pool, or its
        public code. The same `source_id` returns the same publication (and code) every time.
        Raises PoolEmpty (409, ``pool_empty``) when no unassigned code is left.
        """
        if source_id is not None and not (isinstance(source_id, str) and 0 < len(source_id) <= 255):
            raise InvalidRequest("source_id must be 1 to 255 characters long", code="invalid_source_id")

        return self.work.write(lambda session: self.publish_in(session, campaign_id, customer_id, source_id, actor))

    def publish_in(self, session: Session, campaign_id: str, customer_id: str, source_id: str | None, actor: str) -> Publication:
        """publish() inside the caller's transaction (distribution rules publish with the event that fired them)."""
        row = self.work.campaign_row(session, campaign_id)
        if row.status == CampaignStatus.ARCHIVED:
            raise Conflict(f"campaign {campaign_id!r} is archived", code="campaign_archived")
        self.work.customer_row(session, customer_id)
        if source_id is not None:
            earlier = session.scalar(
                select(PublicationRow).where(PublicationRow.campaign_id == campaign_id, PublicationRow.source_id == source_id)
            )
            if earlier is not None:
                if earlier.customer_id != customer_id:
                    raise Conflict(
                        f"source_id {source_id!r} was already used to publish to another customer",
                        code="source_id_reused",
                    )
                return convert.publication(earlier, session.get(CodeRow, earlier.code_id), created=False)
        campaign = self.work.campaign(row)
        now = self.work.clock()
        if campaign.code:
            code_row = self.work.code_row(session, campaign.code)
        else:
            code_row = self._assign_pool_code(session, campaign_id, customer_id, expires_at=code_expiry(campaign, now))
        publication = PublicationRow(
            campaign_id=campaign_id, customer_id=customer_id, code_id=code_row.id, code=code_row.code,
            source_id=source_id, created_at=now,
        )
        session.add(publication)
        session.flush()
        audit.record(session, at=now, actor=actor, action="code.publish", object_type="code", object_id=code_row.code,
                     after={"campaign_id": campaign_id, "customer_id": customer_id, "source_id": source_id,
                            "expires_at": iso(code_row.expires_at) if code_row.expires_at else None})
        result = convert.publication(publication, code_row)
        announce(self.work, session, "publication.created", {"publication": result, "actor": actor}, customer_id=customer_id)
        return result

    def _assign_pool_code(self, session: Session, campaign_id: str, customer_id: str, *,
                          expires_at: datetime | None) -> CodeRow:
        """Give the customer an unassigned code of the pool; `expires_at` is its own end (code_expiry)."""
        free = (
            select(CodeRow.id)
            .where(CodeRow.campaign_id == campaign_id, CodeRow.holder_id.is_(None), CodeRow.status == "active",
                   CodeRow.redeemed_count == 0)
            .order_by(CodeRow.id)
            .limit(1)
        )
        if dialect_of(session) == "postgresql":
            free = free.with_for_update(skip_locked=True)
        for _ in range(MAX_WRITE_ATTEMPTS):
            code_id = session.scalar(free)
            if code_id is None:
                raise PoolEmpty(
                    f"campaign {campaign_id!r} has no unassigned codes left; generate more codes first",
                    details={"campaign_id": campaign_id},
                )
            taken = session.execute(
                update(CodeRow).where(CodeRow.id == code_id, CodeRow.holder_id.is_(None))
                .values(holder_id=customer_id, expires_at=expires_at)
                .execution_options(synchronize_session=False)
            ).rowcount
            if taken == 1:
                row = session.get(CodeRow, code_id)
                session.refresh(row)
                return row
        raise Conflict("could not reserve a code; try again", code="busy")

    def renew_publication(
        self, publication_id: int, *, as_of: datetime | None = None, actor: str = "system"
    ) -> Publication:
        """Give a published code that is still unused the end a publication at `as_of` (default
        now) would give it (code_expiry), so a code handed out days ago, say a demo persona's
        birthday code, is valid again for its campaign's `valid_days` from that day. The
        publication keeps its id, code and date. When the end moves it is audited (code.renew)
        and announced (publication.renewed); nothing happens when it would not move or the
        campaign's codes have no end of their own. A redeemed code keeps its end: Conflict
        (``code_used``). NotFound (``publication_not_found``) for an unknown id.
        """
        if as_of is not None and as_of.tzinfo is None:
            raise InvalidRequest("as_of must carry a time zone", code="invalid_as_of")
        return self.work.write(lambda session: self._renew_publication_in(session, publication_id, as_of, actor))

    def _renew_publication_in(self, session: Session, publication_id: int, as_of: datetime | None,
                              actor: str) -> Publication:
        row = session.get(PublicationRow, publication_id)
        if row is None:
            raise NotFound(f"no publication {publication_id}", code="publication_not_found")
        code_row = session.scalar(for_update(select(CodeRow).where(CodeRow.id == row.code_id), session))
        campaign = self.work.campaign(self.work.campaign_row(session, row.campaign_id))
        now = self.work.clock()
        # A campaign's public code is everyone's: it never gets an end of its own.
        end = None if campaign.code else code_expiry(campaign, as_of or now)
        if end is None:
            return convert.publication(row, code_row, created=False)
        if code_row.redeemed_count:
            raise Conflict(f"code {code_row.code!r} has been used; it keeps its end", code="code_used",
                           details={"code": code_row.code})
        previous = code_row.expires_at
        if previous == end:
            return convert.publication(row, code_row, created=False)
        code_row.expires_at = end
        session.flush()
        audit.record(session, at=now, actor=actor, action="code.renew", object_type="code", object_id=code_row.code,
                     before={"expires_at": iso(previous) if previous else None},
                     after={"expires_at": iso(end), "publication_id": row.id})
        result = convert.publication(row, code_row, created=False)
        announce(self.work, session, "publication.renewed", {"publication": result, "previous_expires_at": previous, "actor": actor},
                   customer_id=row.customer_id)
        return result

    def list_publications(self, customer_id: str) -> list[Publication]:
        with self.work.read() as session:
            rows = session.execute(
                select(PublicationRow, CodeRow).join(CodeRow, PublicationRow.code_id == CodeRow.id)
                .where(PublicationRow.customer_id == customer_id).order_by(PublicationRow.id)
            )
            return [convert.publication(publication, code) for publication, code in rows]
