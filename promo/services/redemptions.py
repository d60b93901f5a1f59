"""Redemptions: redeem a cart (the order, its redemption, every counter and budget in one
transaction), roll a redemption back whole or in part, and read them.

Rollback semantics:
* whole (``item_id=None``): every still-granted offer is withdrawn, its code use, per-customer
  counts, campaign count and budget are given back, and the order is marked cancelled (the
  customer's order count and total spent are reduced again);
* partial (``item_id=<child id>``): only that offer is withdrawn and its counters given back.
  The order stays placed; its recorded discount and its lines' discounts lose that offer's
  share, so the order total rises by it (what the shopper owes without that offer). The other
  offers keep the amounts they were granted at checkout: they are not recomputed, even though
  stacking computed them on the totals the withdrawn offer left. A free gift line stays on the
  order at its full price. The redemption becomes ``partially_rolled_back``, or
  ``rolled_back`` when no granted offer is left.
Rolling back what is already rolled back changes nothing and returns the same result.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from promo.core.campaign import Limits
from promo.core.domain import Cart, Context, Customer
from promo.core.errors import Conflict, InvalidRequest, LimitExceeded, NotFound, RedemptionRefused, UnreadableDefinition
from promo.core.limits import Usage, blocked_reason
from promo.core.reasons import Reason, message_for
from promo.core.records import CampaignStatus, ItemStatus, OrderStatus, RedemptionResult, RedemptionStatus, SetAsideCode
from promo.core.results import OfferResult, Status
from promo.services import checkpoints
from promo.services.checks import MAX_PAGE, check_id, check_lengths, entered_codes
from promo.services.customers import load_profile
from promo.services.incentives import Incentives
from promo.services.offer_loader import Slot
from promo.services.offers import Pricing, chosen_promotions, refused_promotions
from promo.services.outbox import announce
from promo.services.unit_of_work import UnitOfWork
from promo.storage import audit, convert, counters, idempotency
from promo.storage.database import for_update
from promo.storage.models import CampaignRow, CustomerRow, OrderLineRow, OrderRow, RedemptionItemRow, RedemptionRow

LIMIT_REASONS = frozenset(
    {Reason.QUANTITY_EXCEEDED, Reason.CUSTOMER_LIMIT_REACHED, Reason.CAMPAIGN_LIMIT_REACHED, Reason.BUDGET_EXHAUSTED}
)
# A redemption that loses a race for a counter is evaluated again on fresh counters; after
# this many rounds the last loss is reported.
MAX_REDEEM_ATTEMPTS = 6


class _LostRace(Exception):
    """A conditional UPDATE found its cap taken by a concurrent transaction."""

    def __init__(self, reason: Reason, campaign_id: str, code: str | None):
        super().__init__(reason.value)
        self.reason = reason
        self.campaign_id = campaign_id
        self.code = code


class Redemptions:
    """The redeem and rollback operations of the Engine."""

    def __init__(self, work: UnitOfWork, pricing: Pricing, incentives: Incentives):
        self.work = work
        self.pricing = pricing
        self.incentives = incentives

    def redeem(
        self,
        customer: Customer | str | None,
        cart: Cart,
        codes: Iterable[str] = (),
        *,
        order_ref: str | None = None,
        idempotency_key: str | None = None,
        context: Context | None = None,
        declined_codes: Iterable[str] = (),
        promotions: Iterable[str] | None = None,
    ) -> RedemptionResult:
        """Evaluate again and, in one transaction, record the order and its redemption, take every
        counter and consume the budgets.

        Raises RedemptionRefused (``code`` = the reason, e.g. ``code_not_found``) when an entered
        code does not apply, LimitExceeded (``quantity_exceeded``, ``customer_limit_reached``,
        ``campaign_limit_reached``, ``budget_exhausted``) when a limit is used up, Conflict for a
        reused order_ref or an idempotency key reused with another payload. The same key with the
        same payload returns the first result (``replayed=True``) and redeems nothing again.
        Auto promotions that cannot apply are simply left out of the order, and so are auto_apply
        codes (validate() says which apply); `declined_codes` are not applied for the shopper.
        `promotions` limits the promotions to those campaign ids, as in validate(); each of
        them must apply (or be set aside by stacking) like an entered code, or the order is
        refused with its reason (``campaign_paused`` when it is no longer active).
        """
        entered = entered_codes(codes)
        declined = entered_codes(declined_codes)
        chosen = chosen_promotions(promotions)
        request_hash = idempotency.fingerprint(
            _redeem_payload(customer, cart, entered, order_ref, context, declined, chosen))
        if order_ref is not None and not (isinstance(order_ref, str) and 0 < len(order_ref) <= 128):
            raise InvalidRequest("order_ref must be 1 to 128 characters long", code="invalid_order_ref")
        if idempotency_key is not None and not isinstance(idempotency_key, str):
            raise InvalidRequest("an idempotency key must be a string", code="invalid_idempotency_key")
        for line in cart.lines:
            check_lengths("cart line", line.sku, sku=(line.sku, 64), name=(line.name, 200))
        ref = order_ref or f"ord_{secrets.token_hex(8)}"
        lost: _LostRace | None = None
        for _ in range(MAX_REDEEM_ATTEMPTS):
            try:
                return self.work.write(
                    lambda session: self._redeem_once(session, customer, cart, entered, ref, idempotency_key,
                                                      request_hash, context, declined, chosen)
                )
            except _LostRace as race:
                lost = race
        assert lost is not None
        raise _refusal_error({lost.code or lost.campaign_id: (lost.reason, message_for(lost.reason))})

    def _redeem_once(
        self,
        session: Session,
        customer: Customer | str | None,
        cart: Cart,
        entered: list[str],
        order_ref: str,
        idempotency_key: str | None,
        request_hash: str,
        context: Context | None,
        declined: Sequence[str] = (),
        chosen: frozenset[str] | None = None,
    ) -> RedemptionResult:
        now = self.work.clock()
        if idempotency_key is not None:
            stored = idempotency.claim(session, idempotency_key, "redeem", request_hash, now)
            if stored is not None:
                return RedemptionResult.from_dict(stored).as_replay()
        # The server's clock decides timing and limit periods, never the caller's.
        local_now = now.astimezone(self.work.tz)
        context = replace(context, now=local_now) if context is not None else Context(now=local_now, page="checkout", locale=self.work.locale)
        profile = load_profile(self.work, session, customer, create=True)
        if session.scalar(select(OrderRow.id).where(OrderRow.order_ref == order_ref)) is not None:
            raise Conflict(f"an order with reference {order_ref!r} already exists", code="order_exists")

        offers = self.pricing.offers(session, profile, context, cart, entered, declined, chosen)
        evaluation = self.pricing.evaluate(offers, cart, profile, context, entered)
        refused = {
            code: (result.reason, result.message)
            for code, result in evaluation.codes.items()
            if result.status is Status.NOT_APPLICABLE
        }
        if chosen:
            refused.update(refused_promotions(evaluation, chosen))
        if refused:
            raise _refusal_error(refused)

        applied = list(evaluation.applied)
        slots = [offers.slot(offer.campaign_id, offer.code) for offer in applied]

        order = OrderRow(
            order_ref=order_ref, customer_id=profile.id, currency=evaluation.currency, status=OrderStatus.PLACED.value,
            subtotal=evaluation.subtotal, discount=evaluation.discount, shipping=evaluation.shipping,
            shipping_discount=evaluation.shipping_discount, total=evaluation.total, created_at=now,
        )
        order.lines = [
            OrderLineRow(
                position=index, sku=priced.line.sku, name=priced.line.name, unit_price=priced.line.unit_price,
                quantity=priced.line.quantity, categories=sorted(priced.line.categories),
                collections=sorted(priced.line.collections), discount=priced.discount, added_by=priced.added_by,
                cost=priced.line.cost,
            )
            for index, priced in enumerate(evaluation.lines)
        ]
        session.add(order)
        session.flush()
        redemption = RedemptionRow(
            order_id=order.id, customer_id=profile.id, status=RedemptionStatus.SUCCEEDED.value,
            idempotency_key=idempotency_key, created_at=now,
        )
        redemption.items = [
            RedemptionItemRow(
                position=index, campaign_id=offer.campaign_id, code_id=slot.code_id, code=offer.code,
                discount=offer.discount, shipping_discount=offer.shipping_discount,
                line_discounts=list(offer.line_discounts), order_value=cart.subtotal,
                line_capped=list(offer.line_capped) if offer.capped else None,
                usage_keys=list(slot.usage_keys), status=ItemStatus.SUCCEEDED.value,
                counted=counters.campaign_capped(slot.campaign.limits),
            )
            for index, (offer, slot) in enumerate(zip(applied, slots, strict=True))
        ]
        session.add(redemption)
        if profile.id is not None:
            session.execute(
                update(CustomerRow)
                .where(CustomerRow.id == profile.id)
                .values(orders_count=CustomerRow.orders_count + 1, total_spent=CustomerRow.total_spent + order.total,
                        last_order_at=now)
            )
        session.flush()
        # Gift cards pay what is left, points are earned, a referral is recorded: same transaction.
        self.incentives.after_redeem(session, order, redemption, entered, now)
        set_aside = tuple(
            SetAsideCode(code, result.campaign_id or None, result.reason, result.message)
            for code, result in evaluation.codes.items()
            if result.status is Status.SET_ASIDE
        )
        result = convert.redemption_result(redemption, order, set_aside)
        payload = result.to_dict()
        announce(self.work, session, "redemption.succeeded", payload, customer_id=profile.id)
        if idempotency_key is not None:
            idempotency.store(session, idempotency_key, payload)
        # Last, just before the commit: the counters' rows are the ones every order sharing an
        # offer waits for, so they are locked for the commit alone, not for the order's writes.
        # Everything before locks only this order's rows, its customer's and (referrals) its
        # advocate's; see docs/redemptions.md "Lock order".
        self._take_counters(session, profile, list(zip(applied, slots, strict=True)), redemption.items,
                            order_value=cart.subtotal)
        checkpoints.reached("redeem.counters_taken")   # crash tests: counters taken, not committed
        checkpoints.reached("redeem.before_commit")   # crash tests: everything written, not committed
        return result

    def _take_counters(
        self, session: Session, profile: Customer, taken: list[tuple[OfferResult, Slot]],
        items: list[RedemptionItemRow], *, order_value: int,
    ) -> None:
        """Take every counter of the applied offers, in one global order so concurrent
        transactions never wait on each other in a cycle: the customer's usage rows (by campaign
        and period; only this customer's orders share them), codes by id, then capped campaigns
        by id, whose rows every order sharing the offer waits for: they come last, and the
        commit follows at once. Uncapped campaigns' rows are not written."""
        taken = sorted(taken, key=lambda pair: (pair[0].campaign_id, pair[0].code or ""))
        on_row = {offer.campaign_id for offer, slot in taken if counters.campaign_capped(slot.campaign.limits)}
        # A campaign made capped since this order was priced: its edit folded the items that
        # pointed at its row then, and this one (written after) must count on the row too, under
        # the new caps, which this order was not priced with: price it again. Read after the
        # items are written, so such an edit has either waited for them or committed before.
        # An uncapped campaign's row is not written either, so no conditional UPDATE sees it
        # paused or archived since the order was priced: this read does, and prices it again.
        states = counters.row_states(session, {offer.campaign_id for offer, _ in taken} - on_row)
        for campaign_id, (capped, status) in sorted(states.items()):
            code = next(offer.code for offer, _ in taken if offer.campaign_id == campaign_id)
            if status != CampaignStatus.ACTIVE.value:
                raise _LostRace(Reason.CAMPAIGN_PAUSED, campaign_id, code)
            if not capped:
                continue
            if self._capped_now(session, campaign_id):
                raise _LostRace(Reason.CAMPAIGN_LIMIT_REACHED, campaign_id, code)
            # The row says capped but its definition has no cap (a row written without the
            # flag): count on the row, as every order did before the flag, rather than pricing
            # again and again.
            on_row.add(campaign_id)
        for item in items:
            item.counted = item.campaign_id in on_row
        session.flush()   # now, not between the last counter and the commit
        if profile.id is not None:
            for offer, slot in taken:
                if not counters.take_customer_usage(session, offer.campaign_id, profile.id, slot.usage_keys, slot.caps):
                    raise _LostRace(Reason.CUSTOMER_LIMIT_REACHED, offer.campaign_id, offer.code)
        for offer, slot in sorted(taken, key=lambda pair: pair[1].code_id or 0):
            if slot.code_id is not None and not counters.take_code(session, slot.code_id, slot.campaign.limits.per_code):
                raise _LostRace(Reason.QUANTITY_EXCEEDED, offer.campaign_id, offer.code)
        for offer, slot in taken:
            if offer.campaign_id not in on_row:
                continue
            version = counters.take_campaign(session, offer.campaign_id, slot.campaign.limits,
                                             discount=offer.total_discount, order_value=order_value)
            if version is None:
                raise _LostRace(self._campaign_block(session, slot, order_value), offer.campaign_id, offer.code)
            # The UPDATE checked the caps this order was priced with; a marketer may have
            # lowered them since. The row is ours now, so its definition is the one in force.
            if self._limits_now(session, offer.campaign_id, version) != slot.campaign.limits:
                raise _LostRace(Reason.CAMPAIGN_LIMIT_REACHED, offer.campaign_id, offer.code)

    def _limits_now(self, session: Session, campaign_id: str, version: int) -> Limits | None:
        """The stored definition's limits (None when unreadable: pricing again leaves it out).
        Its version's parse is usually known already (pricing parsed it): then the row, which
        this order holds locked until its commit, is not read again."""
        known = self.work.parsed_campaign(campaign_id, version)
        if known is not None:
            return known.limits
        try:
            return self.work.campaign(self.work.campaign_row(session, campaign_id)).limits
        except UnreadableDefinition:
            return None

    def _capped_now(self, session: Session, campaign_id: str) -> bool:
        """Whether the campaign's stored definition has a cap (an unreadable one: assume so,
        and pricing again leaves it out)."""
        try:
            return counters.campaign_capped(self.work.campaign(self.work.campaign_row(session, campaign_id)).limits)
        except UnreadableDefinition:
            return True

    def _campaign_block(self, session: Session, slot: Slot, order_value: int) -> Reason:
        row = session.execute(
            select(CampaignRow.status, CampaignRow.redemptions_count, CampaignRow.budget_used, CampaignRow.order_value_used)
            .where(CampaignRow.id == slot.campaign.id)
        ).one()
        if row.status != CampaignStatus.ACTIVE:
            return Reason.CAMPAIGN_PAUSED
        usage = Usage(row.redemptions_count, row.budget_used, row.order_value_used)
        reason = blocked_reason(slot.campaign.limits, usage, customer_id="-", local_now=self.work.now(), order_value=order_value)
        return reason or Reason.BUDGET_EXHAUSTED

    def rollback(
        self, redemption_id: int, *, reason: str, item_id: int | None = None, actor: str = "system"
    ) -> RedemptionResult:
        """Withdraw a whole redemption (item_id=None) or one stacked child; see the module doc.

        Idempotent: what is already rolled back stays as it is and the current state is returned.
        """
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidRequest("a rollback needs a reason", code="invalid_reason")
        check_id("redemption id", redemption_id)
        if item_id is not None:
            check_id("item id", item_id)

        def work(session: Session) -> RedemptionResult:
            redemption = session.scalar(for_update(select(RedemptionRow).where(RedemptionRow.id == redemption_id), session))
            if redemption is None:
                raise NotFound(f"no redemption {redemption_id}", code="redemption_not_found")
            items = list(redemption.items)
            if item_id is not None:
                items = [item for item in items if item.id == item_id]
                if not items:
                    raise NotFound(f"redemption {redemption_id} has no item {item_id}", code="redemption_item_not_found")
            order = session.get(OrderRow, redemption.order_id)
            before = convert.redemption_result(redemption, order).to_dict()
            now = self.work.clock()
            withdrawn = [item for item in sorted(items, key=lambda i: (i.campaign_id, i.code or "")) if self._withdraw(session, item, reason, now)]
            counted_total = order.total   # what the customer's total_spent holds for this order
            for item in withdrawn:
                self._remove_from_order(order, item)
            cancel = item_id is None and order.status == OrderStatus.PLACED
            if redemption.customer_id is not None and (withdrawn or cancel):
                # A cancelled order no longer counts; a kept one now costs what was withdrawn more.
                spent = -counted_total if cancel else order.total - counted_total
                self._adjust_customer(session, redemption.customer_id, spent=spent, orders=-1 if cancel else 0)
            if cancel:
                order.status = OrderStatus.CANCELLED.value
            if withdrawn or cancel:
                self.incentives.after_rollback(session, order, withdrawn, cancelled=cancel, now=now)
            remaining = [i for i in redemption.items if i.status == ItemStatus.SUCCEEDED]
            new_status = RedemptionStatus.SUCCEEDED
            if not remaining and (redemption.items or cancel):
                new_status = RedemptionStatus.ROLLED_BACK
            elif len(remaining) < len(redemption.items):
                new_status = RedemptionStatus.PARTIALLY_ROLLED_BACK
            if withdrawn or cancel:
                redemption.status = new_status.value
                redemption.rollback_reason = reason
                redemption.rolled_back_at = now
                session.flush()
                result = convert.redemption_result(redemption, order)
                audit.record(session, at=now, actor=actor, action="redemption.rollback", object_type="redemption",
                             object_id=str(redemption_id), before=before,
                             after={**result.to_dict(), "item_id": item_id, "reason": reason})
                announce(self.work, session, "redemption.rolled_back", {**result.to_dict(), "item_id": item_id, "reason": reason},
                           customer_id=redemption.customer_id)
                # Counters last, in the order redeem takes them, so a rollback never holds a
                # counter while it waits for a row an order locks before its counters.
                session.flush()
                self._restore_counters(session, withdrawn, redemption.customer_id)
                return result
            return convert.redemption_result(redemption, order)

        return self.work.write(work)

    @staticmethod
    def _restore_counters(session: Session, withdrawn: list[RedemptionItemRow], customer_id: str | None) -> None:
        """In redeem's order: the customer's usage, codes by id, capped campaigns by id."""
        if customer_id is not None:
            for item in sorted(withdrawn, key=lambda i: i.campaign_id):
                counters.restore_customer_usage(session, item.campaign_id, customer_id, item.usage_keys)
        for item in sorted(withdrawn, key=lambda i: i.code_id or 0):
            if item.code_id is not None:
                counters.restore_code(session, item.code_id)
        for item in sorted((i for i in withdrawn if i.counted), key=lambda i: i.campaign_id):
            counters.restore_campaign(session, item.campaign_id, discount=item.discount + item.shipping_discount,
                                      order_value=item.order_value)

    @staticmethod
    def _withdraw(session: Session, item: RedemptionItemRow, reason: str, now: datetime) -> bool:
        """Mark the item rolled back, unless someone already did (then False)."""
        changed = session.execute(
            update(RedemptionItemRow)
            .where(RedemptionItemRow.id == item.id, RedemptionItemRow.status == ItemStatus.SUCCEEDED.value)
            .values(status=ItemStatus.ROLLED_BACK.value, rollback_reason=reason, rolled_back_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.refresh(item)
        return changed == 1

    @staticmethod
    def _remove_from_order(order: OrderRow, item: RedemptionItemRow) -> None:
        for line, share in zip(order.lines, item.line_discounts, strict=True):
            line.discount = max(0, line.discount - share)
        order.discount = max(0, order.discount - item.discount)
        order.shipping_discount = max(0, order.shipping_discount - item.shipping_discount)
        order.total = order.subtotal - order.discount + order.shipping - order.shipping_discount

    @staticmethod
    def _adjust_customer(session: Session, customer_id: str, *, spent: int, orders: int) -> None:
        row = session.get(CustomerRow, customer_id)
        if row is None:
            return
        row.total_spent = max(0, row.total_spent + spent)
        row.orders_count = max(0, row.orders_count + orders)

    def get_redemption(self, redemption_id: int) -> RedemptionResult:
        check_id("redemption id", redemption_id)
        with self.work.read() as session:
            redemption = session.get(RedemptionRow, redemption_id)
            if redemption is None:
                raise NotFound(f"no redemption {redemption_id}", code="redemption_not_found")
            return convert.redemption_result(redemption, session.get(OrderRow, redemption.order_id))

    def list_redemptions(self, *, customer_id: str | None = None, limit: int = 50) -> list[RedemptionResult]:
        """Newest first; `customer_id` narrows to one customer's orders (the wallet's history)."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidRequest(f"limit must be between 1 and {MAX_PAGE}", code="invalid_limit")
        statement = select(RedemptionRow).order_by(RedemptionRow.id.desc()).limit(limit)
        if customer_id is not None:
            statement = statement.where(RedemptionRow.customer_id == customer_id)
        with self.work.read() as session:
            rows = list(session.scalars(statement))
            orders = {o.id: o for o in session.scalars(select(OrderRow).where(OrderRow.id.in_([r.order_id for r in rows])))}
            return [convert.redemption_result(r, orders[r.order_id]) for r in rows]


def _refusal_error(refused: Mapping[str, tuple[Reason, str]]) -> RedemptionRefused:
    details = {"codes": {code: {"reason": reason.value, "message": message} for code, (reason, message) in refused.items()}}
    code, (reason, message) = next(iter(refused.items()))
    error_class = LimitExceeded if reason in LIMIT_REASONS else RedemptionRefused
    return error_class(f"{code}: {message or message_for(reason)}", code=reason.value, details=details)


def _redeem_payload(
    customer: Customer | str | None, cart: Cart, codes: Sequence[str], order_ref: str | None, context: Context | None,
    declined: Sequence[str] = (), chosen: frozenset[str] | None = None,
) -> dict[str, Any]:
    # Only the customer's identity: a profile reloaded after the first redemption (one more
    # order) is still the same request.
    who = customer.id if isinstance(customer, Customer) else customer
    return {
        "operation": "redeem",
        "customer": who,
        "cart": {
            "currency": cart.currency,
            "shipping": cart.shipping,
            "lines": [
                [line.sku, line.name, line.unit_price, line.quantity, sorted(line.categories), sorted(line.collections)]
                for line in cart.lines
            ],
        },
        "codes": list(codes),
        "order_ref": order_ref,
        "context": None if context is None else [context.page, context.category, context.product_sku, context.channel],
        # Only when given, so requests stored before declined codes existed keep their fingerprint.
        **({"declined_codes": list(declined)} if declined else {}),
        **({"promotions": sorted(chosen)} if chosen is not None else {}),
    }
