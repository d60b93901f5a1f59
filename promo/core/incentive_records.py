"""What the engine returns about referrals, gift cards and loyalty points: plain frozen dataclasses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class GiftCardEntry:
    """One change to a gift card's balance: ``redemption`` (negative), ``refund`` or ``top_up``."""

    id: int
    code: str
    kind: str
    amount: int
    balance_after: int
    order_ref: str | None
    at: datetime


@dataclass(frozen=True)
class GiftCardBalance:
    code: str
    campaign_id: str
    balance: int
    active: bool
    entries: tuple[GiftCardEntry, ...] = ()      # newest first


@dataclass(frozen=True)
class GiftCardPayment:
    """What one card paid (or, before checkout, would pay) towards an order."""

    code: str
    amount: int
    balance_after: int | None      # after this payment; None for a placed order's record


@dataclass(frozen=True)
class PointsEntry:
    """One change to a points balance: ``earn`` (+), ``spend`` or ``reverse`` (-)."""

    id: int
    kind: str
    points: int
    balance_after: int
    order_ref: str | None
    reward_code: str | None
    at: datetime


@dataclass(frozen=True)
class RewardOption:
    number: int            # the reward's id within its programme (1-based)
    name: str
    points: int
    affordable: bool


@dataclass(frozen=True)
class PointsAccount:
    campaign_id: str
    name: str
    points: int
    rewards: tuple[RewardOption, ...] = ()
    entries: tuple[PointsEntry, ...] = ()        # newest first


@dataclass(frozen=True)
class PointsSpend:
    campaign_id: str
    reward: str
    points: int
    balance: int           # after the spend
    code: str              # the reward code, now in the customer's wallet
    replayed: bool = False


@dataclass(frozen=True)
class ReferralCode:
    campaign_id: str
    code: str
    created: bool


@dataclass(frozen=True)
class ReferralReward:
    code: str
    kind: str              # "reward" or "bonus"
    # "available", "used", "revoked" (taken back unused) or "reclaimed" (used, then its
    # friend's order was cancelled: a later reward was or will be withheld to repay it)
    status: str


@dataclass(frozen=True)
class ReferralSummary:
    campaign_id: str
    code: str | None
    invited: int           # friends who ordered with the code (every status)
    converted: int         # friends whose conversion counted, not rolled back
    rewards: tuple[ReferralReward, ...] = ()
    withheld: int = 0      # conversions whose reward repaid a reclaimed one instead
    owed: int = 0          # reclaimed rewards not repaid yet: the next conversions' rewards are withheld

    @property
    def rewards_earned(self) -> int:
        return sum(1 for reward in self.rewards if reward.status not in ("revoked", "reclaimed"))


@dataclass(frozen=True)
class ReferralConversion:
    referral_id: int
    campaign_id: str
    advocate_id: str
    friend_id: str
    reward_code: str | None
    bonus_code: str | None
