"""Campaigns and codes for share-page tests, stored through the app's promo Engine."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from promo.core.domain import Customer
from shop.web.extensions import promo_engine

END_DATE = "2030-12-31"
# The engine's clock for these apps: campaigns that end on END_DATE are running, whenever the
# suite runs (on the real clock they would all have ended on 1 January 2031).
SHARE_NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


def coupon_definition(**overrides: Any) -> dict[str, Any]:
    definition = {
        "id": "happy10",
        "name": "Happy Hour",
        "kind": "coupon",
        "code": "HAPPY10",
        "effect": {"type": "percent_off_order", "percent": 10},
        "eligibility": {"fact": "cart.subtotal", "gte": 3000},
        "active": {"until": END_DATE},
    }
    return _with(definition, overrides)


def referral_definition(**overrides: Any) -> dict[str, Any]:
    definition = {
        "id": "refer",
        "name": "Refer a friend",
        "kind": "referral",
        "codes": {"pattern": "FRIEND-######"},
        "eligibility": {"fact": "customer.new", "is": True},
        "effect": {"type": "amount_off_order", "amount": 1000},
        "referral": {"reward": {"type": "amount_off_order", "amount": 1000}},
        "active": {"until": END_DATE},
    }
    return _with(definition, overrides)


def bulk_definition(**overrides: Any) -> dict[str, Any]:
    definition = {
        "id": "sorry",
        "name": "Sorry coupon",
        "kind": "bulk",
        "codes": {"pattern": "SORRY-########"},
        "effect": {"type": "amount_off_order", "amount": 500},
        "active": {"until": END_DATE},
    }
    return _with(definition, overrides)


def _with(definition: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The definition with keys replaced; an override of None removes the key."""
    merged = {**definition, **overrides}
    return {key: value for key, value in merged.items() if value is not None}


class Store:
    """Shortcuts over the app's Engine for arranging test data."""

    def __init__(self, app) -> None:
        self.engine = promo_engine(app)

    def campaign(self, definition: dict[str, Any]) -> str:
        return self.engine.create_campaign(definition).id

    def coupon(self, **overrides: Any) -> str:
        """Public code HAPPY10: 10% off orders of $30+, until 2030-12-31."""
        return self.campaign(coupon_definition(**overrides))

    def referral(self, **overrides: Any) -> str:
        """FRIEND-###### codes: $10 off a new customer's order, until 2030-12-31."""
        return self.campaign(referral_definition(**overrides))

    def bulk(self, **overrides: Any) -> str:
        """SORRY-######## single-holder codes: $5 off, until 2030-12-31."""
        return self.campaign(bulk_definition(**overrides))

    def published_code(self, campaign_id: str, customer_id: str = "ana") -> str:
        """A code of the campaign's pool given to a customer (their personal or referral code)."""
        self.engine.upsert_customer(Customer(id=customer_id, name=customer_id.title()))
        self.engine.generate_codes(campaign_id, 2)
        return self.engine.publish(campaign_id, customer_id).code

    def unassigned_code(self, campaign_id: str) -> str:
        self.engine.generate_codes(campaign_id, 1)
        page = self.engine.list_codes(campaign_id)
        return next(info.code for info in page.codes if info.holder_id is None)


@pytest.fixture(scope="session")
def freeze_clock() -> Callable[[Flask], Flask]:
    """``freeze_clock(app)`` stops the app's engine clock at SHARE_NOW."""

    def freeze(app: Flask) -> Flask:
        promo_engine(app).clock = lambda: SHARE_NOW
        return app

    return freeze


@pytest.fixture
def app(make_app: Callable[..., Flask], freeze_clock: Callable[[Flask], Flask]) -> Flask:
    return freeze_clock(make_app())


@pytest.fixture
def store(app) -> Store:
    return Store(app)
