"""Two-sided referrals: the advocate's code, the friend's first order, the advocate's rewards.

* An advocate's code is a code of the referral campaign held by the advocate. Friends enter it
  (unlike other held codes, which only their holder may use); the advocate may not.
* A friend must be signed in, must never have ordered, and counts once per campaign (the
  ``referrals`` table's unique key). Each refusal has its own reason. A friend whose referral
  converted counts for good: cancelling that order does not make them new again, so one
  friend cannot earn an advocate a second reward by ordering, cancelling and ordering again.
* The friend's order records a referral. It converts when the order is placed, or, when the
  campaign names another ``conversion`` event, when the store reports that event for the friend.
* Each conversion publishes a reward code to the advocate; a bonus tier adds a bonus code on
  the conversion that reaches it, unless the advocate already holds a live one for that tier
  (unused and active, or used). Rolling the friend's order back revokes the referral and
  disables its reward code; when that takes the advocate's converted count below a tier, the
  tier's bonus is disabled too, so it can be earned again by reaching the tier again, but an
  advocate never holds two live bonuses for one tier.
* A reward already used when its referral is revoked is taken back by refusing the
  advocate's next reward: each such reward is a debt (``rewards_owed``), and a conversion
  while the advocate owes one is recorded without a reward code (withheld), which repays it.
  The debt is counted from the rows every time, not kept in a counter, so it stays right
  whatever order cancellations and conversions come in: a withheld conversion whose order is
  cancelled in turn no longer repays anything, and a used reward whose own order is cancelled
  is no longer owed (its code stays disabled, so it cannot be used once more). Conversions and
  revocations lock the advocate's customer row first (PostgreSQL), so two racing conversions
  never both repay one debt.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from promo.core.campaign import Campaign, Kind
from promo.core.errors import Conflict, NotFound
from promo.core.incentive_records import ReferralCode, ReferralConversion, ReferralReward, ReferralSummary
from promo.core.reasons import Reason
from promo.services.issue import companion_campaign, companion_id, issue_code
from promo.storage.database import dialect_of
from promo.storage.models import CampaignRow, CodeRow, CustomerRow, RedemptionRow, ReferralRow

ParseCampaign = Callable[[CampaignRow], Campaign]
ORDER_PAID = "order_paid"
OPEN = ("pending", "converted")
codes = CodeRow.__table__


def conversion_event(campaign: Campaign) -> str:
    return (campaign.options.get("referral") or {}).get("conversion") or ORDER_PAID


def refusal(session: Session, code_row: CodeRow, customer_id: str | None) -> Reason | None:
    """Why this shopper cannot use the advocate's code (None when they can)."""
    if code_row.holder_id is None:
        return Reason.CODE_NOT_FOUND
    if customer_id is None:
        return Reason.REFERRAL_LOGIN_REQUIRED
    if code_row.holder_id == customer_id:
        return Reason.REFERRAL_SELF
    customer = session.get(CustomerRow, customer_id)
    if customer is not None and customer.orders_count > 0:
        return Reason.REFERRAL_NOT_NEW_CUSTOMER
    earlier = session.scalar(
        select(ReferralRow).where(ReferralRow.campaign_id == code_row.campaign_id, ReferralRow.friend_id == customer_id)
    )
    return Reason.REFERRAL_ALREADY_COUNTED if earlier is not None and counts_for_good(earlier) else None


def counts_for_good(referral: ReferralRow) -> bool:
    """Whether the friend of this referral can never be referred again in its campaign: while it
    is open, and once it converted, even if its order was cancelled since (else ordering,
    cancelling and ordering again would farm rewards). Only a referral revoked before it
    converted (nothing was paid) leaves the friend free to be referred again."""
    return referral.status in OPEN or referral.converted_at is not None


def default_campaign(session: Session) -> CampaignRow:
    row = session.scalar(
        select(CampaignRow).where(CampaignRow.kind == Kind.REFERRAL.value, CampaignRow.status == "active")
        .order_by(CampaignRow.created_at, CampaignRow.id).limit(1)
    )
    if row is None:
        raise NotFound("the store runs no referral campaign right now", code="no_referral_campaign")
    return row


def referral_campaign(session: Session, campaign_id: str | None) -> CampaignRow:
    if campaign_id is None:
        return default_campaign(session)
    row = session.get(CampaignRow, campaign_id)
    if row is None or row.kind != Kind.REFERRAL.value:
        raise NotFound(f"no referral campaign {campaign_id!r}", code="referral_campaign_not_found")
    return row


