"""Builders for the discount-calculation tests: lines, carts, campaigns and evaluations.

Campaigns are built directly as dataclasses (no definition parser), so each test states
exactly the offer it is about.
"""
from __future__ import annotations

from datetime import UTC, datetime

from promo.core.applicator import evaluate_campaigns
from promo.core.campaign import Campaign, ItemSelector, Kind
from promo.core.conditions import FactCondition, Op
from promo.core.domain import Cart, CartLine, Context, Customer
from promo.core.effects import Benefit, compute
from promo.core.facts import Facts
from promo.core.results import Evaluation, OfferResult

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # a Wednesday afternoon
CONTEXT = Context(now=NOW, page="cart")
GUEST = Customer()
RETURNING = Customer(id="c-1", orders_count=3, total_spent=25_000)
NEW = Customer(id="c-2", orders_count=0)


def line(sku: str, unit_price: int, quantity: int = 1, *categories: str) -> CartLine:
    return CartLine(sku, sku.title(), unit_price, quantity, frozenset(categories))


def category(*names: str) -> ItemSelector:
    return ItemSelector(categories=frozenset(names))


def skus(*names: str) -> ItemSelector:
    return ItemSelector(skus=frozenset(names))


def facts_of(*lines: CartLine, totals: tuple[int, ...] | None = None,
             customer: Customer = GUEST) -> Facts:
    """Facts for these lines; `totals` stands for what earlier offers left on each line."""
    facts = Facts.initial(customer, CONTEXT, tuple(lines))
    return facts if totals is None else facts.with_totals(tuple(totals))


def benefit(effect, *lines: CartLine, totals: tuple[int, ...] | None = None,
            shipping: int = 0, customer: Customer = GUEST) -> Benefit:
    return compute(effect, facts_of(*lines, totals=totals, customer=customer), shipping)


def promo(campaign_id: str, effect, **fields) -> Campaign:
    fields.setdefault("name", campaign_id)
    return Campaign(id=campaign_id, kind=Kind.PROMOTION, effect=effect, **fields)


def coupon(code: str, effect, **fields) -> Campaign:
    fields.setdefault("name", code)
    return Campaign(id=code.lower(), kind=Kind.COUPON, effect=effect, code=code, **fields)


def min_subtotal(amount: int) -> FactCondition:
    return FactCondition("cart.subtotal", Op.GTE, amount)


def apply(campaigns, *lines: CartLine, codes=(), shipping: int = 0,
          customer: Customer = GUEST, max_offers: int = 5) -> Evaluation:
    cart = Cart(tuple(lines), "USD", shipping)
    return evaluate_campaigns(campaigns, cart, customer, CONTEXT, codes, max_offers=max_offers)


def by_id(evaluation: Evaluation) -> dict[str, OfferResult]:
    return {offer.campaign_id: offer for offer in evaluation.offers}
