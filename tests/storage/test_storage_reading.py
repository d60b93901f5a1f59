"""Engine.reading(): the reads inside share one read-only transaction, and a write inside is
refused before it touches the database (on SQLite it could wait for that same transaction)."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from promo.core.records import Product
from tests.support.storagekit import CART_40, promotion


def test_reads_inside_share_one_transaction(engine, db_engine):
    engine.upsert_product(Product(sku="beans", name="Beans", price=2000))
    engine.create_campaign(promotion("storewide"))
    begun: list[object] = []

    def on_begin(connection) -> None:
        begun.append(connection)

    event.listen(db_engine, "begin", on_begin)
    try:
        with engine.reading():
            products = engine.products_by_sku(["beans"])
            quote = engine.price(None, CART_40)
            with engine.reading():   # nested: the same transaction
                engine.products_by_sku(["beans"])
    finally:
        event.remove(db_engine, "begin", on_begin)
    assert list(products) == ["beans"]
    assert [o.campaign_id for o in quote.evaluation.applied] == ["storewide"]
    assert len(begun) == 1


def test_a_write_inside_is_refused_and_the_store_is_unchanged(engine):
    with engine.reading(), pytest.raises(RuntimeError, match="reads only"):
        engine.upsert_product(Product(sku="beans", name="Beans", price=2000))
    assert engine.products_by_sku(["beans"]) == {}
    engine.upsert_product(Product(sku="beans", name="Beans", price=2000))   # outside, as before
    assert list(engine.products_by_sku(["beans"])) == ["beans"]
