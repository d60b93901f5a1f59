"""From stored campaigns, codes and counters to the applicator's candidates.

Everything storage knows that the pure evaluation cannot (campaign paused, code disabled or
held by someone else, a limit or budget used up) becomes `Candidate.blocked`, and the budget
left becomes `Candidate.remaining_budget`. Counters are read live on every call, in one query
for all the candidates (`touching_promotions`, `touching_public_codes`), and customer usage in
one query too, so the number of queries does not grow with the number of campaigns.

Promotions without limits have no counters to read, and the active set they come from is the
one of the revision this transaction read, which every status change moves: their slots are
made once per active set (`ActiveSet.unlimited_slots`), not per cart. A pause committed after
that read prices the cart as the moment before it did; an order re-reads the status of every
uncounted campaign it applies before committing (promo.services.redemptions).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from promo.core.applicator import Candidate
from promo.core.campaign import AT_COST, Campaign, Kind, Limits, MarginFloor
from promo.core.codes import normalise_code
from promo.core.domain import Cart, Customer
from promo.core.errors import UnreadableDefinition
from promo.core.limits import Usage, blocked_reason, customer_caps, remaining_budget, usage_keys
from promo.core.reasons import Reason
from promo.core.records import OfferSource
from promo.services import giftcards, referrals
from promo.services.active import ActiveSet
from promo.storage.models import CampaignRow, CodeRow, CustomerUsageRow

ParseCampaign = Callable[[CampaignRow], Campaign]
NO_LIMITS = Limits()
PAYMENT_KINDS = (Kind.GIFT_CARD.value, Kind.LOYALTY.value)
# Held codes that are no discount for their holder: balances, and an advocate's own referral code.
NOT_WALLET_OFFER_KINDS = (*PAYMENT_KINDS, Kind.REFERRAL.value)

_CAMPAIGNS = CampaignRow.__table__
# Live status and counters of some campaigns: read on every cart change, so built once, on the
# table's columns (building and compiling the statement cost more than running it).
_COUNTERS = (select(_CAMPAIGNS.c.id, _CAMPAIGNS.c.status, _CAMPAIGNS.c.redemptions_count, _CAMPAIGNS.c.budget_used,
                    _CAMPAIGNS.c.order_value_used)
             .where(_CAMPAIGNS.c.id.in_(bindparam("ids", expanding=True))))
# A promotion's row as far as the slot of one without limits reads it: active, no counters.
_ACTIVE = SimpleNamespace(status="active")


@dataclass(frozen=True)
class Slot:
    """One candidate plus the storage facts a redemption needs to take its counters."""

    candidate: Candidate
    source: OfferSource
    code_id: int | None
    usage_keys: tuple[str, ...]      # customer_usage keys a redemption increments ([] for guests)
    caps: dict[str, int]             # usage key -> cap

    @property
    def campaign(self) -> Campaign:
        return self.candidate.campaign

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.campaign.id, self.candidate.code)


@dataclass
class Offers:
    slots: list[Slot] = field(default_factory=list)
    unknown: dict[str, Reason] = field(default_factory=dict)
    margin_floor: MarginFloor = AT_COST    # the store's, for campaigns without their own

    @property
    def candidates(self) -> list[Candidate]:
        return [slot.candidate for slot in self.slots]

    def slot(self, campaign_id: str, code: str | None) -> Slot:
        for slot in self.slots:
            if slot.key == (campaign_id, code):
                return slot
        raise KeyError((campaign_id, code))


class OfferLoader:
    def __init__(
        self,
        session: Session,
        parse: ParseCampaign,
        *,
        customer_id: str | None,
        local_now: datetime,
        order_value: int = 0,
        currency: str | None = None,
    ):
        self.session = session
        self.parse = parse
        self.customer_id = customer_id
        self.local_now = local_now
        self.order_value = order_value
        self.currency = currency           # the order's; gift cards of another currency cannot pay it
        self._usage: dict[str, dict[str, int]] | None = None   # prefetched customer usage by campaign
        # Promotion slots made so far, by campaign id (None: no longer active). Within one read
        # transaction a promotion's counters are read once, however many lists it is in.
        self._promotions: dict[str, Slot | None] = {}

    # ---- what to consider ----

    def promotions(self) -> list[Slot]:
        rows = self.session.scalars(
            select(CampaignRow)
            .where(CampaignRow.kind == Kind.PROMOTION.value, CampaignRow.status == "active")
            .order_by(CampaignRow.created_at, CampaignRow.id)
        )
        rows = [row for row in rows if self._unreadable(row) is None]
        self._prefetch_usage([(row.id, self.parse(row)) for row in rows])
        return [self._slot(row, None, OfferSource.PROMOTION) for row in rows]

    def touching_promotions(self, active: ActiveSet, cart: Cart, customer: Customer, *, hints: bool = False) -> list[Slot]:
        """The active promotions that could apply to this cart for this customer (with `hints`:
        or say what to add; promo.core.index), in campaign order, with their counters read now."""
        index = active.promotion_hints if hints else active.promotions
        return self.promotion_slots(active, index.candidates(cart, customer))

    def chosen_promotions(self, active: ActiveSet, campaign_ids: frozenset[str]) -> list[Slot]:
        """The active promotions among `campaign_ids`, in campaign order, whatever the cart holds
        (a client named them, so each gets its own verdict), with their counters read now."""
        return self.promotion_slots(active, [c for c in active.promotions.campaigns if c.id in campaign_ids])

    def promotion_slots(self, active: ActiveSet, campaigns: list[Campaign]) -> list[Slot]:
        """These promotions of `active`, in this order, with their counters read now (or earlier
        in this loader's transaction); those without limits as made for `active`."""
        unread = [c for c in campaigns if c.id not in self._promotions]
        if unread:
            unread = self._share_unlimited(active, unread)
        if unread:
            counters = self._counters([c.id for c in unread])
            self._prefetch_usage([(c.id, c) for c in unread])
            for c in unread:
                row = counters.get(c.id)
                self._promotions[c.id] = None if row is None else self._slot(row, None, OfferSource.PROMOTION, c)
        return [slot for c in campaigns if (slot := self._promotions[c.id]) is not None]

    def _share_unlimited(self, active: ActiveSet, campaigns: list[Campaign]) -> list[Campaign]:
        """Takes the slots of the promotions without limits from `active`'s memo (making the
        missing ones); returns the others, whose counters must be read."""
        signed_in = self.customer_id is not None
        memo = active.unlimited_slots
        limited = []
        for campaign in campaigns:
            if campaign.limits != NO_LIMITS:
                limited.append(campaign)
                continue
            slot = memo.get((campaign.id, signed_in))
            if slot is None:
                slot = memo[(campaign.id, signed_in)] = self._slot(_ACTIVE, None, OfferSource.PROMOTION, campaign)
            self._promotions[campaign.id] = slot
        return limited

    def touching_public_codes(self, active: ActiveSet, cart: Cart, customer: Customer) -> list[Slot]:
        """public_codes() narrowed to the listed coupons that could apply to this cart or say
        what to add to it."""
        return self.public_code_slots(
            [c for c in active.coupon_hints.candidates(cart, customer) if c.code and c.visibility.listed])

    def auto_applied_codes(self, active: ActiveSet, cart: Cart, customer: Customer, skip: set[str]) -> list[Slot]:
        """The public codes of auto_apply coupons that could apply to this cart, except `skip`
        (codes entered already, or declined by the shopper)."""
        return self.public_code_slots([c for c in active.auto_coupons.candidates(cart, customer)
                                       if normalise_code(c.code) not in skip])

    def public_code_slots(self, campaigns: list[Campaign]) -> list[Slot]:
        """These active coupons, in this order, each with its public code and counters read now."""
        if not campaigns:
            return []
        code_rows = {
            row.code: row
            for row in self.session.scalars(
                select(CodeRow).where(CodeRow.code.in_([normalise_code(c.code) for c in campaigns]),
                                      CodeRow.holder_id.is_(None))
            )
        }
        counters = self._counters([c.id for c in campaigns])
        self._prefetch_usage([(c.id, c) for c in campaigns])
        slots = []
        for campaign in campaigns:
            code_row = code_rows.get(normalise_code(campaign.code))
            if code_row is None or code_row.campaign_id != campaign.id or campaign.id not in counters:
                continue
            slots.append(self._slot(counters[campaign.id], code_row, OfferSource.PUBLIC_CODE, campaign))
        return slots

    def entered(self, codes: Iterable[str]) -> Offers:
        """Slots for the codes a shopper entered (normalised, in entry order, repeats dropped)."""
        offers = Offers()
        for code in codes:
            found = self.session.execute(
                select(CodeRow, CampaignRow).join(CampaignRow, CodeRow.campaign_id == CampaignRow.id).where(CodeRow.code == code)
            ).first()
            if found is None:
                offers.unknown[code] = Reason.CODE_NOT_FOUND
                continue
            code_row, campaign_row = found
            if campaign_row.kind == Kind.REFERRAL.value:
                # An advocate's code is for their friends (promo.services.referrals says who may use
                # it); a referral code nobody holds yet has no advocate to reward.
                refusal = referrals.refusal(self.session, code_row, self.customer_id) or self._unreadable(campaign_row)
                if refusal is not None:
                    offers.unknown[code] = refusal
                else:
                    offers.slots.append(self._slot(campaign_row, code_row, OfferSource.PUBLIC_CODE))
                continue
            if code_row.holder_id is not None and code_row.holder_id != self.customer_id:
                # Someone else's code must not be distinguishable from a mistyped one.
                offers.unknown[code] = Reason.CODE_NOT_FOUND
                continue
            if campaign_row.kind in PAYMENT_KINDS:
                # Paid with, not a discount: promo.services.giftcards draws gift cards after the discounts.
                refusal = (giftcards.refusal(code_row) or self._wrong_currency(campaign_row)
                           if campaign_row.kind == Kind.GIFT_CARD.value else None)
                if refusal is not None:
                    offers.unknown[code] = refusal
                continue
            if self._unreadable(campaign_row) is not None:
                offers.unknown[code] = Reason.OFFER_UNAVAILABLE
                continue
            source = OfferSource.WALLET if code_row.holder_id is not None else OfferSource.PUBLIC_CODE
            offers.slots.append(self._slot(campaign_row, code_row, source))
        return offers

    def public_codes(self) -> list[Slot]:
        """Listed coupon campaigns that are active, each with its public code."""
        rows = self.session.execute(
            select(CampaignRow, CodeRow)
            .join(CodeRow, CodeRow.campaign_id == CampaignRow.id)
            .where(CampaignRow.kind == Kind.COUPON.value, CampaignRow.status == "active", CodeRow.holder_id.is_(None))
            .order_by(CampaignRow.created_at, CampaignRow.id)
        )
        slots = []
        for campaign_row, code_row in rows:
            if self._unreadable(campaign_row) is not None:
                continue
            campaign = self.parse(campaign_row)
            if campaign.code is None or normalise_code(campaign.code) != code_row.code:
                continue
            if campaign.visibility.listed:
                slots.append(self._slot(campaign_row, code_row, OfferSource.PUBLIC_CODE))
        return slots

    def wallet(self) -> list[Slot]:
        """Codes published to the customer (active ones, of campaigns that are not archived)."""
        if self.customer_id is None:
            return []
        rows = self.session.execute(
            select(CodeRow, CampaignRow)
            .join(CampaignRow, CodeRow.campaign_id == CampaignRow.id)
            .where(CodeRow.holder_id == self.customer_id, CodeRow.status == "active", CampaignRow.status != "archived",
                   CampaignRow.kind.not_in(NOT_WALLET_OFFER_KINDS))
            .order_by(CodeRow.created_at, CodeRow.id)
        ).all()
        rows = [(code_row, campaign_row) for code_row, campaign_row in rows if self._unreadable(campaign_row) is None]
        self._prefetch_usage([(campaign_row.id, self.parse(campaign_row)) for _, campaign_row in rows])
        return [self._slot(campaign_row, code_row, OfferSource.WALLET) for code_row, campaign_row in rows]

    def _unreadable(self, row: CampaignRow) -> Reason | None:
        """OFFER_UNAVAILABLE when the campaign's stored definition no longer parses: it is
        skipped (the engine logs it), so one bad row cannot break every cart."""
        try:
            self.parse(row)
        except UnreadableDefinition:
            return Reason.OFFER_UNAVAILABLE
        return None

    def _wrong_currency(self, row: CampaignRow) -> Reason | None:
        """WRONG_CURRENCY when a gift card's balance is in another currency than the order."""
        if self.currency is None or self._unreadable(row) is not None:
            return None    # nothing to compare: the balance stays spendable
        return Reason.WRONG_CURRENCY if self.parse(row).currency not in (None, self.currency) else None

    # ---- one candidate ----

    def _slot(self, row: CampaignRow | Any, code_row: CodeRow | None, source: OfferSource,
              campaign: Campaign | None = None) -> Slot:
        """`row` is a CampaignRow or a row of its counters (see _counters) with `campaign` given."""
        campaign = campaign or self.parse(row)
        limits = campaign.limits
        blocked = self._status_block(row, code_row)
        keys = usage_keys(limits, self.local_now) if self.customer_id is not None else ()
        caps: dict[str, int] = {}
        budget = None
        # Most promotions have no limits: no counter can block them and they have no budget, so
        # the usage snapshot and the limit checks (which would say so) are skipped.
        if limits != NO_LIMITS:
            if self.customer_id is not None:
                caps = customer_caps(limits, self.local_now)
            usage = Usage(
                campaign_redemptions=row.redemptions_count,
                budget_used=row.budget_used,
                order_value_used=row.order_value_used,
                code_redemptions=code_row.redeemed_count if code_row is not None else None,
                customer=self._customer_usage(row.id, keys) if caps else {},
            )
            if blocked is None:
                blocked = blocked_reason(
                    limits, usage, customer_id=self.customer_id, local_now=self.local_now, order_value=self.order_value
                )
            budget = remaining_budget(limits, usage)
        candidate = Candidate(campaign, code_row.code if code_row is not None else None, blocked=blocked,
                              remaining_budget=budget, expires_at=code_row.expires_at if code_row is not None else None)
        return Slot(candidate, source, code_row.id if code_row is not None else None, keys, caps)

    @staticmethod
    def _status_block(row: CampaignRow, code_row: CodeRow | None) -> Reason | None:
        if row.status == "archived":
            return Reason.CODE_DISABLED if code_row is not None else Reason.EXPIRED
        if row.status == "paused":
            return Reason.CAMPAIGN_PAUSED
        if code_row is not None and code_row.status != "active":
            return Reason.CODE_DISABLED
        return None

    def _counters(self, campaign_ids: list[str]) -> dict[str, Any]:
        """Live status and counters of these campaigns (still active ones only), in one query."""
        if not campaign_ids:
            return {}
        rows = self.session.execute(_COUNTERS, {"ids": campaign_ids})
        # Filtered here, not in SQL: a status condition can make SQLite scan the status index
        # (every active campaign) instead of looking the few ids up by primary key.
        return {row.id: row for row in rows if row.status == "active"}

    def _prefetch_usage(self, campaigns: list[tuple[str, Campaign]]) -> None:
        """Read this customer's usage of every campaign with a per-customer cap in one query."""
        if self.customer_id is None:
            return
        keys = {campaign_id: usage_keys(c.limits, self.local_now) for campaign_id, c in campaigns
                if customer_caps(c.limits, self.local_now)}
        usage: dict[str, dict[str, int]] = {campaign_id: {} for campaign_id in keys}
        if keys:
            rows = self.session.execute(
                select(CustomerUsageRow.campaign_id, CustomerUsageRow.period_key, CustomerUsageRow.count).where(
                    CustomerUsageRow.customer_id == self.customer_id,
                    CustomerUsageRow.campaign_id.in_(list(keys)),
                    CustomerUsageRow.period_key.in_(sorted({k for ks in keys.values() for k in ks})),
                )
            )
            for campaign_id, period_key, count in rows:
                if period_key in keys[campaign_id]:
                    usage[campaign_id][period_key] = count
        self._usage = {**(self._usage or {}), **usage}

    def _customer_usage(self, campaign_id: str, keys: tuple[str, ...]) -> dict[str, int]:
        if self._usage is not None and campaign_id in self._usage:
            return dict(self._usage[campaign_id])
        rows = self.session.execute(
            select(CustomerUsageRow.period_key, CustomerUsageRow.count).where(
                CustomerUsageRow.campaign_id == campaign_id,
                CustomerUsageRow.customer_id == self.customer_id,
                CustomerUsageRow.period_key.in_(keys),
            )
        )
        return {key: count for key, count in rows}
