"""A marketer gives a busy uncapped campaign a cap (or takes it away) while orders are being
placed: the cap holds for every order that commits after the save, and the campaign's figures
stay exact (docs/redemptions.md "Counters and lock order"). SQLite and PostgreSQL."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from promo.services.consistency import find_problems
from tests.support.storagekit import CART_40, customer, promotion


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
