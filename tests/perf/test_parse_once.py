"""Campaign definitions are parsed once per worker (docs/performance.md, "Parsed once per worker").

A worker's Engine parses the active promotions and coupons on its first call and reuses them
while the campaigns' revision is unchanged (promo/services/active.py); when another worker
changes a campaign, only that campaign is parsed again. The parser is spied on where the Engine
calls it (promo.services.unit_of_work.parse_campaign, behind UnitOfWork.campaign, the parser ActiveCampaigns is
given), on SQLite and PostgreSQL.
"""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import Engine as SqlEngine
from sqlalchemy import select, update

import promo.engine
from promo.core.domain import Cart, CartLine, Customer
from promo.engine import Engine
from promo.storage import make_session_factory
from promo.storage.models import CampaignRevisionRow, CampaignRow
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


def revision(db_engine: SqlEngine) -> int:
    with db_engine.connect() as connection:
        return connection.scalar(select(CampaignRevisionRow.revision).where(CampaignRevisionRow.id == 1))


def test_the_revision_moves_with_every_campaign_write_and_not_with_orders(engine: Engine, db_engine: SqlEngine,
                                                                          clock: Clock):
    """The database bumps the campaigns' revision (triggers on campaigns), so a worker learns of a
    change however it was written, and orders taking counters leave its cached set alone."""
    for number in (1, 4):       # a budgeted promotion and a coupon (CODE4)
        engine.create_campaign(campaign(number))
    shopper = Customer(id="vip-1", segments=frozenset({"vip"}))
    engine.upsert_customer(shopper)
    worker = Engine(make_session_factory(db_engine), timezone=STORE_TIMEZONE, currency="USD", clock=clock)
    assert worker.validate(shopper, cart(), ["CODE4"]).discount > 0

    before = revision(db_engine)
    assert engine.redeem(shopper, cart(), ["CODE4"], order_ref="A-1").discount > 0
    assert revision(db_engine) == before, "an order's counters must not move the revision"

    # Written behind every engine's back, as an edit in the database would be.
    with db_engine.begin() as connection:
        connection.execute(update(CampaignRow).where(CampaignRow.id == "promo-4").values(status="paused"))
    assert revision(db_engine) == before + 1
    assert "CODE4" not in {o.code for o in worker.validate(shopper, cart()).applied}
    assert worker.validate(shopper, cart(), ["CODE4"]).codes["CODE4"].status.value != "applied"

    engine.update_campaign("promo-1", {**campaign(1), "name": "Offer 1, renamed"})
    assert revision(db_engine) == before + 2
    assert {o.name for o in worker.validate(shopper, cart()).applied} == {"Offer 1, renamed"}
