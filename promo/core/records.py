"""What promo.engine.Engine returns: plain frozen dataclasses, integer minor units, aware UTC datetimes.

They carry no database session, so callers may keep them after the transaction that made them.
`RedemptionResult.to_dict` / `from_dict` round-trip through JSON (idempotent replays return the
stored result).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any

from promo.core.campaign import Campaign
from promo.core.reasons import Reason
from promo.core.results import Evaluation, Hint, OfferResult, Status


class CampaignStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


class CodeStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class RedemptionStatus(StrEnum):
    SUCCEEDED = "succeeded"
    PARTIALLY_ROLLED_BACK = "partially_rolled_back"
    ROLLED_BACK = "rolled_back"


class ItemStatus(StrEnum):
    SUCCEEDED = "succeeded"
    ROLLED_BACK = "rolled_back"


class OrderStatus(StrEnum):
    PLACED = "placed"
    CANCELLED = "cancelled"


class OfferStatus(StrEnum):
    ELIGIBLE = "eligible"          # applies to this cart now
    NEAR_MISS = "near_miss"        # an unmet minimum the shopper can reach (comes with a hint)
    NOT_ELIGIBLE = "not_eligible"


class OfferSource(StrEnum):
    PROMOTION = "promotion"        # applied automatically
    PUBLIC_CODE = "public_code"    # a listed coupon code anyone may enter
    WALLET = "wallet"              # a code published to this customer


@dataclass(frozen=True)
class CampaignInfo:
    id: str
    name: str
    kind: str
    status: CampaignStatus
    definition: Mapping[str, Any]
    version: int
    redemptions_count: int
    budget_used: int
    order_value_used: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CodeInfo:
    code: str
    campaign_id: str
    status: CodeStatus
    holder_id: str | None
    redeemed_count: int
    gift_balance: int | None
    created_at: datetime
    expires_at: datetime | None = None   # its own end, set when published (codes: {valid_days})


@dataclass(frozen=True)
class CodePage:
    codes: tuple[CodeInfo, ...]
    total: int | None            # every code matching the filters; None when not counted (later pages)
    next_after: str | None      # pass as `after=` for the next page; None on the last page


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    description: str = ""
    position: int = 0


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price: int
    categories: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()
    description: str = ""
    image: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    position: int = 0
    cost: int | None = None       # one unit's cost, minor units; None: not guarded by the margin floor

    @property
    def margin(self) -> int | None:
        return None if self.cost is None else self.price - self.cost


@dataclass(frozen=True)
class Offer:
    """One line of a qualification: an offer the customer could use, on this cart."""

    campaign_id: str
    name: str
    kind: str
    source: OfferSource
    code: str | None
    status: OfferStatus
    discount: int                 # items + shipping, minor units, on this cart alone
    reason: Reason
    message: str
    hint: Hint | None
    visible: bool                 # the campaign's soft visibility rules show it in this context
    result: OfferResult           # the full evaluation of this offer alone
    expires_at: datetime | None = None   # the code's own end (codes: {valid_days}), not the campaign's


@dataclass(frozen=True)
class QuotedOffer:
    """An offer the shopper could use, told against their cart as it is now (Engine.price).

    `in_cart`: the cart's own evaluation holds it (applied, set aside or refused there), and
    `cart_result` is that result. Otherwise `cart_result` is the offer's result when it is added
    to the cart as it is (a code entered next, a promotion among the others), and `adds` what
    that adds to the cart's savings: less than its own discount when it displaces another offer,
    0 when the stacking rules set it aside. `offer` is the offer on its own (Engine.qualify's):
    `alone` evaluates it on first use, since a page that only needs the cart's own results (the
    cart fragment, for the offers it holds) has no use for one more evaluation per offer."""

    campaign: Campaign
    cart_result: OfferResult
    in_cart: bool
    alone: Callable[[], Offer] = field(compare=False, repr=False)
    adds: int = 0

    @cached_property
    def offer(self) -> Offer:
        return self.alone()

    @property
    def applied_in_cart(self) -> bool:
        return self.in_cart and self.cart_result.status is Status.APPLIED


@dataclass(frozen=True)
class CartQuote:
    """One evaluation of a shopper's cart, shared by every page that talks about it: the cart's
    evaluation (what validate and redeem give), and each offer touching the cart or held in
    the customer's wallet, told against that same cart."""

    evaluation: Evaluation
    offers: tuple[QuotedOffer, ...] = ()


@dataclass(frozen=True)
class OrderLineRecord:
    sku: str
    name: str
    unit_price: int
    quantity: int
    discount: int
    categories: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()
    added_by: str | None = None

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity - self.discount


@dataclass(frozen=True)
class OrderRecord:
    id: int
    order_ref: str
    customer_id: str | None
    currency: str
    status: OrderStatus
    subtotal: int
    discount: int
    shipping: int
    shipping_discount: int
    total: int
    lines: tuple[OrderLineRecord, ...]
    created_at: datetime


@dataclass(frozen=True)
class RedemptionItemRecord:
    id: int
    campaign_id: str
    code: str | None
    discount: int
    shipping_discount: int
    line_discounts: tuple[int, ...]
    status: ItemStatus
    rollback_reason: str | None = None
    rolled_back_at: datetime | None = None


@dataclass(frozen=True)
class SetAsideCode:
    """An entered code that was valid but not applied (stacking rules kept a better deal)."""

    code: str
    campaign_id: str | None
    reason: Reason
    message: str


@dataclass(frozen=True)
class RedemptionResult:
    id: int
    status: RedemptionStatus
    customer_id: str | None
    order: OrderRecord
    items: tuple[RedemptionItemRecord, ...]
    created_at: datetime
    set_aside: tuple[SetAsideCode, ...] = ()
    rollback_reason: str | None = None
    rolled_back_at: datetime | None = None
    replayed: bool = False     # True when an idempotency key returned an earlier result

    @property
    def discount(self) -> int:
        return self.order.discount + self.order.shipping_discount

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RedemptionResult:
        order = dict(data["order"])
        order["status"] = OrderStatus(order["status"])
        order["created_at"] = _dt(order["created_at"])
        order["lines"] = tuple(
            OrderLineRecord(**{**line, "categories": tuple(line["categories"]), "collections": tuple(line["collections"])})
            for line in order["lines"]
        )
        items = tuple(
            RedemptionItemRecord(
                **{
                    **item,
                    "status": ItemStatus(item["status"]),
                    "line_discounts": tuple(item["line_discounts"]),
                    "rolled_back_at": _dt(item["rolled_back_at"]),
                }
            )
            for item in data["items"]
        )
        set_aside = tuple(SetAsideCode(**{**s, "reason": Reason(s["reason"])}) for s in data["set_aside"])
        return cls(
            id=data["id"],
            status=RedemptionStatus(data["status"]),
            customer_id=data["customer_id"],
            order=OrderRecord(**order),
            items=items,
            created_at=_dt(data["created_at"]),
            set_aside=set_aside,
            rollback_reason=data["rollback_reason"],
            rolled_back_at=_dt(data["rolled_back_at"]),
            replayed=data.get("replayed", False),
        )

    def as_replay(self) -> RedemptionResult:
        return replace(self, replayed=True)


@dataclass(frozen=True)
class Publication:
    id: int
    campaign_id: str
    customer_id: str
    code: str
    source_id: str | None
    created_at: datetime
    created: bool = True       # False when source_id returned an earlier publication
    expires_at: datetime | None = None   # when the published code stops being valid (codes: {valid_days})


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value
