"""Codes made for one customer on the spot: referral codes, referral rewards, points rewards.

A referral campaign's `reward` and a loyalty campaign's `rewards` are effects, not campaigns. A
code must belong to a campaign the evaluation can read, so each such effect gets a companion
campaign (kind bulk, single-use codes, unlisted) kept in step with its parent's definition:
``<parent>--reward``, ``<parent>--bonus-5``, ``<parent>--reward-2``. Its codes are drawn from its
pattern one at a time (promo.storage.drawing), straight into the holder's wallet, and published with a `source_id`, so
the same reason (one conversion, one spend) never yields two codes.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from promo.core.campaign import Campaign
from promo.core.errors import Conflict
from promo.core.timing import code_expiry
from promo.storage import audit, convert
from promo.storage.drawing import draw_new_code
from promo.storage.models import ID_LENGTH, CampaignRow, CodeRow, PublicationRow

REWARD_PATTERN = "RWD-##########"
# session.info key: publications made in this transaction, for the caller to announce
# (promo.services.incentives writes a publication.created event for each).
ISSUED = "promo.issued_publications"


def take_issued(session: Session) -> list[PublicationRow]:
    """The publications issue_code made in this session since the last call."""
    return session.info.pop(ISSUED, [])


def companion_id(parent_id: str, suffix: str) -> str:
    """``<parent>--<suffix>``, shortened with a hash when it would not fit an id."""
    candidate = f"{parent_id}--{suffix}"
    if len(candidate) <= ID_LENGTH:
        return candidate
    digest = hashlib.sha256(candidate.encode()).hexdigest()[:8]
    return f"{parent_id[: ID_LENGTH - len(suffix) - 11]}-{digest}--{suffix}"


def companion_campaign(
    session: Session, parent: Campaign, suffix: str, name: str, effect: Mapping[str, Any], now: datetime
) -> CampaignRow:
    """The companion campaign whose codes grant `effect` (the raw effect from the parent's
    definition), created or brought in step with the parent."""
    campaign_id = companion_id(parent.id, suffix)
    definition: dict[str, Any] = {
        "id": campaign_id,
        "name": name[:200],
        "kind": "bulk",
        "description": f"Codes given by {parent.name}.",
        "codes": {"pattern": REWARD_PATTERN},
        "effect": dict(effect),
        "limits": {"per_code": 1},
        "visibility": {"listed": False},
        "tags": ["reward", f"of-{parent.id}"[:50]],
    }
    if parent.currency:
        definition["currency"] = parent.currency
    row = session.get(CampaignRow, campaign_id)
    if row is None:
        row = CampaignRow(
            id=campaign_id, name=definition["name"], kind="bulk", definition=definition, status="active", version=1,
            redemptions_count=0, budget_used=0, order_value_used=0, created_at=now, updated_at=now,
            capped=False,   # single-use codes, no campaign-wide limit: orders leave this row alone
        )
        session.add(row)
        session.flush()
        audit.record(session, at=now, actor="system", action="campaign.create", object_type="campaign",
                     object_id=campaign_id, after=convert.campaign_snapshot(row))
    elif row.definition != definition:
        row.definition, row.name, row.version, row.updated_at = definition, definition["name"], row.version + 1, now
        session.flush()
    return row


def issue_code(
    session: Session,
    campaign: Campaign,
    holder_id: str,
    *,
    source_id: str,
    now: datetime,
    actor: str = "system",
) -> tuple[CodeRow, bool]:
    """A new code of `campaign`'s pattern, held by and published to `holder_id`; (row, created).
    The same `source_id` returns the code it made the first time."""
    earlier = session.scalar(
        select(PublicationRow).where(PublicationRow.campaign_id == campaign.id, PublicationRow.source_id == source_id)
    )
    if earlier is not None:
        if earlier.customer_id != holder_id:
            raise Conflict(f"source_id {source_id!r} was already used for another customer", code="source_id_reused")
        return session.get(CodeRow, earlier.code_id), False
    pattern = campaign.code_pattern
    if pattern is None:
        raise Conflict(f"campaign {campaign.id!r} has no code pattern to draw a code from", code="no_code_pattern")
    row = draw_new_code(session, campaign.id, pattern, now=now, holder_id=holder_id,
                        expires_at=code_expiry(campaign, now))
    publication = PublicationRow(campaign_id=campaign.id, customer_id=holder_id, code_id=row.id, code=row.code,
                                 source_id=source_id, created_at=now)
    session.add(publication)
    session.flush()
    session.info.setdefault(ISSUED, []).append(publication)
    audit.record(session, at=now, actor=actor, action="code.publish", object_type="code", object_id=row.code,
                 after={"campaign_id": campaign.id, "customer_id": holder_id, "source_id": source_id})
    return row, True
