"""Atomic counter updates: every cap is part of the UPDATE's WHERE clause.

``UPDATE ... SET n = n + 1 WHERE id = :id AND n < :cap`` changes one row or none. On
PostgreSQL a concurrent writer waits for the row lock and re-checks the WHERE clause against the
committed value; on SQLite writers are serialised by BEGIN IMMEDIATE. Either way a cap cannot be
passed, and a `take_*` returning False means the caller must roll its transaction back.

Callers take counters in a fixed order (customer usage, then codes, then campaigns, each sorted)
so two transactions never wait on each other in a cycle; the campaigns, which every order
sharing an offer waits for, come last, right before the commit.

Only capped campaigns (``campaigns.capped``: a total, a budget or an order-value budget) keep
their counters on their row. An uncapped campaign's orders write no campaign row: their items
are marked ``counted = False``, and the campaign's figures are its row's plus those items
(``uncounted``). When a campaign becomes capped, ``fold`` moves its uncounted items into the
row under the row's lock, so its caps start from every order placed before.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import cast

from sqlalchemy import Table, case, false, func, select, update
from sqlalchemy.orm import Session

from promo.core.campaign import Limits

from .database import dialect_insert, dialect_of
from .models import CampaignRow, CodeRow, CustomerUsageRow, RedemptionItemRow

codes = cast(Table, CodeRow.__table__)
campaigns = cast(Table, CampaignRow.__table__)
usage = cast(Table, CustomerUsageRow.__table__)
items = cast(Table, RedemptionItemRow.__table__)
SUCCEEDED = "succeeded"


def campaign_capped(limits: Limits) -> bool:
    """Whether orders must take the campaign row's counters to respect its limits."""
    return limits.total is not None or limits.budget is not None or limits.order_value_budget is not None


def row_states(session: Session, campaign_ids: Iterable[str]) -> dict[str, tuple[bool, str]]:
    """These campaigns' rows as they are now: (capped, status) each (a plain read: no lock)."""
    wanted = sorted(set(campaign_ids))
    if not wanted:
        return {}
    statement = select(campaigns.c.id, campaigns.c.capped, campaigns.c.status).where(campaigns.c.id.in_(wanted))
    return {campaign_id: (bool(capped), status) for campaign_id, capped, status in session.execute(statement)}


def uncounted(session: Session, campaign_ids: Iterable[str] | None = None) -> dict[str, tuple[int, int, int]]:
    """Succeeded redemptions not in their campaign rows' counters, per campaign: (redemptions,
    discount including shipping, order value). None: every campaign."""
    statement = (
        select(items.c.campaign_id, func.count(), func.coalesce(func.sum(items.c.discount + items.c.shipping_discount), 0),
               func.coalesce(func.sum(items.c.order_value), 0))
        .where(items.c.counted == false(), items.c.status == SUCCEEDED)
        .group_by(items.c.campaign_id)
    )
    if campaign_ids is not None:
        wanted = sorted(set(campaign_ids))
        if not wanted:
            return {}
        statement = statement.where(items.c.campaign_id.in_(wanted))
    return {campaign_id: (int(count), int(spent), int(value)) for campaign_id, count, spent, value in session.execute(statement)}


def fold(session: Session, campaign_id: str) -> None:
    """Move the campaign's uncounted items into its row's counters. The caller holds the row
    FOR UPDATE (PostgreSQL): that waits for every order whose item already points at the row
    (their foreign key share-locks it) and holds off new ones until the commit."""
    moved = session.execute(
        update(items)
        .where(items.c.campaign_id == campaign_id, items.c.counted == false(), items.c.status == SUCCEEDED)
        .values(counted=True)
        .returning(items.c.discount, items.c.shipping_discount, items.c.order_value)
    ).all()
    if moved:
        session.execute(
            update(campaigns).where(campaigns.c.id == campaign_id).values(
                redemptions_count=campaigns.c.redemptions_count + len(moved),
                budget_used=campaigns.c.budget_used + sum(row.discount + row.shipping_discount for row in moved),
                order_value_used=campaigns.c.order_value_used + sum(row.order_value for row in moved),
            )
        )


