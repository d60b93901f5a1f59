"""Loyalty balances: points earned on placed orders, taken back on rollback, spent on rewards.

A spend is one conditional UPDATE (``points = points - :cost WHERE points >= :cost``), so two
spends racing for the same points cannot both succeed and no spend takes a balance below zero.
Cancelling an order takes back every point it earned, even points already spent: the balance
may then go below zero, a debt the next orders' points repay (spending waits until the balance
covers the cost again). Every change writes a ledger row in the same transaction, so a balance
is always the sum of its ledger.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from promo.core.campaign import Campaign, Kind
from promo.core.errors import Conflict, InvalidRequest, NotFound, UnreadableDefinition
from promo.core.incentive_records import PointsAccount, PointsEntry, PointsSpend, RewardOption
from promo.core.loyalty import PaidLine, earning_rules, points_earned, rewards
from promo.services.issue import companion_campaign, issue_code
from promo.storage.database import dialect_of, insert_ignoring_conflicts
from promo.storage.models import CampaignRow, LoyaltyAccountRow, LoyaltyLedgerRow, OrderRow

ParseCampaign = Callable[[CampaignRow], Campaign]
accounts = LoyaltyAccountRow.__table__
MAX_SPEND_KEY = 255


def programmes(session: Session, parse: ParseCampaign, *, at: datetime | None = None) -> list[tuple[CampaignRow, Campaign]]:
    """Active loyalty campaigns (running at `at`, when given) whose definition can be read, oldest first."""
    rows = session.scalars(
        select(CampaignRow).where(CampaignRow.kind == Kind.LOYALTY.value, CampaignRow.status == "active")
        .order_by(CampaignRow.created_at, CampaignRow.id)
    )
    found = []
    for row in rows:
        try:
            campaign = parse(row)
        except UnreadableDefinition:
            continue   # skipped (the engine logs it): orders still place, other programmes still earn
        if at is not None and ((campaign.starts_at and at < campaign.starts_at) or (campaign.ends_at and at >= campaign.ends_at)):
            continue
        found.append((row, campaign))
    return found


def earn(session: Session, parse: ParseCampaign, order: OrderRow, customer_id: str, now: datetime) -> int:
    """Credit what the order earns in every running programme; returns the points earned."""
    lines = [PaidLine(line.unit_price * line.quantity - line.discount, frozenset(line.categories)) for line in order.lines]
    earned = 0
    for row, campaign in programmes(session, parse, at=now):
        if campaign.currency is not None and campaign.currency != order.currency:
            continue   # points are per unit of the programme's currency: another currency earns none
        points = points_earned(lines, earning_rules(campaign))
        if points > 0:
            balance = _change(session, row.id, customer_id, points)
            _log(session, row.id, customer_id, "earn", points, balance, now, order_id=order.id)
            earned += points
    return earned


def reverse_order(session: Session, order_id: int, now: datetime) -> int:
    """Take back everything the order earned (once). When some of it was spent already the
    balance goes below zero: the reward stays paid for, by the customer's next points."""
    entries = session.execute(
        select(LoyaltyLedgerRow.campaign_id, LoyaltyLedgerRow.customer_id, LoyaltyLedgerRow.kind, LoyaltyLedgerRow.points)
        .where(LoyaltyLedgerRow.order_id == order_id)
    ).all()
    if any(kind == "reverse" for *_, kind, _points in entries):
        return 0
    reversed_points = 0
    for campaign_id, customer_id, kind, points in sorted(entries):
        if kind != "earn":
            continue
        balance = _change(session, campaign_id, customer_id, -points)
        _log(session, campaign_id, customer_id, "reverse", -points, balance, now, order_id=order_id)
        reversed_points += points
    return reversed_points


