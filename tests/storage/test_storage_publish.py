"""Publishing codes to customers."""
from __future__ import annotations

import pytest

from promo.core.errors import Conflict, NotFound, PoolEmpty
from promo.core.records import Publication
from tests.support.storagekit import bulk, coupon, customer, run_together


@pytest.fixture
def sorry_pool(engine):
    engine.create_campaign(bulk("sorry"))
    engine.generate_codes("sorry", 3)
    for name in ("ana", "ben"):
        engine.upsert_customer(customer(name))
    return engine


def test_same_source_id_always_returns_the_same_code(sorry_pool):
    engine = sorry_pool
    first = engine.publish("sorry", "ana", source_id="ticket-17")
    again = engine.publish("sorry", "ana", source_id="ticket-17")
    other = engine.publish("sorry", "ana", source_id="ticket-18")

    assert first.created and not again.created
    assert again.code == first.code and again.id == first.id
    assert other.code != first.code
    assert engine.get_code(first.code).holder_id == "ana"
    assert {c.code for c in engine.customer_codes("ana")} == {first.code, other.code}


def test_source_id_of_another_customer_is_a_conflict(sorry_pool):
    sorry_pool.publish("sorry", "ana", source_id="ticket-17")
    with pytest.raises(Conflict) as conflict:
        sorry_pool.publish("sorry", "ben", source_id="ticket-17")
    assert conflict.value.code == "source_id_reused"


def test_empty_pool_is_a_clear_error(sorry_pool):
    for i in range(3):
        sorry_pool.publish("sorry", "ana", source_id=f"s-{i}")
    with pytest.raises(PoolEmpty) as empty:
        sorry_pool.publish("sorry", "ben")
    assert empty.value.code == "pool_empty"
    assert "no unassigned codes left" in empty.value.message
    assert empty.value.http_status == 409


def test_unknown_campaign_or_customer_is_not_found(sorry_pool):
    with pytest.raises(NotFound):
        sorry_pool.publish("nope", "ana")
    with pytest.raises(NotFound):
        sorry_pool.publish("sorry", "nobody")


def test_concurrent_publishes_never_hand_out_one_code_twice(engine):
    engine.create_campaign(bulk("sorry"))
    engine.generate_codes("sorry", 10)
    for i in range(12):
        engine.upsert_customer(customer(f"c{i}"))

    outcomes = run_together(12, lambda i: engine.publish("sorry", f"c{i}", source_id=f"welcome-{i}"))

    published = [o for o in outcomes if isinstance(o, Publication)]
    assert len(published) == 10
    assert len({p.code for p in published}) == 10
    assert all(isinstance(o, PoolEmpty) for o in outcomes if not isinstance(o, Publication))


def test_publishing_a_public_coupon_records_its_shared_code(engine):
    engine.create_campaign(coupon("happy", "HAPPY10"))
    engine.upsert_customer(customer("ana"))
    publication = engine.publish("happy", "ana", source_id="newsletter-3")
    assert publication.code == "HAPPY10"
    assert engine.get_code("HAPPY10").holder_id is None
