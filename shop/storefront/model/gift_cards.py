"""Gift cards as the cart, checkout and order pages show them: what each card pays, in the order
the cards were entered, and what is left to pay. The engine computes every amount."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from promo.core.incentive_records import GiftCardPayment
from promo.engine import Engine


@dataclass(frozen=True)
class GiftCardSummary:
    cards: tuple[GiftCardPayment, ...] = ()
    total: int = 0

    @property
    def paid(self) -> int:
        return sum(card.amount for card in self.cards)

    @property
    def due(self) -> int:
        return self.total - self.paid


def cart_gift_cards(engine: Engine, codes: Sequence[str], total: int, customer_id: str | None,
                    currency: str) -> GiftCardSummary:
    """What the gift cards among ``codes`` would pay towards ``total`` (no query without codes)."""
    payments = engine.gift_card_payments(codes, total, customer_id, currency=currency) if codes else []
    return GiftCardSummary(tuple(payments), total)


def order_gift_cards(engine: Engine, order_ref: str) -> GiftCardSummary:
    """What gift cards paid towards a placed order (given back to the cards if it was cancelled)."""
    payments = engine.order_gift_card_payments(order_ref)
    return GiftCardSummary(tuple(payments), sum(p.amount for p in payments))
