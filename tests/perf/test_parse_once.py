"""Campaign definitions are parsed once per worker (docs/performance.md, "Parsed once per worker").

A worker's Engine parses the active promotions and coupons on its first call and reuses them
while the active set's fingerprint is unchanged (promo/storage/active.py); when another worker
changes a campaign, only that campaign is parsed again. The parser is spied on where the Engine
calls it (promo.services.unit_of_work.parse_campaign, behind UnitOfWork.campaign, the parser ActiveCampaigns is
given), on SQLite and PostgreSQL.
"""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import Engine as SqlEngine

import promo.engine
from promo.core.domain import Cart, CartLine, Customer
from promo.engine import Engine
from promo.storage import make_session_factory
from tests.perf.test_query_counts import PRODUCTS, campaign
from tests.support.dbkit import STORE_TIMEZONE, Clock

CAMPAIGNS = 30  # promotions and coupons (CODE4, CODE10, ...) of tests/perf/test_query_counts.py's mix


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each campaign id's definition went through the Engine's parser."""
    seen: Counter[str] = Counter()
    real = promo.services.unit_of_work.parse_campaign

    def spy(data, *args, **kwargs):
        seen[data.get("id") if isinstance(data, dict) else None] += 1
        return real(data, *args, **kwargs)

    monkeypatch.setattr(promo.services.unit_of_work, "parse_campaign", spy)
    return seen


def cart() -> Cart:
    return Cart(tuple(CartLine(f"SKU-{n:03d}", f"Product {n}", 1000 + n * 10, 1 + n % 3, frozenset({f"cat-{n % 8}"}))
                      for n in range(min(PRODUCTS, 20))), "USD")


def test_a_worker_parses_each_campaign_once(engine: Engine, db_engine: SqlEngine, clock: Clock,
                                            parsed: Counter[str]):
    for number in range(CAMPAIGNS):
        engine.create_campaign(campaign(number))
    shopper = Customer(id="vip-1", segments=frozenset({"vip"}))
    engine.upsert_customer(shopper)
    worker = Engine(make_session_factory(db_engine), timezone=STORE_TIMEZONE, currency="USD", clock=clock)
    every_id = {f"promo-{number}" for number in range(CAMPAIGNS)}

    parsed.clear()
    first = worker.validate(shopper, cart(), ["CODE4"])
    second = worker.validate(shopper, cart(), ["CODE4"])
    worker.qualify(shopper, cart(), touching_cart=True)
    assert first.discount == second.discount > 0
    assert dict(parsed) == {campaign_id: 1 for campaign_id in every_id}, (
        "two validates and a qualify on an unchanged store should parse each campaign definition once")

    # Another worker (the first Engine) changes one campaign: only that one is parsed again.
    changed = {**campaign(0), "name": "Offer 0, renamed"}
    engine.update_campaign("promo-0", changed)
    parsed.clear()
    worker.validate(shopper, cart(), ["CODE4"])
    worker.validate(shopper, cart(), ["CODE4"])
    assert dict(parsed) == {"promo-0": 1}