def spend(
    session: Session, parse: ParseCampaign, customer_id: str, campaign_id: str, reward_number: int,
    now: datetime, *, spend_key: str | None = None,
) -> PointsSpend:
    if spend_key is not None and not (isinstance(spend_key, str) and 0 < len(spend_key) <= MAX_SPEND_KEY):
        raise InvalidRequest(f"an idempotency key must be 1 to {MAX_SPEND_KEY} characters", code="invalid_idempotency_key")
    row = programme_row(session, campaign_id)
    campaign = parse(row)
    catalogue = {reward.number: reward for reward in rewards(campaign)}
    reward = catalogue.get(reward_number) if isinstance(reward_number, int) else None
    if reward is None:
        raise NotFound(f"programme {campaign_id!r} has no reward {reward_number!r}", code="reward_not_found")
    if spend_key is not None:
        earlier = session.scalar(select(LoyaltyLedgerRow).where(
            LoyaltyLedgerRow.campaign_id == campaign_id, LoyaltyLedgerRow.customer_id == customer_id,
            LoyaltyLedgerRow.spend_key == spend_key))
        if earlier is not None:
            return PointsSpend(campaign_id, reward.name, -earlier.points, earlier.balance_after, earlier.reward_code or "",
                               replayed=True)
    session.execute(insert_ignoring_conflicts(accounts, dialect_of(session)),
                    {"campaign_id": campaign_id, "customer_id": customer_id, "points": 0})
    taken = session.execute(
        update(accounts)
        .where(accounts.c.campaign_id == campaign_id, accounts.c.customer_id == customer_id,
               accounts.c.points >= reward.points)
        .values(points=accounts.c.points - reward.points)
    ).rowcount
    if taken != 1:
        have = _points(session, campaign_id, customer_id)
        raise Conflict(
            f"{reward.name} costs {reward.points:,} points and you have {have:,}",
            code="insufficient_points", details={"points": have, "cost": reward.points},
        )
    balance = _points(session, campaign_id, customer_id)
    entry = _log(session, campaign_id, customer_id, "spend", -reward.points, balance, now, spend_key=spend_key)
    raw_effect = row.definition["loyalty"]["rewards"][reward.number - 1]["effect"]
    companion = parse(companion_campaign(session, campaign, f"reward-{reward.number}", f"{campaign.name}: {reward.name}",
                                         raw_effect, now))
    code, _ = issue_code(session, companion, customer_id, source_id=f"points-spend:{entry.id}", now=now)
    entry.reward_code = code.code
    session.flush()
    return PointsSpend(campaign_id, reward.name, reward.points, balance, code.code)


def programme_row(session: Session, campaign_id: str) -> CampaignRow:
    row = session.get(CampaignRow, campaign_id)
    if row is None or row.kind != Kind.LOYALTY.value:
        raise NotFound(f"no loyalty programme {campaign_id!r}", code="loyalty_programme_not_found")
    if row.status != "active":
        raise Conflict(f"loyalty programme {campaign_id!r} is {row.status}", code="loyalty_programme_inactive")
    return row


def account(session: Session, parse: ParseCampaign, row: CampaignRow, customer_id: str, *, entries: int = 50) -> PointsAccount:
    campaign = parse(row)
    points = _points(session, row.id, customer_id)
    ledger = session.execute(
        select(LoyaltyLedgerRow, OrderRow.order_ref)
        .outerjoin(OrderRow, LoyaltyLedgerRow.order_id == OrderRow.id)
        .where(LoyaltyLedgerRow.campaign_id == row.id, LoyaltyLedgerRow.customer_id == customer_id)
        .order_by(LoyaltyLedgerRow.id.desc()).limit(entries)
    ).all()
    return PointsAccount(
        row.id, campaign.name, points,
        tuple(RewardOption(r.number, r.name, r.points, r.points <= points) for r in rewards(campaign)),
        tuple(PointsEntry(e.id, e.kind, e.points, e.balance_after, ref, e.reward_code, e.created_at) for e, ref in ledger),
    )


def _points(session: Session, campaign_id: str, customer_id: str) -> int:
    return session.scalar(
        select(LoyaltyAccountRow.points).where(LoyaltyAccountRow.campaign_id == campaign_id,
                                               LoyaltyAccountRow.customer_id == customer_id)
        .execution_options(populate_existing=True)
    ) or 0


def _change(session: Session, campaign_id: str, customer_id: str, delta: int) -> int:
    session.execute(insert_ignoring_conflicts(accounts, dialect_of(session)),
                    {"campaign_id": campaign_id, "customer_id": customer_id, "points": 0})
    session.execute(
        update(accounts)
        .where(accounts.c.campaign_id == campaign_id, accounts.c.customer_id == customer_id)
        .values(points=accounts.c.points + delta)
    )
    return _points(session, campaign_id, customer_id)


def _log(session: Session, campaign_id: str, customer_id: str, kind: str, points: int, balance: int, now: datetime, *,
         order_id: int | None = None, spend_key: str | None = None) -> LoyaltyLedgerRow:
    entry = LoyaltyLedgerRow(campaign_id=campaign_id, customer_id=customer_id, kind=kind, points=points,
                             balance_after=balance, order_id=order_id, spend_key=spend_key, created_at=now)
    session.add(entry)
    session.flush()
    return entry