def advocate_code(session: Session, campaign_id: str, customer_id: str) -> CodeRow | None:
    return session.scalar(
        select(CodeRow).where(CodeRow.campaign_id == campaign_id, CodeRow.holder_id == customer_id,
                              CodeRow.status == "active").order_by(CodeRow.id).limit(1)
    )


def code_for(session: Session, parse: ParseCampaign, customer_id: str, campaign_id: str | None, now: datetime) -> ReferralCode:
    """The customer's code for the campaign, made the first time it is asked for."""
    row = referral_campaign(session, campaign_id)
    if row.status != "active":
        raise Conflict(f"referral campaign {row.id!r} is {row.status}", code="referral_campaign_inactive")
    if session.get(CustomerRow, customer_id) is None:
        raise NotFound(f"no customer {customer_id!r}", code="customer_not_found")
    existing = advocate_code(session, row.id, customer_id)
    if existing is not None:
        return ReferralCode(row.id, existing.code, created=False)
    code, created = issue_code(session, parse(row), customer_id, source_id=f"referral-code:{customer_id}", now=now)
    return ReferralCode(row.id, code.code, created)


def record(session: Session, parse: ParseCampaign, redemption: RedemptionRow, now: datetime) -> list[ReferralConversion]:
    """Record the referrals of a just-placed order and convert those that count on payment."""
    if redemption.customer_id is None:
        return []
    converted = []
    for item in redemption.items:
        if item.code_id is None:
            continue
        row = session.get(CampaignRow, item.campaign_id)
        if row is None or row.kind != Kind.REFERRAL.value:
            continue
        code_row = session.get_one(CodeRow, item.code_id)
        # Before the referral row is written: its foreign key share-locks the advocate's row,
        # and two orders holding that share would each wait for the other's to lock it.
        lock_advocate(session, code_row.holder_id)
        referral = session.scalar(
            select(ReferralRow).where(ReferralRow.campaign_id == row.id, ReferralRow.friend_id == redemption.customer_id)
        )
        if referral is not None and counts_for_good(referral):
            raise Conflict("this friend has already been referred", code=Reason.REFERRAL_ALREADY_COUNTED.value)
        if referral is None:
            referral = ReferralRow(campaign_id=row.id, friend_id=redemption.customer_id, created_at=now)
            session.add(referral)
        # A friend whose referred order was rolled back before it converted may be referred
        # again: same row, new order.
        referral.code_id, referral.advocate_id, referral.order_id = code_row.id, code_row.holder_id, redemption.order_id
        referral.status, referral.reward_code_id, referral.bonus_code_id = "pending", None, None
        referral.converted_at = referral.revoked_at = None
        session.flush()
        if conversion_event(parse(row)) == ORDER_PAID:
            converted.append(_convert(session, parse, row, referral, now))
    return converted


def convert_pending(session: Session, parse: ParseCampaign, friend_id: str, event: str, now: datetime) -> list[ReferralConversion]:
    """Convert the friend's pending referrals whose campaign waits for `event` (maybe none)."""
    pending = list(session.scalars(
        select(ReferralRow).where(ReferralRow.friend_id == friend_id, ReferralRow.status == "pending")
        .order_by(ReferralRow.id)
    ))
    converted = []
    for referral in pending:
        row = session.get(CampaignRow, referral.campaign_id)
        if conversion_event(parse(row)) == event:
            converted.append(_convert(session, parse, row, referral, now))
    return converted


