"""Atomic counter updates: every cap is part of the UPDATE's WHERE clause.

``UPDATE ... SET n = n + 1 WHERE id = :id AND n < :cap`` changes one row or none. On
PostgreSQL a concurrent writer waits for the row lock and re-checks the WHERE clause against the
committed value; on SQLite writers are serialised by BEGIN IMMEDIATE. Either way a cap cannot be
passed, and a `take_*` returning False means the caller must roll its transaction back.

Callers take counters in a fixed order (codes, then campaigns, then customer usage, each sorted)
so two transactions never wait on each other in a cycle.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import case, update
from sqlalchemy.orm import Session

from promo.core.campaign import Limits

from .database import dialect_of, insert_ignoring_conflicts
from .models import CampaignRow, CodeRow, CustomerUsageRow

codes = CodeRow.__table__
campaigns = CampaignRow.__table__
usage = CustomerUsageRow.__table__


def take_code(session: Session, code_id: int, per_code: int | None) -> bool:
    statement = (
        update(codes)
        .where(codes.c.id == code_id, codes.c.status == "active")
        .values(redeemed_count=codes.c.redeemed_count + 1)
    )
    if per_code is not None:
        statement = statement.where(codes.c.redeemed_count < per_code)
    return session.execute(statement).rowcount == 1


def take_campaign(session: Session, campaign_id: str, limits: Limits, *, discount: int, order_value: int) -> bool:
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
    return session.execute(statement).rowcount == 1


def take_customer_usage(
    session: Session, campaign_id: str, customer_id: str, keys: Iterable[str], caps: Mapping[str, int]
) -> bool:
    keys = sorted(keys)
    session.execute(
        insert_ignoring_conflicts(usage, dialect_of(session)),
        [{"campaign_id": campaign_id, "customer_id": customer_id, "period_key": key, "count": 0} for key in keys],
    )
    for key in keys:
        statement = (
            update(usage)
            .where(usage.c.campaign_id == campaign_id, usage.c.customer_id == customer_id, usage.c.period_key == key)
            .values(count=usage.c.count + 1)
        )
        if key in caps:
            statement = statement.where(usage.c.count < caps[key])
        if session.execute(statement).rowcount != 1:
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
