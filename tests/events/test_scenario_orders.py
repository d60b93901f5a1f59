"""Past orders in scenario packs: checked with the pack, placed once as of their own day, and the
customer's figures left as the pack writes them."""
from __future__ import annotations

from datetime import timedelta

import pytest

from promo.packs.scenario import ScenarioError, load_pack, parse_pack

PACK = {
    "products": [{"sku": "BEANS", "name": "House beans", "price": 1400}, {"sku": "DRIPPER", "name": "Dripper", "price": 2800}],
    "customers": [{"id": "vip", "name": "Victor", "orders_count": 12, "total_spent": 140000, "last_order_days_ago": 9}],
    "campaigns": [{"id": "happy10", "name": "Happy 10", "kind": "coupon", "code": "HAPPY10",
                   "effect": {"type": "percent_off_order", "percent": 10}}],
    "orders": [{"ref": "AC-0001", "customer": "vip", "days_ago": 40, "codes": ["happy10"],
                "lines": [{"sku": "BEANS", "quantity": 2}, {"sku": "DRIPPER"}]}],
}


def test_order_problems_are_reported_with_the_pack_path():
    broken = {**PACK, "orders": [
        {"ref": "AC-1", "customer": "vipp", "days_ago": 3, "lines": [{"sku": "BEANZ"}], "codes": ["HAPPY1O"]},
        {"ref": "AC-1", "customer": "vip", "days_ago": -1, "lines": []},
    ]}
    with pytest.raises(ScenarioError) as caught:
        parse_pack(broken, source="shop.yaml")
    text = str(caught.value)
    assert "shop.yaml: orders[0].customer: 'vipp' is not one of the pack's customers (did you mean 'vip'?)" in text
    assert "shop.yaml: orders[0].lines[0].sku: 'BEANZ' is not one of the pack's products (did you mean 'BEANS'?)" in text
    assert "shop.yaml: orders[0].codes[0]: 'HAPPY1O' is not the public code of one of the pack's campaigns" in text
    assert "shop.yaml: orders[1].days_ago: must be between 0 and 36500, got -1" in text
    assert "shop.yaml: orders[1].lines: must be a list of 1 to 100 lines" in text


def test_a_pack_places_its_orders_once_on_their_day(engine, clock):
    today = engine.now().date()
    first = load_pack(engine, parse_pack(PACK, today=today, default_timezone="America/New_York"))
    second = load_pack(engine, parse_pack(PACK, today=today, default_timezone="America/New_York"))

    assert first.created["orders"] == 1 and not second.changed
    [order] = engine.list_redemptions(customer_id="vip")
    assert order.order.order_ref == "AC-0001"
    assert order.order.discount == 560                       # 10% of $56.00
    assert [item.code for item in order.items] == ["HAPPY10"]
    assert order.created_at.astimezone(engine.tz).date() == today - timedelta(days=40)
    # The pack's own figures for the customer stand (they count orders it doesn't list).
    vip = engine.get_customer("vip")
    assert (vip.orders_count, vip.total_spent) == (12, 140000)
    assert (today - vip.last_order_at.astimezone(engine.tz).date()).days == 9
    assert engine.now().date() == today                      # the engine's clock is back
