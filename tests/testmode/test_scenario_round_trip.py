"""A store written out with promo.packs.scenario_export loads into an empty store with the same
offers and the same cart prices: checked on both shipped packs."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from promo.core.domain import Cart, CartLine, Context
from promo.engine import Engine
from promo.packs.scenario import ScenarioPack, load_pack, read_pack
from promo.packs.scenario_export import dump_pack, export_pack
from promo.storage import create_schema, make_engine, make_session_factory

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
TODAY = date(2026, 11, 25)


def new_engine(path: Path, pack: ScenarioPack, now: datetime) -> Iterator[Engine]:
    sql = make_engine(f"sqlite:///{path}")
    create_schema(sql)
    store = pack.store
    assert store is not None
    yield Engine(make_session_factory(sql), timezone=store.timezone, currency=store.currency, locale=store.locale,
                 clock=lambda: now)
    sql.dispose()


def priced(engine: Engine, pack: ScenarioPack, customer_id: str | None, cart: Cart, codes: list[str],
           moment: datetime) -> tuple:
    customer = engine.get_customer(customer_id) if customer_id else None
    context = Context(now=moment, page="cart", locale=engine.locale)
    evaluation = engine.validate(customer, cart, codes, context)
    offers = engine.qualify(customer, cart, context)
    return (evaluation.subtotal, evaluation.discount, evaluation.shipping_discount, evaluation.total,
            sorted((o.campaign_id, o.discount) for o in evaluation.applied),
            sorted(o.campaign_id for o in offers))


@pytest.mark.parametrize("pack_name", ["arabica.yaml", "arabica-thb.yaml"])
def test_an_exported_store_loads_with_the_same_offers_and_prices(pack_name, tmp_path):
    pack = read_pack(SCENARIOS / pack_name, today=TODAY)
    zone = ZoneInfo(pack.timezone)
    morning = datetime(2026, 11, 25, 10, 30, tzinfo=zone)
    happy_hour = datetime(2026, 11, 25, 16, 30, tzinfo=zone)
    original_engines = new_engine(tmp_path / "original.db", pack, morning)
    original = next(original_engines)
    load_pack(original, pack)

    written = tmp_path / "exported.yaml"
    written.write_text(dump_pack(export_pack(original, store=pack.store, personas=pack.personas)), encoding="utf-8")
    exported = read_pack(written, today=TODAY)
    copy = next(new_engine(tmp_path / "copy.db", exported, morning))
    load_pack(copy, exported)

    assert exported.personas == pack.personas
    assert [c.id for c, _ in exported.campaigns] == sorted(c.id for c, _ in pack.campaigns)
    assert exported.products == pack.products and exported.categories == pack.categories
    products = {p.sku: p for p in pack.products}
    def lines(*wanted):
        return Cart(tuple(CartLine(sku, products[sku].name, products[sku].price, qty,
                                                    categories=frozenset(products[sku].categories),
                                                    collections=frozenset(products[sku].collections))
                                           for sku, qty in wanted), currency=pack.store.currency, shipping=595)
    carts = [
        lines(("ARA-ETH-YIRG", 2), ("GEAR-DRIPPER", 1), ("MERCH-MUG", 3)),
        lines(*((sku, 1) for sku in products)),
    ]
    for customer_id in [None, *(c.id for c in pack.customers)]:
        for cart in carts:
            for codes in ([], ["BLCKFRDY", "HAPPY10"]):
                for moment in (morning, happy_hour):
                    assert priced(copy, exported, customer_id, cart, codes, moment) == \
                        priced(original, pack, customer_id, cart, codes, moment), (customer_id, codes, moment)
    for customer in pack.customers:
        assert sorted(p.campaign_id for p in copy.list_publications(customer.id)) == \
            sorted(p.campaign_id for p in original.list_publications(customer.id))
        assert copy.get_customer(customer.id) == original.get_customer(customer.id)
    def vip_gift_cards(engine):
        return [card.balance for card in engine.customer_gift_cards("vip")]
    assert vip_gift_cards(copy) == vip_gift_cards(original) != []
