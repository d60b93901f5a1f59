"""Two-sided referrals: the advocate's code, the friend's first order, the advocate's rewards.

* An advocate's code is a code of the referral campaign held by the advocate. Friends enter it
  (unlike other held codes, which only their holder may use); the advocate may not.
* A friend must be signed in, must never have ordered, and counts once per campaign (the
  ``referrals`` table's unique key). Each refusal has its own reason.
* The friend's order records a referral. It converts when the order is placed, or, when the
  campaign names another ``conversion`` event, when the store reports that event for the friend.
* Each conversion publishes a reward code to the advocate; a bonus tier adds a bonus code on
  the conversion that reaches it. Rolling the friend's order back revokes the referral and
  disables its codes that were not used yet.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..campaign import Campaign, Kind
from ..errors import Conflict, NotFound
from ..incentive_records import ReferralCode, ReferralConversion, ReferralReward, ReferralSummary
from ..reasons import Reason
from .issue import companion_campaign, issue_code
from .models import CampaignRow, CodeRow, CustomerRow, RedemptionRow, ReferralRow

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
    counted = session.scalar(
        select(ReferralRow.id).where(ReferralRow.campaign_id == code_row.campaign_id,
                                     ReferralRow.friend_id == customer_id, ReferralRow.status.in_(OPEN))
    )
    return Reason.REFERRAL_ALREADY_COUNTED if counted is not None else None


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
        code_row = session.get(CodeRow, item.code_id)
        referral = session.scalar(
            select(ReferralRow).where(ReferralRow.campaign_id == row.id, ReferralRow.friend_id == redemption.customer_id)
        )
        if referral is not None and referral.status in OPEN:
            raise Conflict("this friend has already been referred", code=Reason.REFERRAL_ALREADY_COUNTED.value)
        if referral is None:
            referral = ReferralRow(campaign_id=row.id, friend_id=redemption.customer_id, created_at=now)
            session.add(referral)
        # A friend whose referred order was rolled back may be referred again: same row, new order.
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
    referral.status, referral.converted_at = "converted", now
    session.flush()
    reward = parse(companion_campaign(session, campaign, "reward", f"{campaign.name}: thanks for a referral",
                                      section["reward"], now))
    source = f"referral:{referral.id}:{referral.order_id}"
    code, _ = issue_code(session, reward, referral.advocate_id, source_id=source, now=now)
    referral.reward_code_id = code.id
    count = session.scalar(
        select(func.count()).select_from(ReferralRow)
        .where(ReferralRow.campaign_id == row.id, ReferralRow.advocate_id == referral.advocate_id,
               ReferralRow.status == "converted")
    )
    bonus_code = None
    for bonus in section.get("bonuses") or ():
        if bonus["referrals"] == count:
            tier = parse(companion_campaign(session, campaign, f"bonus-{count}",
                                            f"{campaign.name}: bonus for {count} referrals", bonus["reward"], now))
            bonus_row, _ = issue_code(session, tier, referral.advocate_id, source_id=f"{source}:bonus-{count}", now=now)
            referral.bonus_code_id, bonus_code = bonus_row.id, bonus_row.code
    session.flush()
    return ReferralConversion(referral.id, row.id, referral.advocate_id, referral.friend_id, code.code, bonus_code)


def revoke_order(session: Session, order_id: int, now: datetime) -> int:
    """Revoke the order's referrals and disable their reward codes not used yet; returns how many."""
    revoked = list(session.scalars(
        select(ReferralRow).where(ReferralRow.order_id == order_id, ReferralRow.status.in_(OPEN))
    ))
    for referral in revoked:
        referral.status, referral.revoked_at = "revoked", now
        for code_id in sorted(c for c in (referral.reward_code_id, referral.bonus_code_id) if c is not None):
            # A reward already spent stays spent; only an unused one is taken back.
            session.execute(update(codes).where(codes.c.id == code_id, codes.c.redeemed_count == 0)
                            .values(status="disabled"))
    session.flush()
    return len(revoked)


def summary(session: Session, customer_id: str, campaign_id: str | None) -> ReferralSummary:
    row = referral_campaign(session, campaign_id)
    code = advocate_code(session, row.id, customer_id)
    referrals = list(session.scalars(
        select(ReferralRow).where(ReferralRow.campaign_id == row.id, ReferralRow.advocate_id == customer_id)
        .order_by(ReferralRow.id)
    ))
    rewards = []
    for referral in referrals:
        for kind, code_id in (("reward", referral.reward_code_id), ("bonus", referral.bonus_code_id)):
            if code_id is None:
                continue
            reward = session.get(CodeRow, code_id)
            status = "used" if reward.redeemed_count > 0 else ("available" if reward.status == "active" else "revoked")
            rewards.append(ReferralReward(reward.code, kind, status))
    return ReferralSummary(
        row.id, code.code if code is not None else None, invited=len(referrals),
        converted=sum(1 for r in referrals if r.status == "converted"), rewards=tuple(rewards),
    )