def take_code(session: Session, code_id: int, per_code: int | None) -> bool:
    statement = (
        update(codes)
        .where(codes.c.id == code_id, codes.c.status == "active")
        .values(redeemed_count=codes.c.redeemed_count + 1)
    )
    if per_code is not None:
        statement = statement.where(codes.c.redeemed_count < per_code)
    return session.execute(statement).rowcount == 1


def take_campaign(session: Session, campaign_id: str, limits: Limits, *, discount: int, order_value: int) -> int | None:
    """The row's definition version once its counters are taken; None when a cap (or the
    campaign's status) refused them. The version tells the caller, without reading the row
    again, whether the definition it priced with is still the one in force."""
    statement = (
        update(campaigns)
        .where(campaigns.c.id == campaign_id, campaigns.c.status == "active")
        .values(
            redemptions_count=campaigns.c.redemptions_count + 1,
            budget_used=campaigns.c.budget_used + discount,
            order_value_used=campaigns.c.order_value_used + order_value,
        )
    )
    if limits.total is not None:
        statement = statement.where(campaigns.c.redemptions_count < limits.total)
    if limits.budget is not None:
        statement = statement.where(campaigns.c.budget_used + discount <= limits.budget)
    if limits.order_value_budget is not None:
        statement = statement.where(campaigns.c.order_value_used + order_value <= limits.order_value_budget)
    return session.execute(statement.returning(campaigns.c.version)).scalar_one_or_none()


def take_customer_usage(
    session: Session, campaign_id: str, customer_id: str, keys: Iterable[str], caps: Mapping[str, int]
) -> bool:
    """One statement per usage key: insert its row with 1, or add 1 to the row there, unless
    its cap is reached (PostgreSQL locks the existing row and checks the cap on the committed
    count, as the UPDATE did; a row another transaction is inserting is waited for)."""
    dialect = dialect_of(session)
    for key in sorted(keys):
        cap = caps.get(key)
        if cap is not None and cap < 1:
            return False
        statement = dialect_insert(usage, dialect).values(
            campaign_id=campaign_id, customer_id=customer_id, period_key=key, count=1)
        statement = statement.on_conflict_do_update(
            index_elements=[usage.c.campaign_id, usage.c.customer_id, usage.c.period_key],
            set_={"count": usage.c.count + 1},
            where=(usage.c.count < cap) if cap is not None else None,
        ).returning(usage.c.count)
        if session.execute(statement).first() is None:
            return False
    return True


def restore_code(session: Session, code_id: int) -> None:
    session.execute(
        update(codes)
        .where(codes.c.id == code_id, codes.c.redeemed_count > 0)
        .values(redeemed_count=codes.c.redeemed_count - 1)
    )


def restore_campaign(session: Session, campaign_id: str, *, discount: int, order_value: int) -> None:
    session.execute(
        update(campaigns)
        .where(campaigns.c.id == campaign_id)
        .values(
            redemptions_count=_floor_zero(campaigns.c.redemptions_count, 1),
            budget_used=_floor_zero(campaigns.c.budget_used, discount),
            order_value_used=_floor_zero(campaigns.c.order_value_used, order_value),
        )
    )


def restore_customer_usage(session: Session, campaign_id: str, customer_id: str, keys: Iterable[str]) -> None:
    for key in sorted(keys):
        session.execute(
            update(usage)
            .where(
                usage.c.campaign_id == campaign_id,
                usage.c.customer_id == customer_id,
                usage.c.period_key == key,
                usage.c.count > 0,
            )
            .values(count=usage.c.count - 1)
        )


def _floor_zero(column, amount: int):
    # Never below zero, even if counters were edited by hand; the CHECK constraint would fail.
    return case((column >= amount, column - amount), else_=0)
