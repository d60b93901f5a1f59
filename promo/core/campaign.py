"""The parsed, validated form of a campaign definition.

`promo.format.definition.parse_campaign(dict)` builds these from what people write (YAML/JSON,
documented in docs/campaigns.md). Everything downstream (evaluation, storage, the UI) reads
these frozen dataclasses, never the raw dict. A campaign's effect is one of the effect types of
promo.core.effects, each defined by its own module.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from promo.core.domain import ItemSelector
from promo.core.effects import Effect

if TYPE_CHECKING:
    from promo.core.facts import Facts
    from promo.core.results import Check

# Re-exported: conditions select lines with ItemSelector; Effect is the base of every effect
# type's dataclass (each in its module of promo.core.effects).
__all__ = ["Effect", "ItemSelector"]


class Kind(StrEnum):
    COUPON = "coupon"          # one public code shared by everyone
    BULK = "bulk"              # many unique single-holder codes
    PROMOTION = "promotion"    # applied automatically, no code
    REFERRAL = "referral"
    GIFT_CARD = "gift_card"
    LOYALTY = "loyalty"


class Stacking(StrEnum):
    COMMON = "common"          # combines with common and always offers
    EXCLUSIVE = "exclusive"    # never with common offers; still with always offers
    ALWAYS = "always"          # combines with everything


class Condition(Protocol):
    """An eligibility or audience rule; promo.core.conditions holds the implementations. The
    protocol lives here so a campaign can hold one without importing the condition tree."""

    message: str

    def evaluate(self, facts: Facts) -> Check: ...
    def describe(self, currency: str = "USD", locale: str = "en_US") -> str: ...
    def restrictions(self, currency: str = "USD", locale: str = "en_US") -> list[str]: ...
    def fact_names(self) -> Iterator[str]: ...
    def negation(self) -> Condition | None: ...


# ---- Codes, timing, visibility, limits ----

DEFAULT_CHARSET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"  # no 0/O, 1/I/L, 5/S


@dataclass(frozen=True)
class CodePattern:
    pattern: str = "########"               # '#' is one random character
    charset: str = DEFAULT_CHARSET
    prefix: str = ""
    postfix: str = ""


@dataclass(frozen=True)
class ScheduleSlot:
    weekdays: frozenset[int]                # 0 = Monday ... 6 = Sunday
    start: time
    end: time                               # exclusive


@dataclass(frozen=True)
class Visibility:
    """Soft conditions: where and to whom an offer is shown. Never decides eligibility."""

    pages: frozenset[str] = frozenset()       # empty: every page
    categories: frozenset[str] = frozenset()  # category pages / product pages in these categories
    audience: Condition | None = None      # e.g. only dormant customers see it
    listed: bool = True                       # on the deals page and banners (hidden codes: False)


@dataclass(frozen=True)
class PeriodLimit:
    period: str        # "day", "week" or "month", in the store's time zone
    count: int


@dataclass(frozen=True)
class Limits:
    per_code: int | None = None              # redemptions of one code
    per_customer: int | None = None          # in total
    per_customer_periods: tuple[PeriodLimit, ...] = ()
    total: int | None = None                 # redemptions of the whole campaign
    budget: int | None = None                # total discount granted, minor units
    order_value_budget: int | None = None    # total order value of redeeming orders


@dataclass(frozen=True)
class MarginFloor:
    """The least a guarded line must still earn above its cost, per unit: a percent of the
    cost, or an amount. Neither: the floor is off (discounts may go below cost)."""

    percent: Decimal | None = None
    amount: int | None = None

    @property
    def off(self) -> bool:
        return self.percent is None and self.amount is None


MARGIN_FLOOR_OFF = MarginFloor()
AT_COST = MarginFloor(percent=Decimal(0))   # the store's default: never below cost


@dataclass(frozen=True)
class Campaign:
    id: str                                  # slug, unique, stable: "blckfrdy"
    name: str
    kind: Kind
    effect: Effect | None                    # None only for gift_card / loyalty kinds
    description: str = ""
    code: str | None = None                  # the public code of a coupon
    # A coupon whose public code is applied for the shopper whenever it helps their cart (shown
    # as their code, removable), so nobody has to hunt for a code everyone may use.
    auto_apply: bool = False
    code_pattern: CodePattern | None = None  # bulk codes
    # Bulk codes: each is valid this many days after the day it is published to a customer
    # (promo.core.timing.code_expiry); None: codes never expire on their own.
    code_valid_days: int | None = None
    priority: int = 0                        # higher applies first
    stacking: Stacking = Stacking.COMMON
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    schedule: tuple[ScheduleSlot, ...] = ()
    eligibility: Condition | None = None
    visibility: Visibility = Visibility()
    limits: Limits = Limits()
    currency: str | None = None              # None: the store's currency
    # IANA zone the schedule and dates were written in (the store's unless the definition says).
    timezone: str = "UTC"
    # Kind-specific sections the engine carries for storage and later features
    # (gift card balance, loyalty earning rules, referral rewards).
    options: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    tags: frozenset[str] = frozenset()
    # The words of its banners' discount box ("FREE TOTE WITH ANY DRIPPER"); None: derived
    # from the effect by promo.banners.labels.
    banner_label: str | None = None
    # `margin_floor:` of the definition; None: the store's setting applies.
    margin_floor: MarginFloor | None = None

    @property
    def needs_code(self) -> bool:
        return self.kind is not Kind.PROMOTION