def _convert(session: Session, parse: ParseCampaign, row: CampaignRow, referral: ReferralRow, now: datetime) -> ReferralConversion:
    campaign = parse(row)
    section: dict[str, Any] = row.definition["referral"]
    lock_advocate(session, referral.advocate_id)
    owed = rewards_owed(session, row.id, referral.advocate_id)
    referral.status, referral.converted_at = "converted", now
    session.flush()
    code = None
    if owed == 0:
        reward = parse(companion_campaign(session, campaign, "reward", f"{campaign.name}: thanks for a referral",
                                          section["reward"], now))
        source = f"referral:{referral.id}:{referral.order_id}"
        code, _ = issue_code(session, reward, referral.advocate_id, source_id=source, now=now)
        referral.reward_code_id = code.id
    # else: withheld (reward_code_id stays None), which repays one reward taken back.
    count = converted_count(session, row.id, referral.advocate_id)
    bonus_code = None
    for bonus in section.get("bonuses") or ():
        if bonus["referrals"] != count:
            continue
        tier_id = companion_id(campaign.id, f"bonus-{count}")
        held = tier_bonuses(session, tier_id, referral.advocate_id)
        if any(live(code_row) for code_row in held):
            continue   # this tier was paid already (and not taken back): never twice
        tier = parse(companion_campaign(session, campaign, f"bonus-{count}",
                                        f"{campaign.name}: bonus for {count} referrals", bonus["reward"], now))
        # The source names the advocate, the tier and which earning of it this is (not the
        # referral), so the publications' unique key also allows one bonus per earning.
        bonus_source = _bonus_source(referral.advocate_id, count, len(held))
        bonus_row, _ = issue_code(session, tier, referral.advocate_id, source_id=bonus_source, now=now)
        referral.bonus_code_id, bonus_code = bonus_row.id, bonus_row.code
    session.flush()
    return ReferralConversion(referral.id, row.id, referral.advocate_id, referral.friend_id,
                              code.code if code is not None else None, bonus_code)


def lock_advocate(session: Session, advocate_id: str | None) -> None:
    """Serialise the advocate's conversions and revocations (PostgreSQL; SQLite's writers
    queue anyway), so the rewards owed each one reads are the ones it changes. FOR NO KEY
    UPDATE: rows that merely point at the advocate (their referrals, their reward codes) do not
    wait for it, and it does not wait for them."""
    statement = select(CustomerRow.id).where(CustomerRow.id == advocate_id)
    if dialect_of(session) == "postgresql":
        statement = statement.with_for_update(key_share=True)
    session.scalar(statement)


def rewards_owed(session: Session, campaign_id: str, advocate_id: str) -> int:
    """How many rewards the advocate still owes: rewards used before their referral was
    revoked, less the conversions since whose reward was withheld to repay them."""
    reclaimed = session.scalar(
        select(func.count()).select_from(ReferralRow).join(CodeRow, CodeRow.id == ReferralRow.reward_code_id)
        .where(ReferralRow.campaign_id == campaign_id, ReferralRow.advocate_id == advocate_id,
               ReferralRow.status == "revoked", CodeRow.redeemed_count > 0)
    ) or 0
    return max(0, reclaimed - withheld_count(session, campaign_id, advocate_id))


def withheld_count(session: Session, campaign_id: str, advocate_id: str) -> int:
    """Conversions that stand and whose reward was withheld to repay a reward taken back."""
    return session.scalar(
        select(func.count()).select_from(ReferralRow)
        .where(ReferralRow.campaign_id == campaign_id, ReferralRow.advocate_id == advocate_id,
               ReferralRow.status == "converted", ReferralRow.reward_code_id.is_(None))
    ) or 0


def converted_count(session: Session, campaign_id: str, advocate_id: str) -> int:
    return session.scalar(
        select(func.count()).select_from(ReferralRow)
        .where(ReferralRow.campaign_id == campaign_id, ReferralRow.advocate_id == advocate_id,
               ReferralRow.status == "converted")
    ) or 0


def tier_bonuses(session: Session, tier_campaign_id: str, advocate_id: str) -> list[CodeRow]:
    """Every bonus code of one tier the advocate was given, live or taken back, oldest first."""
    return list(session.scalars(
        select(CodeRow).where(CodeRow.campaign_id == tier_campaign_id, CodeRow.holder_id == advocate_id)
        .order_by(CodeRow.id).execution_options(populate_existing=True)
    ))


def live(code_row: CodeRow) -> bool:
    """A bonus counts as paid while it can still be used or once it was used."""
    return code_row.redeemed_count > 0 or code_row.status == "active"


def _bonus_source(advocate_id: str, tier: int, earning: int) -> str:
    who = advocate_id if len(advocate_id) <= 200 else hashlib.sha256(advocate_id.encode()).hexdigest()
    return f"referral-bonus:{tier}:{earning}:{who}"


