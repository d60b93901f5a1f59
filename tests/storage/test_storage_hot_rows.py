"""Checkout without hot rows: an uncapped campaign's orders leave its row alone, and its figures
still count every order (docs/redemptions.md "Counters and lock order"). SQLite and PostgreSQL."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import pytest
from sqlalchemy import text

from promo.core.errors import LimitExceeded
from promo.services.consistency import find_problems
from tests.support.storagekit import CART_40, cart, customer, promotion

SHIPPED_40 = cart(("beans", 2000, 2), shipping=500)   # $40 and $5 shipping
# How long an order may take while another transaction holds a row. Orders that wait for the
# row never finish inside it (the holder stays open for the whole wait); free ones take well
# under a second even on a loaded machine.
PROMPTLY = 20


def free_shipping(campaign_id: str = "ship", **limits: int) -> dict:
    return promotion(campaign_id, effect={"type": "shipping"}, stacking="always", limits=limits or None)


def stored_counters(db_engine, campaign_id: str) -> tuple[int, int, int]:
    with db_engine.connect() as connection:
        return tuple(connection.execute(
            text("SELECT redemptions_count, budget_used, order_value_used FROM campaigns WHERE id = :id"),
            {"id": campaign_id},
        ).one())


def no_problems(engine) -> list[str]:
    with engine.work.read() as session:
        return [str(problem) for problem in find_problems(session)]


@pytest.mark.parametrize("held, waits", [("ship", False), ("budgeted", True)])
def test_an_order_waits_only_for_a_capped_campaigns_row(engine, db_engine, database, held, waits):
    if database.kind != "postgresql":
        pytest.skip("row locks: SQLite locks the whole file for every writer")
    engine.create_campaign(free_shipping())
    engine.create_campaign(promotion("budgeted", amount=300, limits={"budget": 100_000}))
    engine.redeem(customer("warm"), SHIPPED_40, order_ref="warm-1")   # parse and index once

    with ThreadPoolExecutor(max_workers=1) as pool, db_engine.connect() as holder:
        # What a concurrent order used to hold on every campaign it applied: the row's lock.
        holder.execute(text("UPDATE campaigns SET redemptions_count = redemptions_count WHERE id = :id"), {"id": held})
        order = pool.submit(engine.redeem, customer("ana"), SHIPPED_40, order_ref="A-1")
        try:
            order.result(timeout=PROMPTLY if not waits else 3)
            finished_while_held = True
        except FutureTimeout:
            finished_while_held = False
        holder.rollback()
        result = order.result(timeout=60)

    assert finished_while_held is not waits
    assert (result.order.discount, result.order.shipping_discount) == (300, 500)


def test_an_uncapped_campaigns_row_is_not_written_yet_its_figures_count_every_order(engine, db_engine):
    engine.create_campaign(free_shipping())
    engine.create_campaign(promotion("budgeted", amount=300, limits={"budget": 100_000}))

    orders = [engine.redeem(customer(f"shopper-{i}"), SHIPPED_40, order_ref=f"O-{i}") for i in range(3)]
    engine.rollback(orders[0].id, reason="cancelled")

    assert stored_counters(db_engine, "ship") == (0, 0, 0)
    ship = engine.get_campaign("ship")
    assert (ship.redemptions_count, ship.budget_used, ship.order_value_used) == (2, 1000, 8000)
    assert [(c.redemptions_count, c.budget_used) for c in engine.list_campaigns() if c.id == "ship"] == [(2, 1000)]
    assert stored_counters(db_engine, "budgeted") == (2, 600, 8000)
    assert no_problems(engine) == []


def test_a_campaign_given_a_cap_counts_the_orders_placed_before_it(engine, db_engine):
    engine.create_campaign(promotion("spring", amount=500))
    for i in range(3):
        engine.redeem(customer(f"shopper-{i}"), CART_40, order_ref=f"O-{i}")

    engine.update_campaign("spring", promotion("spring", amount=500, limits={"total": 4, "budget": 10_000}))

    assert stored_counters(db_engine, "spring") == (3, 1500, 12_000)
    engine.redeem(customer("shopper-3"), CART_40, order_ref="O-3")
    refused = engine.redeem(customer("shopper-4"), CART_40, order_ref="O-4")
    assert refused.discount == 0   # an automatic promotion that no longer applies is left out
    assert engine.get_campaign("spring").redemptions_count == 4
    assert no_problems(engine) == []


def test_counters_stay_exact_through_capped_uncapped_and_capped_again(engine):
    engine.create_campaign(promotion("spring", amount=500, limits={"budget": 100_000}))
    first = engine.redeem(customer("ana"), CART_40, order_ref="O-1")
    engine.update_campaign("spring", promotion("spring", amount=500))
    second = engine.redeem(customer("bo"), CART_40, order_ref="O-2")
    engine.redeem(customer("cy"), CART_40, order_ref="O-3")
    engine.rollback(first.id, reason="cancelled")    # counted on the row: given back to it
    engine.rollback(second.id, reason="cancelled")   # not on the row: nothing to give back
    engine.update_campaign("spring", promotion("spring", amount=500, limits={"budget": 1_000}))

    assert (engine.get_campaign("spring").redemptions_count, engine.get_campaign("spring").budget_used) == (1, 500)
    engine.redeem(customer("di"), CART_40, order_ref="O-4")
    with pytest.raises(LimitExceeded) as refused:
        engine.redeem(customer("ed"), CART_40, order_ref="O-5", promotions=["spring"])
    assert refused.value.code == "budget_exhausted"
    assert engine.get_campaign("spring").budget_used == 1_000
    assert no_problems(engine) == []


def test_a_row_marked_capped_without_a_cap_in_its_definition_still_takes_orders(engine, db_engine):
    # A row written by a path that left the flag at its default (true), its definition uncapped.
    engine.create_campaign(free_shipping())
    with db_engine.begin() as connection:
        connection.execute(text("UPDATE campaigns SET capped = true WHERE id = 'ship'"))

    order = engine.redeem(customer("ana"), SHIPPED_40, order_ref="A-1")

    assert order.order.shipping_discount == 500
    assert stored_counters(db_engine, "ship") == (1, 500, 4000)
    assert no_problems(engine) == []
