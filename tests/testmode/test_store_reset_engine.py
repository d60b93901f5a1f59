"""promo.packs.store_reset on SQLite and PostgreSQL: the wipe follows the foreign keys, keeps what is
not store data, and the store loads again as the pack describes it."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from promo.core.domain import Cart, CartLine
from promo.packs.scenario import ScenarioError
from promo.packs.store_reset import last_reset, reset_store
from promo.storage import ApiKeyRow, CodeRow, OrderRow, RedemptionRow
from promo.storage.event_models import OutboxEventRow
from tests.support.dbkit import clock, database, db_engine, engine  # noqa: F401 - fixtures

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "arabica.yaml"


def count(db_engine, row) -> int:  # noqa: F811
    with db_engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(row))


def test_reset_wipes_the_store_and_loads_the_pack(engine, db_engine):  # noqa: F811
    first = reset_store(engine, SCENARIO, actor="test")
    assert first.generation == 1 and first.loaded.created["campaigns"] > 10
    codes_as_loaded = count(db_engine, CodeRow)
    vip = engine.get_customer("vip")
    cart = Cart((CartLine("BLD-HOUSE", "House Blend", 1400, 3),))
    engine.redeem(vip, cart, ["HAPPY10"], order_ref="A-1", idempotency_key="key-1")
    with db_engine.begin() as connection:
        connection.execute(ApiKeyRow.__table__.insert().values(
            prefix="psk_test", name="ci", key_hash="x" * 64, active=True,
            created_at=engine.clock()))
    seeded = count(db_engine, OrderRow) - 1          # the past orders the pack places (the VIP's)
    assert seeded == 2 and count(db_engine, OutboxEventRow) > 0

    second = reset_store(engine, SCENARIO, actor="test")

    assert second.generation == 2
    assert second.wiped["orders"] == seeded + 1 and second.wiped["redemptions"] == seeded + 1
    assert count(db_engine, OrderRow) == seeded and count(db_engine, RedemptionRow) == seeded
    assert engine.get_campaign("happy10").redemptions_count == 1             # one seeded order used it
    assert engine.get_customer("vip").orders_count == 12
    assert count(db_engine, CodeRow) == codes_as_loaded
    assert count(db_engine, ApiKeyRow) == 1                                        # access is kept
    assert last_reset(engine)["generation"] == 2
    assert [entry.action for entry in engine.audit_log(object_type="store")] == ["store.reset"]


@pytest.mark.slow
def test_a_pack_that_does_not_read_changes_nothing(engine, db_engine, tmp_path):  # noqa: F811
    reset_store(engine, SCENARIO, actor="test")
    broken = tmp_path / "broken.yaml"
    broken.write_text("campaigns: [{id: x}]\n")
    with pytest.raises(ScenarioError):
        reset_store(engine, broken, actor="test")
    assert engine.get_customer("vip").name == "Victor Valdez"
    assert last_reset(engine)["generation"] == 1
