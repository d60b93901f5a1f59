"""A marketer gives a busy uncapped campaign a cap (or takes it away) while orders are being
placed: the cap holds for every order that commits after the save, and the campaign's figures
stay exact (docs/redemptions.md "Counters and lock order"). SQLite and PostgreSQL."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from promo.services.consistency import find_problems
from tests.support.storagekit import CART_40, customer, promotion
from tests.support.threadkit import failures, run_together


def no_problems(engine) -> list[str]:
    with engine.work.read() as session:
        return [str(problem) for problem in find_problems(session)]


def granted(db_engine, campaign_id: str) -> tuple[int, int]:
    """Succeeded redemption items of the campaign: (how many, discount given)."""
    with db_engine.connect() as connection:
        return tuple(connection.execute(
            text("SELECT count(*), coalesce(sum(discount + shipping_discount), 0) FROM redemption_items "
                 "WHERE campaign_id = :id AND status = 'succeeded'"),
            {"id": campaign_id},
        ).one())


def save_during_pricing(engine, monkeypatch, save) -> None:
    """Run `save` (another connection, committed) right after the next order has been priced."""
    evaluate = engine.pricing.evaluate
    pending = [save]

    def priced_then_saved(*args, **kwargs):
        result = evaluate(*args, **kwargs)
        if pending:
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(pending.pop()).result(timeout=60)
        return result

    monkeypatch.setattr(engine.pricing, "evaluate", priced_then_saved)


def test_a_budget_saved_while_an_order_is_priced_holds_for_that_order(engine, db_engine, database, monkeypatch):
    if database.kind != "postgresql":
        pytest.skip("SQLite serialises the whole order against the save: it cannot land in between")
    engine.create_campaign(promotion("spring", amount=500))
    for i in range(3):
        engine.redeem(customer(f"shopper-{i}"), CART_40, order_ref=f"O-{i}")

    save_during_pricing(engine, monkeypatch, lambda: engine.update_campaign(
        "spring", promotion("spring", amount=500, limits={"budget": 1_500})))
    late = engine.redeem(customer("late"), CART_40, order_ref="O-late")

    assert late.order.discount == 0   # the budget was used up when it committed
    spring = engine.get_campaign("spring")
    assert (spring.redemptions_count, spring.budget_used) == granted(db_engine, "spring") == (3, 1_500)
    assert no_problems(engine) == []


def placing_and_cancelling(engine, worker: int, rounds: int = 3) -> None:
    """A shopper who cancels and orders again: every round but the last is rolled back."""
    for round_ in range(rounds):
        # Once the budget is spent the promotion is left out of the order, not refused.
        placed = engine.redeem(customer(f"shopper-{worker}"), CART_40, order_ref=f"O-{worker}-{round_}")
        if round_ < rounds - 1:
            engine.rollback(placed.id, reason="changed my mind")


def test_a_cap_given_and_taken_away_while_shoppers_order_and_cancel_keeps_the_figures_exact(engine, db_engine):
    engine.create_campaign(promotion("spring", amount=500))
    budget = 3_000   # 6 orders' discounts; 10 shoppers each hold one order at a time
    saved = []

    def shopper_or_marketer(index: int) -> None:
        if index == 0:
            engine.update_campaign("spring", promotion("spring", amount=500, limits={"total": 1_000}))
            engine.update_campaign("spring", promotion("spring", amount=500))
            saved.append(engine.update_campaign("spring", promotion("spring", amount=500, limits={"budget": budget})))
            return
        placing_and_cancelling(engine, index)

    assert failures(run_together(11, shopper_or_marketer)) == []

    spring = engine.get_campaign("spring")
    assert (spring.redemptions_count, spring.budget_used) == granted(db_engine, "spring")
    # Orders after the save stay within the budget; those folded in by it may already pass it.
    assert spring.budget_used <= max(budget, saved[0].budget_used)
    assert [problem for problem in no_problems(engine) if not problem.startswith("budget:")] == []
    with db_engine.connect() as connection:
        kept = connection.execute(text(
            "SELECT o.customer_id, count(*) FROM redemption_items i JOIN redemptions r ON r.id = i.redemption_id "
            "JOIN orders o ON o.id = r.order_id WHERE i.status = 'succeeded' GROUP BY o.customer_id")).all()
    assert all(count == 1 for _, count in kept)   # each shopper keeps the discount of one order only


@pytest.mark.parametrize("limits", [None, {"budget": 100_000}])
def test_a_promotion_paused_while_an_order_is_priced_is_left_out_of_it(engine, database, monkeypatch, limits):
    if database.kind != "postgresql":
        pytest.skip("SQLite serialises the whole order against the pause: it cannot land in between")
    engine.create_campaign(promotion("oops", amount=500, limits=limits))   # the marketer's mistake

    save_during_pricing(engine, monkeypatch, lambda: engine.set_campaign_status("oops", "pause"))
    late = engine.redeem(customer("late"), CART_40, order_ref="O-late")

    assert late.order.discount == 0
    assert engine.get_campaign("oops").redemptions_count == 0


def test_a_budget_lowered_while_an_order_is_priced_holds_for_that_order(engine, db_engine, database, monkeypatch):
    if database.kind != "postgresql":
        pytest.skip("SQLite serialises the whole order against the save: it cannot land in between")
    engine.create_campaign(promotion("spring", amount=500, limits={"budget": 100_000}))
    for i in range(3):
        engine.redeem(customer(f"shopper-{i}"), CART_40, order_ref=f"O-{i}")

    save_during_pricing(engine, monkeypatch, lambda: engine.update_campaign(
        "spring", promotion("spring", amount=500, limits={"budget": 1_500})))
    late = engine.redeem(customer("late"), CART_40, order_ref="O-late")

    assert late.order.discount == 0
    spring = engine.get_campaign("spring")
    assert (spring.redemptions_count, spring.budget_used) == granted(db_engine, "spring") == (3, 1_500)
    assert no_problems(engine) == []