def revoke_order(session: Session, order_id: int, now: datetime) -> int:
    """Revoke the order's referrals and disable their reward codes, and the bonuses of tiers
    their advocates no longer reach; returns how many referrals were revoked. A reward already
    used becomes a debt the advocate's next reward repays (rewards_owed)."""
    revoked = list(session.scalars(
        select(ReferralRow).where(ReferralRow.order_id == order_id, ReferralRow.status.in_(OPEN))
        .order_by(ReferralRow.id)
    ))
    for advocate_id in sorted({r.advocate_id for r in revoked}):
        lock_advocate(session, advocate_id)
    for referral in revoked:
        referral.status, referral.revoked_at = "revoked", now
        if referral.reward_code_id is not None:
            # Used or not: a used one must not come back to life when its own order is
            # cancelled (restore_code gives the use back, the disabled status stays).
            session.execute(update(codes).where(codes.c.id == referral.reward_code_id).values(status="disabled"))
    session.flush()
    for campaign_id, advocate_id in sorted({(r.campaign_id, r.advocate_id) for r in revoked}):
        _revoke_unreached_bonuses(session, campaign_id, advocate_id)
    session.flush()
    return len(revoked)


def _revoke_unreached_bonuses(session: Session, campaign_id: str, advocate_id: str) -> None:
    """Disable the advocate's bonuses of the tiers above their converted count. A used one
    stays used and counts as paid (reaching the tier again pays nothing more); disabling it
    too keeps it dead should the order it paid for be cancelled."""
    tiers = _tiers(session.get(CampaignRow, campaign_id))
    count = converted_count(session, campaign_id, advocate_id)
    tier_ids = [companion_id(campaign_id, f"bonus-{tier}") for tier in tiers if tier > count]
    if tier_ids:
        session.execute(update(codes).where(codes.c.campaign_id.in_(tier_ids), codes.c.holder_id == advocate_id,
                                            codes.c.status == "active")
                        .values(status="disabled"))


def _tiers(row: CampaignRow | None) -> list[int]:
    """The tiers (referral counts) of the campaign's stored `bonuses`, read leniently: a
    definition that no longer parses must not stop an order from being rolled back."""
    section = (row.definition if row is not None and isinstance(row.definition, dict) else {}).get("referral")
    bonuses = section.get("bonuses") if isinstance(section, dict) else None
    if not isinstance(bonuses, list):
        return []
    return sorted({b["referrals"] for b in bonuses
                   if isinstance(b, dict) and isinstance(b.get("referrals"), int) and not isinstance(b["referrals"], bool)})


def summary(session: Session, customer_id: str, campaign_id: str | None) -> ReferralSummary:
    row = referral_campaign(session, campaign_id)
    code = advocate_code(session, row.id, customer_id)
    referrals = list(session.scalars(
        select(ReferralRow).where(ReferralRow.campaign_id == row.id, ReferralRow.advocate_id == customer_id)
        .order_by(ReferralRow.id)
    ))
    rewards = []
    listed: set[int] = set()
    for referral in referrals:
        for kind, code_id in (("reward", referral.reward_code_id), ("bonus", referral.bonus_code_id)):
            if code_id is None:
                continue
            listed.add(code_id)
            rewards.append(_reward(session.get(CodeRow, code_id), kind,
                                   taken_back=kind == "reward" and referral.status == "revoked"))
    # Bonuses no referral row points at any more (its friend was referred again since), still
    # the advocate's: listed after the others.
    bonus_campaigns = [companion_id(row.id, f"bonus-{tier}") for tier in _tiers(row)]
    if bonus_campaigns:
        for bonus in session.scalars(select(CodeRow).where(CodeRow.campaign_id.in_(bonus_campaigns),
                                                           CodeRow.holder_id == customer_id).order_by(CodeRow.id)):
            if bonus.id not in listed:
                rewards.append(_reward(bonus, "bonus"))
    return ReferralSummary(
        row.id, code.code if code is not None else None, invited=len(referrals),
        converted=sum(1 for r in referrals if r.status == "converted"), rewards=tuple(rewards),
        withheld=withheld_count(session, row.id, customer_id), owed=rewards_owed(session, row.id, customer_id),
    )


def _reward(code: CodeRow, kind: str, *, taken_back: bool = False) -> ReferralReward:
    """`taken_back`: the referral was revoked, so a used reward is owed (or was repaid)."""
    if code.redeemed_count > 0:
        status = "reclaimed" if taken_back else "used"
    else:
        status = "available" if code.status == "active" else "revoked"
    return ReferralReward(code.code, kind, status)
