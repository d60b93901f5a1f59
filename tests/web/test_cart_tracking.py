"""The storefront's cart feeds the abandoned-cart rule: signed-in shoppers' carts are tracked."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from promo.storage.event_models import CartActivityRow
from shop.web.extensions import promo_engine
from tests.support.webkit import STORE_NOW, as_persona, seeded


@pytest.fixture(scope="module")
def store(make_app):
    return seeded(make_app())


def cart_of(app, customer_id):
    with promo_engine(app).work.read() as session:
        return session.scalar(select(CartActivityRow).where(CartActivityRow.customer_id == customer_id))


def test_a_signed_in_shoppers_cart_is_tracked_and_an_abandoned_one_gets_a_nudge(store):
    engine = promo_engine(store)
    client = store.test_client()
    as_persona(client, "vip")
    engine.create_campaign({"id": "nudge", "name": "Come back", "kind": "bulk", "codes": {"pattern": "NUDGE-######"},
                            "effect": {"type": "amount_off_order", "amount": 300}})
    engine.generate_codes("nudge", 3)
    engine.distributions.create({"id": "cart-nudge", "name": "Cart nudge", "event": "cart_abandoned", "hours": 4,
                                 "publish": "nudge"})

    client.post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "2"})
    client.post("/cart/add", data={"sku": "ARA-KEN-NYERI", "quantity": "1"})

    tracked = cart_of(store, "vip")
    assert [line[0] for line in tracked.lines] == ["ARA-ETH-YIRG", "ARA-KEN-NYERI"]
    assert tracked.items_count == 3 and tracked.subtotal == 2 * 1950 + 2100
    engine.clock = lambda: STORE_NOW + timedelta(hours=5)
    engine.distributions.run_scheduled()
    assert [c.campaign_id for c in engine.customer_codes("vip") if c.campaign_id == "nudge"] == ["nudge"]


def test_guests_carts_are_not_tracked(store):
    def tracked_carts():
        with promo_engine(store).work.read() as session:
            return session.scalar(select(func.count()).select_from(CartActivityRow))

    before = tracked_carts()
    response = store.test_client().post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "1"})
    assert response.status_code < 400 and tracked_carts() == before
