"""Gift cards pay for an order after its discounts, like a payment: the plan of what each card pays.

Cards are drawn in the order they were entered. Each pays what is still due, at most its
balance, so when two cards hold more than the total only the amount needed is drawn and the
later card keeps the rest. Pure: promo.services.giftcards applies a plan with conditional updates
that never take a balance below zero.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class GiftCard:
    code: str
    balance: int


@dataclass(frozen=True)
class GiftCardDraw:
    code: str
    amount: int            # what this card pays, minor units
    balance_before: int

    @property
    def balance_after(self) -> int:
        return self.balance_before - self.amount


@dataclass(frozen=True)
class GiftCardPlan:
    total: int                          # the order total after discounts
    draws: tuple[GiftCardDraw, ...] = ()

    @property
    def paid(self) -> int:
        return sum(draw.amount for draw in self.draws)

    @property
    def due(self) -> int:
        """What is left to pay by other means."""
        return self.total - self.paid


def plan_payment(total: int, cards: Iterable[GiftCard]) -> GiftCardPlan:
    """What each card pays towards `total`, in the order given (a card that is not needed pays 0)."""
    if total < 0:
        raise ValueError(f"an order total cannot be negative, got {total}")
    remaining = total
    draws = []
    for card in cards:
        amount = min(max(card.balance, 0), remaining)
        draws.append(GiftCardDraw(card.code, amount, card.balance))
        remaining -= amount
    return GiftCardPlan(total, tuple(draws))
