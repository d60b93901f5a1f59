"""The console and the margin floor: costs on the Products page, the store's floor, a campaign's
Margin card, "Try it" line by line, and warnings when a campaign's headline outruns a margin."""
from __future__ import annotations

import pytest

from promo.core.campaign import AT_COST, MarginFloor
from promo.core.domain import Cart, CartLine
from promo.core.records import Product
from shop.console.models import Role
from tests.support.webkit import visible_text

GEISHA = Product("GEISHA", "Panama Geisha", 1950, ("arabica",), ("coffee-bags",), cost=1500)
YIRG = Product("YIRG", "Yirgacheffe", 1950, ("arabica",), ("coffee-bags",), cost=800)
BAGS10 = {"id": "bags10", "name": "$10 off each bag", "kind": "promotion", "margin_floor": "10%",
          "effect": {"type": "amount_off_each_unit", "amount": 1000, "items": {"collections": ["coffee-bags"]}}}


@pytest.fixture
def bags(engine):
    for product in (GEISHA, YIRG):
        engine.upsert_product(product)
    engine.set_campaign_status("auto5", "pause")     # the seeded automatic promotion would stack first
    return engine


def _line(product: Product, quantity: int = 1) -> CartLine:
    return CartLine(product.sku, product.name, product.price, quantity, frozenset(product.categories),
                    frozenset(product.collections), cost=product.cost)


def test_products_page_shows_margins_and_a_marketer_sets_a_cost(marketer, bags):
    page = visible_text(marketer.get("/console/products").get_data(as_text=True))
    assert "Panama Geisha GEISHA $19.50" in page and "23%" in page        # (1950 - 1500) / 1950

    response = marketer.post("/console/products/GEISHA/cost", data={"cost": "16.00"})
    assert response.status_code == 302
    assert bags.get_product("GEISHA").cost == 1600
    marketer.post("/console/products/GEISHA/cost", data={"cost": ""})
    assert bags.get_product("GEISHA").cost is None

    refused = marketer.post("/console/products/GEISHA/cost", data={"cost": "lots"}, follow_redirects=True)
    assert "GEISHA: enter a cost like 9.50" in visible_text(refused.get_data(as_text=True))


def test_only_an_admin_sets_the_store_floor(as_role, marketer, bags):
    assert marketer.post("/console/products/margin-floor", data={"margin_floor": "off"}).status_code == 403
    admin = as_role(Role.ADMIN)
    admin.post("/console/products/margin-floor", data={"margin_floor": "12%"})
    assert bags.store_margin_floor() == MarginFloor(percent=12)
    page = admin.post("/console/products/margin-floor", data={"margin_floor": "a lot"}, follow_redirects=True)
    assert "The margin floor must be" in visible_text(page.get_data(as_text=True))
    admin.post("/console/products/margin-floor", data={"margin_floor": ""})
    assert bags.store_margin_floor() == AT_COST


def test_saving_a_campaign_warns_where_the_floor_will_cap_it(marketer, bags):
    import yaml

    response = marketer.post("/console/campaigns/new/raw", data={"definition": yaml.safe_dump(BAGS10), "format": "yaml"},
                             follow_redirects=True)
    page = visible_text(response.get_data(as_text=True))
    assert "Created $10 off each bag." in page
    assert "$10 off Panama Geisha (GEISHA) is more than the $3 its margin floor leaves" in page
    assert "Yirgacheffe (YIRG) is more" not in page


def test_margin_card_shows_discount_margin_left_and_where_the_floor_held(marketer, bags):
    bags.create_campaign(BAGS10)
    bags.redeem(None, Cart((_line(GEISHA), _line(YIRG, 2))), [], order_ref="M-1")

    page = visible_text(marketer.get("/console/campaigns/bags10").get_data(as_text=True))
    # $3 + 2 × $10 given; the order sold for 5850 - 2300 = 3550 against 1500 + 1600 of cost.
    assert "Discount given on its orders $23.00" in page
    assert "Gross margin left on its orders $4.50" in page
    assert "Orders where the margin floor capped it 1 of 1" in page
    assert "Panama Geisha GEISHA 1 $7.00" in page


def test_try_it_shows_the_capping_line_by_line(marketer, bags):
    bags.create_campaign(BAGS10)
    page = visible_text(marketer.post("/console/try", data={"qty_GEISHA": "1", "qty_YIRG": "1"}).get_data(as_text=True))
    assert "margin floor kept $7.00 off" in page
    assert "Panama Geisha: $3.00 off, $7.00 less than asked: $15.00 cost" in page
