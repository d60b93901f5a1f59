"""Referrals, gift cards and loyalty points behind the Engine: each call one transaction.

The Engine's methods (``referral_code_for``, ``gift_card_balance``, ``spend_points`` ...) only
delegate here. ``after_redeem`` and ``after_rollback`` run inside the Engine's redeem and
rollback transactions, so an order, its gift card draws, its points and its referral commit or
fail together.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from promo.core.campaign import Kind
from promo.core.codes import normalise_code
from promo.core.errors import Conflict, InvalidRequest, NotFound, UnreadableDefinition
from promo.core.giftcards import GiftCardPlan
from promo.core.incentive_records import (
    GiftCardBalance,
    GiftCardPayment,
    PointsAccount,
    PointsSpend,
    ReferralCode,
    ReferralConversion,
    ReferralSummary,
)
from promo.delivery.events import Event, EventScope, emit
from promo.services import giftcards, loyalty, referrals
from promo.services.issue import ISSUED, take_issued
from promo.storage import audit, convert
from promo.storage.models import CampaignRow, CodeRow, CustomerRow, OrderRow, PublicationRow, RedemptionItemRow, RedemptionRow

if TYPE_CHECKING:
    from promo.services.unit_of_work import UnitOfWork

MAX_EVENT_LENGTH = 64


class Incentives:
    def __init__(self, work: UnitOfWork):
        self.work = work

    @property
    def _parse(self):
        return self.work.campaign

    # ---- inside redeem / rollback -----------------------------------------------------------

    def after_redeem(self, session: Session, order: OrderRow, redemption: RedemptionRow, entered: Sequence[str],
                     now: datetime) -> None:
        # Lock order (docs/redemptions.md): the customer rows (the advocate's), then gift cards,
        # then points accounts; after_rollback goes the same way.
        referrals.record(session, self._parse, redemption, now)
        giftcards.draw(session, order, entered, redemption.customer_id, now)
        if redemption.customer_id is not None:
            loyalty.earn(session, self._parse, order, redemption.customer_id, now)
        self._announce(EventScope(session, self.work, now))

    def _announce(self, scope: EventScope) -> None:
        """A publication.created event for each code issued in this transaction (rewards,
        referral codes, gift cards), as Engine.publish writes for the codes it publishes."""
        for row in take_issued(scope.session):
            publication = convert.publication(row, scope.session.get(CodeRow, row.code_id))
            emit(scope, "publication.created", {"publication": publication, "actor": "system"}, customer_id=row.customer_id)

    def after_rollback(self, session: Session, order: OrderRow, withdrawn: Sequence[RedemptionItemRow], *,
                       cancelled: bool, now: datetime) -> None:
        """A cancelled order gives its gift card money back, loses its points and its referral;
        withdrawing just the referral offer from an order revokes the referral."""
        if cancelled:
            referrals.revoke_order(session, order.id, now)
            giftcards.refund_order(session, order.id, now)
            loyalty.reverse_order(session, order.id, now)
        elif any(item.code_id is not None and self._is_referral(session, item) for item in withdrawn):
            referrals.revoke_order(session, order.id, now)

    def _is_referral(self, session: Session, item: RedemptionItemRow) -> bool:
        # The row's kind, not the parsed definition: an order can be cancelled even after its
        # campaign's stored definition stopped parsing.
        return self.work.campaign_row(session, item.campaign_id).kind == Kind.REFERRAL.value

    # ---- referrals --------------------------------------------------------------------------

    def referral_code_for(self, customer_id: str, campaign_id: str | None = None) -> ReferralCode:
        _check_text("customer id", customer_id)
        def work(session: Session) -> ReferralCode:
            now = self.work.clock()
            code = referrals.code_for(session, self._parse, customer_id, campaign_id, now)
            self._announce(EventScope(session, self.work, now))
            return code

        return self.work.write(work)

    def referral_summary(self, customer_id: str, campaign_id: str | None = None) -> ReferralSummary:
        with self.work.read() as session:
            return referrals.summary(session, customer_id, campaign_id)

    def referral_event(self, customer_id: str, event: str) -> list[ReferralConversion]:
        """The store reports `event` (e.g. ``order_shipped``) for a friend: their pending
        referrals that convert on it convert now (none, when nothing waits for it)."""
        _check_text("customer id", customer_id)
        _check_text("event", event, MAX_EVENT_LENGTH)

        def work(session: Session) -> list[ReferralConversion]:
            if session.get(CustomerRow, customer_id) is None:
                raise NotFound(f"no customer {customer_id!r}", code="customer_not_found")
            now = self.work.clock()
            converted = referrals.convert_pending(session, self._parse, customer_id, event, now)
            self._announce(EventScope(session, self.work, now))
            return converted

        return self.work.write(work)

    # ---- gift cards -------------------------------------------------------------------------

    def gift_card_balance(self, code: str, *, entries: int = 50) -> GiftCardBalance:
        _check_text("code", code)
        with self.work.read() as session:
            return giftcards.balance(session, code, entries=entries)

    def customer_gift_cards(self, customer_id: str) -> list[GiftCardBalance]:
        with self.work.read() as session:
            return [giftcards.balance(session, code, entries=20) for code in giftcards.held_cards(session, customer_id)]

    def gift_card_payments(self, codes: Sequence[str], total: int, customer_id: str | None = None, *,
                           currency: str | None = None) -> list[GiftCardPayment]:
        """What the gift cards among `codes` would pay towards `total` now, in entry order;
        with `currency`, a card of another currency pays nothing (redeem refuses it)."""
        entered = [normalise_code(code) for code in codes if isinstance(code, str)]

        def pays_in_currency(row: CampaignRow) -> bool:
            try:
                return self._parse(row).currency in (None, currency)
            except UnreadableDefinition:
                return True     # as validation does: nothing to compare, the balance stays spendable

        with self.work.read() as session:
            plan: GiftCardPlan = giftcards.plan(session, entered, customer_id, total,
                                                accepts=pays_in_currency if currency is not None else None)
        return [GiftCardPayment(d.code, d.amount, d.balance_after) for d in plan.draws]

    def order_gift_card_payments(self, order_ref: str) -> list[GiftCardPayment]:
        with self.work.read() as session:
            order_id = session.scalar(select(OrderRow.id).where(OrderRow.order_ref == order_ref))
            if order_id is None:
                raise NotFound(f"no order {order_ref!r}", code="order_not_found")
            return [GiftCardPayment(code, amount, None) for code, amount in giftcards.paid_by_order(session, order_id)]

    def issue_gift_card(self, campaign_id: str, *, balance: int | None = None, code: str | None = None,
                        customer_id: str | None = None, actor: str = "system") -> GiftCardBalance:
        """A new card: its code drawn from the campaign's pattern unless given (cards printed
        elsewhere), its balance the definition's unless given, published to `customer_id` if any."""
        work = self.work

        def step(session: Session) -> GiftCardBalance:
            row = work.campaign_row(session, campaign_id)
            campaign = self._parse(row)
            if row.status != "active":
                raise Conflict(f"campaign {campaign_id!r} is {row.status}", code="campaign_inactive")
            if customer_id is not None:
                work.customer_row(session, customer_id)
            amount = balance if balance is not None else (campaign.options.get("gift_card") or {}).get("balance")
            if code is None and campaign.code_pattern is None:
                raise InvalidRequest(f"campaign {campaign_id!r} has no code pattern; give the card's code",
                                     code="no_code_pattern")
            now = work.clock()
            card = giftcards.issue(session, row, amount, now, code=code, holder_id=customer_id,
                                   pattern=campaign.code_pattern if code is None else None, actor=actor)
            if customer_id is not None:
                publication = PublicationRow(campaign_id=campaign_id, customer_id=customer_id, code_id=card.id,
                                             code=card.code, source_id=None, created_at=now)
                session.add(publication)
                session.flush()
                session.info.setdefault(ISSUED, []).append(publication)
                self._announce(EventScope(session, work, now))
            audit.record(session, at=now, actor=actor, action="gift_card.issue", object_type="code", object_id=card.code,
                         after={"campaign_id": campaign_id, "balance": amount, "customer_id": customer_id})
            return giftcards.balance(session, card.code)

        return work.write(step)

    def top_up_gift_card(self, code: str, amount: int, *, actor: str = "system") -> GiftCardBalance:
        _check_text("code", code)

        def work(session: Session) -> GiftCardBalance:
            now = self.work.clock()
            before = giftcards.top_up(session, code, amount, now, actor=actor)
            card = giftcards.balance(session, code)
            audit.record(session, at=now, actor=actor, action="gift_card.top_up", object_type="code", object_id=card.code,
                         before={"balance": before}, after={"balance": card.balance, "amount": amount})
            return card

        return self.work.write(work)

    # ---- loyalty points ---------------------------------------------------------------------

    def points_accounts(self, customer_id: str) -> list[PointsAccount]:
        """The customer's balance in every running programme, with its rewards and ledger."""
        with self.work.read() as session:
            return [loyalty.account(session, self._parse, row, customer_id)
                    for row, _ in loyalty.programmes(session, self._parse)]

    def points_account(self, customer_id: str, campaign_id: str) -> PointsAccount:
        with self.work.read() as session:
            return loyalty.account(session, self._parse, loyalty.programme_row(session, campaign_id), customer_id)

    def spend_points(self, customer_id: str, campaign_id: str, reward: int, *,
                     idempotency_key: str | None = None) -> PointsSpend:
        _check_text("customer id", customer_id)
        if not isinstance(reward, int) or isinstance(reward, bool):
            raise InvalidRequest(f"reward must be a reward's number, got {reward!r}", code="invalid_reward")

        def work(session: Session) -> PointsSpend:
            if session.get(CustomerRow, customer_id) is None:
                raise NotFound(f"no customer {customer_id!r}", code="customer_not_found")
            now = self.work.clock()
            spent = loyalty.spend(session, self._parse, customer_id, campaign_id, reward, now, spend_key=idempotency_key)
            self._announce(EventScope(session, self.work, now))
            return spent

        return self.work.write(work)


def _check_text(name: str, value: object, limit: int = 255) -> None:
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        raise InvalidRequest(f"{name} must be 1 to {limit} characters of text", code=f"invalid_{name.replace(' ', '_')}")


def convert_referrals_on_tracked_event(scope: EventScope, event: Event) -> None:
    """``engine.track(friend, "order_shipped")`` converts referrals whose campaign waits for it."""
    name = event.payload.get("event")
    if event.customer_id is None or not isinstance(name, str):
        return
    referrals.convert_pending(scope.session, scope.work.campaign, event.customer_id, name, scope.now)
    Incentives(scope.work)._announce(scope)

