"""Value objects the evaluation returns. Frozen, integer minor units, JSON-friendly."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from promo.core.domain import CartLine
from promo.core.reasons import Reason


class Status(StrEnum):
    APPLIED = "applied"
    NOT_APPLICABLE = "not_applicable"
    SET_ASIDE = "set_aside"          # valid on its own, dropped by stacking rules


@dataclass(frozen=True)
class Hint:
    """What the shopper can do to unlock an offer: "Add $12.50 more to get 10% off"."""

    message: str
    missing_amount: int | None = None     # minor units still needed
    missing_quantity: int | None = None   # units still needed
    progress: float = 0.0                 # 0..1, for a progress bar


@dataclass(frozen=True)
class Check:
    """The outcome of checking a condition (or timing) against the facts."""

    ok: bool
    reason: Reason | None = None
    message: str = ""
    hint: Hint | None = None

    @classmethod
    def passed(cls) -> Check:
        return _PASSED


_PASSED = Check(ok=True)


@dataclass(frozen=True)
class OfferResult:
    campaign_id: str
    name: str
    status: Status
    reason: Reason
    message: str
    code: str | None = None
    hint: Hint | None = None
    discount: int = 0                          # on items, minor units
    shipping_discount: int = 0
    line_discounts: tuple[int, ...] = ()       # per line of Evaluation.lines, sums to `discount`
    added_lines: tuple[CartLine, ...] = ()     # free gifts this offer added
    order: int | None = None                   # position in application order, when applied
    # The margin floor: per line of Evaluation.lines, how much it took off this offer's share,
    # and the shopper's note where the headline amount was reduced ("$3 on Panama Geisha").
    line_capped: tuple[int, ...] = ()
    capping_note: str = ""

    @property
    def capped(self) -> bool:
        return any(self.line_capped)

    @property
    def total_discount(self) -> int:
        return self.discount + self.shipping_discount


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    discount: int                 # sum of every applied offer's share on this line
    added_by: str | None = None   # campaign id of the free-gift offer that added it
    capped: int = 0               # what the margin floor kept offers from taking off this line

    @property
    def subtotal(self) -> int:
        return self.line.subtotal

    @property
    def total(self) -> int:
        return self.line.subtotal - self.discount


@dataclass(frozen=True)
class Evaluation:
    currency: str
    lines: tuple[PricedLine, ...]
    offers: tuple[OfferResult, ...]           # every evaluated offer, applied first in order
    shipping: int = 0
    shipping_discount: int = 0
    codes: dict[str, OfferResult] = field(default_factory=dict)  # entered code -> its result

    @cached_property
    def applied(self) -> tuple[OfferResult, ...]:
        """The applied offers, in order; kept, as the pages ask for them once per offer they word."""
        return tuple(o for o in self.offers if o.status is Status.APPLIED)

    @property
    def subtotal(self) -> int:
        return sum(line.subtotal for line in self.lines)

    @property
    def discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def total(self) -> int:
        return self.subtotal - self.discount + self.shipping - self.shipping_discount
