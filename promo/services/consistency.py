"""Invariants the stored counters must keep, checked against the rows they summarise.

``find_problems(session)`` returns every broken invariant as a readable line; an empty list
means the store is consistent. ``flask promo check`` runs it (after a crash, a restore, or in
a nightly job). The checks are plain aggregate queries, so they read the whole store once.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from promo.storage import counters
from promo.storage.models import (
    CampaignRow,
    CodeRow,
    GiftCardLedgerRow,
    LoyaltyAccountRow,
    LoyaltyLedgerRow,
    OrderRow,
    RedemptionItemRow,
    RedemptionRow,
)

SUCCEEDED = "succeeded"


@dataclass(frozen=True)
class Problem:
    invariant: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"{self.invariant}: {self.subject}: {self.detail}"


def find_problems(session: Session) -> list[Problem]:
    return (
        _campaign_counters(session) + _code_counters(session) + _budgets(session) + _orders_and_redemptions(session)
        + _gift_card_balances(session) + _points_balances(session)
    )


def _campaign_counters(session: Session) -> list[Problem]:
    recorded = {
        row.campaign_id: row
        for row in session.execute(
            select(RedemptionItemRow.campaign_id, func.count().label("uses"),
                   func.coalesce(func.sum(RedemptionItemRow.discount + RedemptionItemRow.shipping_discount), 0).label("spent"),
                   func.coalesce(func.sum(RedemptionItemRow.order_value), 0).label("order_value"))
            .where(RedemptionItemRow.status == SUCCEEDED, RedemptionItemRow.counted == true())
            .group_by(RedemptionItemRow.campaign_id)
        )
    }
    outside = counters.uncounted(session)
    problems = []
    for campaign in session.execute(select(CampaignRow.id, CampaignRow.redemptions_count, CampaignRow.budget_used,
                                           CampaignRow.order_value_used, CampaignRow.capped)):
        if campaign.capped and campaign.id in outside:
            problems.append(Problem("counter", f"campaign {campaign.id}",
                                    f"capped, but {outside[campaign.id][0]} redemptions are not in its counters"))
        # The row holds its counted items; an uncapped campaign's other items are added when shown.
        row = recorded.get(campaign.id)
        uses, spent, value = (row.uses, int(row.spent), int(row.order_value)) if row else (0, 0, 0)
        on_row = "" if campaign.id not in outside else " on its row"
        if campaign.redemptions_count != uses:
            more = "" if campaign.id not in outside else f" of its {uses + outside[campaign.id][0]}"
            problems.append(Problem("counter", f"campaign {campaign.id}",
                                    f"redemptions_count is {campaign.redemptions_count} but {uses}{more} redemptions "
                                    f"are recorded{on_row}"))
        if campaign.budget_used != spent:
            problems.append(Problem("counter", f"campaign {campaign.id}",
                                    f"budget_used is {campaign.budget_used} but recorded discounts{on_row} add up to {spent}"))
        if campaign.order_value_used != value:
            problems.append(Problem("counter", f"campaign {campaign.id}",
                                    f"order_value_used is {campaign.order_value_used} but recorded orders{on_row} add up to {value}"))
    return problems


def _code_counters(session: Session) -> list[Problem]:
    uses = dict(session.execute(
        select(RedemptionItemRow.code_id, func.count()).where(RedemptionItemRow.status == SUCCEEDED,
                                                              RedemptionItemRow.code_id.is_not(None))
        .group_by(RedemptionItemRow.code_id)
    ).all())
    problems = []
    for code in session.execute(select(CodeRow.id, CodeRow.code, CodeRow.redeemed_count, CodeRow.campaign_id)):
        if code.redeemed_count != uses.get(code.id, 0):
            problems.append(Problem("counter", f"code {code.code}",
                                    f"redeemed_count is {code.redeemed_count} but {uses.get(code.id, 0)} redemptions are recorded"))
    per_code = {row.id: (row.definition.get("limits") or {}).get("per_code")
                for row in session.execute(select(CampaignRow.id, CampaignRow.definition))}
    for code in session.execute(select(CodeRow.code, CodeRow.redeemed_count, CodeRow.campaign_id)):
        limit = per_code.get(code.campaign_id)
        if isinstance(limit, int) and code.redeemed_count > limit:
            problems.append(Problem("limit", f"code {code.code}", f"redeemed {code.redeemed_count} times, limit {limit}"))
    return problems


def _budgets(session: Session) -> list[Problem]:
    problems = []
    for row in session.execute(select(CampaignRow.id, CampaignRow.definition, CampaignRow.budget_used,
                                      CampaignRow.redemptions_count)):
        limits = row.definition.get("limits") or {}
        budget, total = limits.get("budget"), limits.get("total")
        if isinstance(budget, int) and row.budget_used > budget:
            problems.append(Problem("budget", f"campaign {row.id}", f"used {row.budget_used} of a {budget} budget"))
        if isinstance(total, int) and row.redemptions_count > total:
            problems.append(Problem("limit", f"campaign {row.id}", f"redeemed {row.redemptions_count} times, limit {total}"))
    return problems


def _orders_and_redemptions(session: Session) -> list[Problem]:
    problems = []
    orphans = session.scalars(
        select(OrderRow.order_ref).outerjoin(RedemptionRow, RedemptionRow.order_id == OrderRow.id)
        .where(RedemptionRow.id.is_(None))
    ).all()
    problems += [Problem("order", f"order {ref}", "has no redemption record") for ref in orphans]
    dangling = session.scalars(
        select(RedemptionRow.id).outerjoin(OrderRow, OrderRow.id == RedemptionRow.order_id).where(OrderRow.id.is_(None))
    ).all()
    problems += [Problem("order", f"redemption {rid}", "has no order") for rid in dangling]
    empty_items = session.scalars(
        select(RedemptionItemRow.id).outerjoin(RedemptionRow, RedemptionRow.id == RedemptionItemRow.redemption_id)
        .where(RedemptionRow.id.is_(None))
    ).all()
    problems += [Problem("order", f"redemption item {iid}", "belongs to no redemption") for iid in empty_items]
    return problems


def _gift_card_balances(session: Session) -> list[Problem]:
    """A card's ledger adds up to its balance and ends at it. Since cards are issued with an
    ``issue`` entry the sum starts at 0; a card issued before that has its starting balance read
    off its first entry (balance after, less amount), and one never used has no entries."""
    first: dict[int, tuple[int, str, int]] = {}      # code id -> (entry id, kind, opening balance)
    latest: dict[int, tuple[int, int]] = {}
    total: dict[int, int] = defaultdict(int)
    for entry in session.execute(select(GiftCardLedgerRow.code_id, GiftCardLedgerRow.id, GiftCardLedgerRow.kind,
                                        GiftCardLedgerRow.amount, GiftCardLedgerRow.balance_after)):
        total[entry.code_id] += int(entry.amount)
        if entry.code_id not in first or entry.id < first[entry.code_id][0]:
            first[entry.code_id] = (entry.id, entry.kind, int(entry.balance_after) - int(entry.amount))
        if entry.code_id not in latest or entry.id > latest[entry.code_id][0]:
            latest[entry.code_id] = (entry.id, int(entry.balance_after))
    problems = []
    for code in session.execute(select(CodeRow.id, CodeRow.code, CodeRow.gift_balance).where(CodeRow.gift_balance.is_not(None))):
        if code.gift_balance < 0:
            problems.append(Problem("balance", f"gift card {code.code}", f"balance is negative ({code.gift_balance})"))
        if code.id not in first:
            continue
        _, kind, opening = first[code.id]
        added_up = (0 if kind == "issue" else opening) + total[code.id]
        if added_up != code.gift_balance:
            problems.append(Problem("balance", f"gift card {code.code}",
                                    f"balance is {code.gift_balance} but its ledger adds up to {added_up}"))
        if latest[code.id][1] != code.gift_balance:
            problems.append(Problem("balance", f"gift card {code.code}",
                                    f"balance is {code.gift_balance} but its ledger ends at {latest[code.id][1]}"))
    return problems


def _points_balances(session: Session) -> list[Problem]:
    ledger: dict[tuple[str, str], int] = defaultdict(int)
    for entry in session.execute(select(LoyaltyLedgerRow.campaign_id, LoyaltyLedgerRow.customer_id,
                                        LoyaltyLedgerRow.points)):
        ledger[(entry.campaign_id, entry.customer_id)] += int(entry.points)
    problems = []
    for account in session.execute(select(LoyaltyAccountRow.campaign_id, LoyaltyAccountRow.customer_id,
                                          LoyaltyAccountRow.points)):
        expected = ledger.pop((account.campaign_id, account.customer_id), 0)
        if account.points != expected:
            problems.append(Problem("balance", f"points {account.customer_id} in {account.campaign_id}",
                                    f"balance is {account.points} but its ledger adds up to {expected}"))
    for (campaign_id, customer_id), expected in ledger.items():
        if expected:
            problems.append(Problem("balance", f"points {customer_id} in {campaign_id}",
                                    f"ledger adds up to {expected} but there is no account"))
    return problems
