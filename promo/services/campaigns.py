"""Campaigns: create, replace, pause/resume/archive, read and parse their definitions.

Each call is one transaction; a change is audited and announced (campaign.*) in it, and the
active set (promo.services.active) is told to reload.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from promo.core.campaign import Campaign
from promo.core.codes import normalise_code
from promo.core.errors import Conflict, InvalidRequest, NotFound, UnreadableDefinition
from promo.core.records import CampaignInfo, CampaignStatus, CodeStatus
from promo.format.definition import DefinitionError, parse_campaign
from promo.services.checks import json_ready
from promo.services.outbox import announce
from promo.services.unit_of_work import UnitOfWork, field_errors
from promo.storage import audit, convert, counters
from promo.storage.models import CampaignRow, CodeRow

STATUS_ACTIONS = {"pause": CampaignStatus.PAUSED, "resume": CampaignStatus.ACTIVE, "archive": CampaignStatus.ARCHIVED}
LOAD_BATCH = 500   # ids per IN (...) in load_campaigns and campaign_names


class Campaigns:
    """The campaign operations of the Engine."""

    def __init__(self, work: UnitOfWork):
        self.work = work

    def parse(self, definition: Mapping[str, Any]) -> Campaign:
        """Validate a definition without storing it. Raises InvalidRequest listing every problem."""
        try:
            return parse_campaign(json_ready(definition), timezone=self.work.timezone)
        except DefinitionError as error:
            raise InvalidRequest(
                f"the campaign definition is invalid:\n{error}",
                code="invalid_definition",
                details={"errors": field_errors(error.errors)},
            ) from None

    def create_campaign(self, definition: Mapping[str, Any], *, actor: str = "system") -> CampaignInfo:
        data = json_ready(definition)
        campaign = self.parse(data)

        def work(session: Session) -> CampaignInfo:
            if session.get(CampaignRow, campaign.id) is not None:
                raise Conflict(f"a campaign with id {campaign.id!r} already exists", code="campaign_exists")
            now = self.work.clock()
            row = CampaignRow(
                id=campaign.id, name=campaign.name, kind=campaign.kind.value, definition=data, status="active",
                version=1, redemptions_count=0, budget_used=0, order_value_used=0, created_at=now, updated_at=now,
                capped=counters.campaign_capped(campaign.limits),
            )
            session.add(row)
            session.flush()
            if campaign.code:
                self._add_public_code(session, campaign, now)
            audit.record(session, at=now, actor=actor, action="campaign.create", object_type="campaign",
                         object_id=campaign.id, after=convert.campaign_snapshot(row))
            announce(self.work, session, "campaign.created", {"campaign_id": row.id, "campaign": convert.campaign_snapshot(row), "actor": actor})
            return convert.campaign_info(row)

        info = self.work.write(work)
        self.work.active.forget()
        return info

    def update_campaign(self, campaign_id: str, definition: Mapping[str, Any], *, actor: str = "system") -> CampaignInfo:
        """Replace a campaign's definition. Its id cannot change; its counters are kept."""
        data = json_ready(definition)
        data.setdefault("id", campaign_id)
        campaign = self.parse(data)
        if campaign.id != campaign_id:
            raise InvalidRequest(
                f"the definition's id {campaign.id!r} does not match the campaign {campaign_id!r}; ids cannot change",
                code="campaign_id_mismatch",
            )

        def work(session: Session) -> CampaignInfo:
            row = self.work.campaign_row(session, campaign_id, lock=True)
            before = convert.campaign_snapshot(row)
            if row.kind != campaign.kind.value:
                raise InvalidRequest(
                    f"a campaign's kind cannot change ({row.kind} -> {campaign.kind.value}); create a new campaign",
                    code="campaign_kind_change",
                )
            now = self.work.clock()
            old_code = self.work.stored_code(row)
            if normalise_code(old_code or "") != normalise_code(campaign.code or ""):
                if old_code:
                    session.execute(
                        update(CodeRow)
                        .where(CodeRow.code == normalise_code(old_code), CodeRow.campaign_id == campaign_id)
                        .values(status="disabled")
                    )
                if campaign.code:
                    self._add_public_code(session, campaign, now)
            row.name = campaign.name
            row.definition = data
            row.version += 1
            row.updated_at = now
            row.capped = counters.campaign_capped(campaign.limits)
            session.flush()
            if row.capped:
                # Its caps count every order placed while it was uncapped. The row is locked
                # FOR UPDATE: orders whose items point at it have committed (their foreign key's
                # share lock held this lock off) and later ones wait for this commit.
                counters.fold(session, campaign_id)
                session.refresh(row)
            audit.record(session, at=now, actor=actor, action="campaign.update", object_type="campaign",
                         object_id=campaign_id, before=before, after=convert.campaign_snapshot(row))
            announce(self.work, session, "campaign.updated", {"campaign_id": row.id, "campaign": convert.campaign_snapshot(row), "actor": actor})
            return _info(session, row)

        info = self.work.write(work)
        self.work.active.forget()
        return info

    def set_campaign_status(self, campaign_id: str, action: str, *, actor: str = "system") -> CampaignInfo:
        """``action`` is ``pause``, ``resume`` or ``archive``. Archived campaigns stay archived."""
        if action not in STATUS_ACTIONS:
            raise InvalidRequest(
                f"unknown campaign action {action!r}; expected one of {', '.join(STATUS_ACTIONS)}", code="invalid_action"
            )
        target = STATUS_ACTIONS[action]

        def work(session: Session) -> CampaignInfo:
            row = self.work.campaign_row(session, campaign_id, lock=True)
            if row.status == CampaignStatus.ARCHIVED and target is not CampaignStatus.ARCHIVED:
                raise Conflict(f"campaign {campaign_id!r} is archived and cannot be {action}d", code="campaign_archived")
            if row.status != target:
                before = convert.campaign_snapshot(row)
                row.status = target.value
                row.updated_at = self.work.clock()
                session.flush()
                audit.record(session, at=row.updated_at, actor=actor, action=f"campaign.{action}",
                             object_type="campaign", object_id=campaign_id, before=before,
                             after=convert.campaign_snapshot(row))
                announce(self.work, session, f"campaign.{target.value if target is not CampaignStatus.ACTIVE else 'resumed'}",
                           {"campaign_id": row.id, "campaign": convert.campaign_snapshot(row), "actor": actor})
            return _info(session, row)

        info = self.work.write(work)
        self.work.active.forget()
        return info

    def get_campaign(self, campaign_id: str) -> CampaignInfo:
        with self.work.read() as session:
            return _info(session, self.work.campaign_row(session, campaign_id))

    def load_campaign(self, campaign_id: str) -> Campaign:
        """The parsed campaign (frozen dataclasses), e.g. for describing it in the UI."""
        with self.work.read() as session:
            return self.work.campaign(self.work.campaign_row(session, campaign_id))

    def load_campaigns(self, campaign_ids: Iterable[str]) -> dict[str, Campaign]:
        """load_campaign for several campaigns in one query (per 500 ids), by id."""
        wanted = sorted(set(campaign_ids))
        found: dict[str, Campaign] = {}
        with self.work.read() as session:
            for start in range(0, len(wanted), LOAD_BATCH):
                rows = session.scalars(select(CampaignRow).where(CampaignRow.id.in_(wanted[start:start + LOAD_BATCH])))
                found.update((row.id, self.work.campaign(row)) for row in rows)
        missing = [campaign_id for campaign_id in wanted if campaign_id not in found]
        if missing:
            raise NotFound(f"no campaign {missing[0]!r}", code="campaign_not_found", details={"campaign_ids": missing})
        return found

    def campaign_names(self, campaign_ids: Iterable[str]) -> dict[str, str]:
        """The names of these campaigns (whatever their status), by id, in one query per 500 ids;
        unknown ids are left out. For naming past redemptions without reading every campaign."""
        wanted = sorted(set(campaign_ids))
        with self.work.read() as session:
            return {
                campaign_id: name
                for start in range(0, len(wanted), LOAD_BATCH)
                for campaign_id, name in session.execute(
                    select(CampaignRow.id, CampaignRow.name).where(CampaignRow.id.in_(wanted[start:start + LOAD_BATCH])))
            }

    def list_campaigns(self, *, status: str | None = None, kind: str | None = None) -> list[CampaignInfo]:
        statement = select(CampaignRow).order_by(CampaignRow.created_at, CampaignRow.id)
        if status is not None:
            statement = statement.where(CampaignRow.status == status)
        if kind is not None:
            statement = statement.where(CampaignRow.kind == kind)
        with self.work.read() as session:
            rows = list(session.scalars(statement))
            outside = counters.uncounted(session, [row.id for row in rows if not row.capped]) if rows else {}
            return [convert.campaign_info(row, outside.get(row.id)) for row in rows]

    def campaign_of(self, info: CampaignInfo) -> Campaign:
        """The parsed form of a campaign already read (get_campaign, list_campaigns); raises
        UnreadableDefinition (with every problem) when its stored definition cannot be parsed."""
        return self.work.campaign(info)

    def definition_errors(self, info: CampaignInfo) -> list[dict[str, str]]:
        """Why the campaign's stored definition cannot be parsed, ``{path, message}`` each; empty
        when it can. Such a campaign is skipped when carts are priced until it is replaced."""
        try:
            self.work.campaign(info)
        except UnreadableDefinition as error:
            return error.details["errors"]
        return []

    def _add_public_code(self, session: Session, campaign: Campaign, now: datetime) -> None:
        code = normalise_code(campaign.code or "")
        existing = session.scalar(select(CodeRow).where(CodeRow.code == code))
        if existing is not None:
            if existing.campaign_id != campaign.id:
                raise Conflict(f"code {code!r} already belongs to campaign {existing.campaign_id!r}", code="code_taken")
            existing.status = CodeStatus.ACTIVE.value
            return
        session.add(CodeRow(code=code, campaign_id=campaign.id, status="active", redeemed_count=0, created_at=now))
        session.flush()


def _info(session: Session, row: CampaignRow) -> CampaignInfo:
    """The campaign with its figures: its row's counters plus, uncapped, the redemptions its
    orders did not count on the row."""
    return convert.campaign_info(row, None if row.capped else counters.uncounted(session, [row.id]).get(row.id))
