"""Gift card balances: drawing at checkout, refunds on rollback, top-ups, and their ledger.

Every change is one conditional UPDATE (``... WHERE gift_balance >= :amount`` for a draw), and
on PostgreSQL the cards are locked in id order first, so two checkouts spending the same card
never take it below zero and never deadlock. Every change writes a ledger row in the same
transaction, starting with the card's ``issue`` (its starting balance), so a card's entries add
up to its balance.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from sqlalchemy import String, func, literal, select, update
from sqlalchemy.orm import Session

from promo.core.campaign import CodePattern, Kind
from promo.core.codes import normalise_code
from promo.core.errors import Conflict, InvalidRequest, NotFound
from promo.core.giftcards import GiftCard, GiftCardPlan, plan_payment
from promo.core.incentive_records import GiftCardBalance, GiftCardEntry
from promo.core.reasons import Reason
from promo.storage.database import dialect_of
from promo.storage.drawing import draw_new_code
from promo.storage.models import CampaignRow, CodeRow, GiftCardLedgerRow, OrderRow

codes = CodeRow.__table__
ISSUE_CHUNK = 500   # codes per statement when logging a bulk issue (SQLite's bound-parameter limit)


def usable_cards(session: Session, entered: Sequence[str], customer_id: str | None, *, lock: bool = False,
                 accepts: Callable[[CampaignRow], bool] | None = None) -> list[CodeRow]:
    """The entered codes that are gift cards this shopper may pay with, in entry order:
    active cards of live gift card campaigns, unassigned (bearer cards) or held by the shopper,
    and, with `accepts`, of a campaign it accepts (e.g. in the order's currency)."""
    if not entered:
        return []
    statement = (
        select(CodeRow, CampaignRow)
        .join(CampaignRow, CodeRow.campaign_id == CampaignRow.id)
        .where(CodeRow.code.in_(list(entered)), CampaignRow.kind == Kind.GIFT_CARD.value,
               CampaignRow.status == "active", CodeRow.status == "active")
        .order_by(CodeRow.id)
    )
    if lock and dialect_of(session) == "postgresql":
        statement = statement.with_for_update(of=CodeRow)
    rows = {code_row.code: code_row for code_row, campaign_row in session.execute(statement)
            if accepts is None or accepts(campaign_row)}
    return [rows[code] for code in entered
            if code in rows and rows[code].holder_id in (None, customer_id)]


def refusal(code_row: CodeRow) -> Reason | None:
    """Why an entered gift card cannot pay (None when it can)."""
    return Reason.GIFT_CARD_EMPTY if (code_row.gift_balance or 0) <= 0 else None


def plan(session: Session, entered: Sequence[str], customer_id: str | None, total: int, *, lock: bool = False,
         accepts: Callable[[CampaignRow], bool] | None = None) -> GiftCardPlan:
    cards = usable_cards(session, entered, customer_id, lock=lock, accepts=accepts)
    return plan_payment(total, [GiftCard(row.code, row.gift_balance or 0) for row in cards])


def draw(session: Session, order: OrderRow, entered: Sequence[str], customer_id: str | None, now: datetime) -> GiftCardPlan:
    """Pay what the order still owes with the entered gift cards, in entry order."""
    payment = plan(session, entered, customer_id, order.total, lock=True)
    for card in payment.draws:
        if card.amount == 0:
            continue
        changed = session.execute(
            update(codes)
            .where(codes.c.code == card.code, codes.c.status == "active", codes.c.gift_balance >= card.amount)
            .values(gift_balance=codes.c.gift_balance - card.amount)
        ).rowcount
        if changed != 1:
            # Only possible on SQLite without the row lock if the balance changed since planning.
            raise Conflict(f"gift card {card.code} was used meanwhile; check its balance and try again",
                           code="gift_card_busy")
        _log(session, card.code, order_id=order.id, kind="redemption", amount=-card.amount, now=now)
    return payment


def refund_order(session: Session, order_id: int, now: datetime, *, actor: str = "system") -> int:
    """Give back what the order drew from each card (once); returns the amount refunded."""
    rows = session.execute(
        select(GiftCardLedgerRow.code_id, GiftCardLedgerRow.kind, func.sum(GiftCardLedgerRow.amount))
        .where(GiftCardLedgerRow.order_id == order_id)
        .group_by(GiftCardLedgerRow.code_id, GiftCardLedgerRow.kind)
    ).all()
    drawn: dict[int, int] = {}
    for code_id, _kind, amount in rows:
        drawn[code_id] = drawn.get(code_id, 0) + int(amount or 0)   # redemptions are negative, refunds positive
    refunded = 0
    for code_id in sorted(drawn):
        owed = -drawn[code_id]
        if owed <= 0:
            continue
        session.execute(update(codes).where(codes.c.id == code_id).values(gift_balance=codes.c.gift_balance + owed))
        code = session.scalar(select(CodeRow.code).where(CodeRow.id == code_id))
        _log(session, code, order_id=order_id, kind="refund", amount=owed, now=now, actor=actor)
        refunded += owed
    return refunded


def top_up(session: Session, code: str, amount: int, now: datetime, *, actor: str = "system") -> int:
    """Add `amount` to the card; returns its balance before."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise InvalidRequest(f"a top-up must be a positive amount in minor units, got {amount!r}", code="invalid_amount")
    row = card_row(session, code)
    before = session.scalar(select(codes.c.gift_balance).where(codes.c.id == row.id)) or 0
    session.execute(
        update(codes).where(codes.c.id == row.id).values(gift_balance=func.coalesce(codes.c.gift_balance, 0) + amount)
    )
    _log(session, row.code, order_id=None, kind="top_up", amount=amount, now=now, actor=actor)
    return before


def issue(session: Session, campaign_row: CampaignRow, balance: int, now: datetime, *, code: str | None = None,
          holder_id: str | None = None, pattern: CodePattern | None = None, actor: str = "system") -> CodeRow:
    """A new card of the campaign: `code` as given (cards printed elsewhere) or drawn from
    `pattern` (under the keyspace rule, promo.storage.drawing), holding `balance`, in
    `holder_id`'s wallet when given; its ledger starts with the ``issue`` entry."""
    if campaign_row.kind != Kind.GIFT_CARD.value:
        raise InvalidRequest(f"campaign {campaign_row.id!r} is not a gift card campaign", code="not_a_gift_card_campaign")
    if not isinstance(balance, int) or isinstance(balance, bool) or balance < 1:
        raise InvalidRequest(f"a gift card's balance must be a positive amount in minor units, got {balance!r}",
                             code="invalid_amount")
    if code is None and pattern is not None:
        row = draw_new_code(session, campaign_row.id, pattern, now=now, holder_id=holder_id, gift_balance=balance)
    else:
        chosen = normalise_code(code or "")
        if not chosen or len(chosen) > 64 or any(ch.isspace() for ch in chosen):
            raise InvalidRequest("a gift card code is 1 to 64 characters without spaces", code="invalid_code")
        if session.scalar(select(CodeRow.id).where(CodeRow.code == chosen)) is not None:
            raise Conflict(f"code {chosen!r} already exists", code="code_taken")
        row = CodeRow(code=chosen, campaign_id=campaign_row.id, status="active", holder_id=holder_id, redeemed_count=0,
                      gift_balance=balance, created_at=now)
        session.add(row)
        session.flush()
    _log(session, row.code, order_id=None, kind="issue", amount=balance, now=now, actor=actor)
    return row


def log_issued(session: Session, campaign_id: str, drawn: Iterable[str], now: datetime, *, actor: str = "system") -> None:
    """The ``issue`` entries of cards just inserted in bulk: those of the `drawn` codes that are
    the campaign's, made at `now` with a balance, and have none yet (a drawn code may have
    collided with one stored before)."""
    ledger = GiftCardLedgerRow.__table__
    drawn = sorted(drawn)
    for start in range(0, len(drawn), ISSUE_CHUNK):
        issued_already = select(ledger.c.id).where(ledger.c.code_id == codes.c.id, ledger.c.kind == "issue").exists()
        session.execute(ledger.insert().from_select(
            ["code_id", "kind", "amount", "balance_after", "actor", "created_at"],
            select(codes.c.id, literal("issue", String), codes.c.gift_balance, codes.c.gift_balance,
                   literal(actor, String), codes.c.created_at)
            .where(codes.c.code.in_(drawn[start:start + ISSUE_CHUNK]), codes.c.campaign_id == campaign_id,
                   codes.c.created_at == now, codes.c.gift_balance > 0, ~issued_already)
            .order_by(codes.c.id)
        ))


def card_row(session: Session, code: str) -> CodeRow:
    row = session.scalar(
        select(CodeRow).join(CampaignRow, CodeRow.campaign_id == CampaignRow.id)
        .where(CodeRow.code == normalise_code(code), CampaignRow.kind == Kind.GIFT_CARD.value)
    )
    if row is None:
        raise NotFound(f"no gift card {normalise_code(code)!r}", code="gift_card_not_found")
    return row


def balance(session: Session, code: str, *, entries: int = 50) -> GiftCardBalance:
    row = card_row(session, code)
    ledger = session.execute(
        select(GiftCardLedgerRow, OrderRow.order_ref)
        .outerjoin(OrderRow, GiftCardLedgerRow.order_id == OrderRow.id)
        .where(GiftCardLedgerRow.code_id == row.id)
        .order_by(GiftCardLedgerRow.id.desc())
        .limit(entries)
    ).all()
    return GiftCardBalance(
        row.code, row.campaign_id, row.gift_balance or 0, row.status == "active",
        tuple(GiftCardEntry(e.id, row.code, e.kind, e.amount, e.balance_after, ref, e.created_at) for e, ref in ledger),
    )


def held_cards(session: Session, customer_id: str) -> list[str]:
    """Gift cards in the customer's wallet, oldest first."""
    return list(session.scalars(
        select(CodeRow.code).join(CampaignRow, CodeRow.campaign_id == CampaignRow.id)
        .where(CodeRow.holder_id == customer_id, CampaignRow.kind == Kind.GIFT_CARD.value)
        .order_by(CodeRow.id)
    ))


def paid_by_order(session: Session, order_id: int) -> list[tuple[str, int]]:
    """(code, amount) each card paid towards the order when it was placed, in drawing order."""
    rows = session.execute(
        select(CodeRow.code, func.sum(GiftCardLedgerRow.amount), func.min(GiftCardLedgerRow.id))
        .join(CodeRow, GiftCardLedgerRow.code_id == CodeRow.id)
        .where(GiftCardLedgerRow.order_id == order_id, GiftCardLedgerRow.kind == "redemption")
        .group_by(CodeRow.code)
        .order_by(func.min(GiftCardLedgerRow.id))
    ).all()
    return [(code, -int(amount)) for code, amount, _ in rows]


def _log(session: Session, code: str, *, order_id: int | None, kind: str, amount: int, now: datetime,
         actor: str = "system") -> None:
    row = session.scalar(select(CodeRow).where(CodeRow.code == code).execution_options(populate_existing=True))
    session.add(GiftCardLedgerRow(code_id=row.id, order_id=order_id, kind=kind, amount=amount,
                                  balance_after=row.gift_balance or 0, actor=actor, created_at=now))
    session.flush()
