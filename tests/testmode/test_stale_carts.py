"""Carts live in cookies: after a reset took their products, codes or customer away, every page
still answers, and the cart says what was removed."""
from __future__ import annotations

from shop.web.extensions import promo_engine
from tests.support.testmodekit import AUTH, TOKEN

SMALL_PACK = """
store: {name: Corner Café, currency: USD, locale: en_US, timezone: America/New_York}
categories:
  - {slug: coffee, name: Coffee}
products:
  - {sku: BEANS-HOUSE, name: House beans, price: 1400, categories: [coffee]}
customers:
  - {id: regular, name: Rex Regular, email: rex@example.com}
personas:
  - {key: guest, label: Guest}
  - {key: regular, label: Regular, customer: regular}
"""


def test_pages_survive_a_reset_that_took_the_carts_contents(make_app, tmp_path):
    pack = tmp_path / "packs" / "small.yaml"
    pack.parent.mkdir()
    pack.write_text(SMALL_PACK)
    app = make_app(TEST_MODE=True, TEST_TOKEN=TOKEN, DEMO_SCENARIO=str(pack))
    shopper = app.test_client()
    assert shopper.post("/_test/reset", json={"scenario": "scenarios/arabica.yaml"}, headers=AUTH).status_code == 200
    shopper.post("/_test/persona", json={"persona": "vip"}, headers=AUTH)
    shopper.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "2"})
    shopper.post("/cart/codes", data={"code": "HAPPY10"})
    assert "Happy 10" in shopper.get("/cart").get_data(as_text=True)

    reset = shopper.post("/_test/reset", headers=AUTH)          # the configured small pack
    assert reset.status_code == 200 and reset.get_json()["personas"] == ["guest", "regular"]

    cart = shopper.get("/cart")
    assert cart.status_code == 200
    page = cart.get_data(as_text=True)
    assert "Some items are no longer sold and were removed from your cart." in page
    assert "HAPPY10 is no longer valid and was removed from your cart." in page
    assert "Your cart is empty." in page
    assert 'data-code="HAPPY10"' not in shopper.get("/cart").get_data(as_text=True)   # said once, then gone
    for path in ("/", "/checkout", "/wallet", "/orders", "/deals"):
        assert shopper.get(path).status_code < 400, path
    assert "Victor" not in shopper.get("/wallet").get_data(as_text=True)     # vip is gone: a guest again
    assert shopper.post("/_test/persona", json={"persona": "regular"}, headers=AUTH).status_code == 200
    assert "Rex" in shopper.get("/wallet").get_data(as_text=True)


def test_a_code_held_by_someone_else_stays_in_the_cart(make_test_store):
    """"Not found" also answers a personal code entered by another shopper; only a code the store
    has no record of is dropped, so the holder finds it still entered when they sign back in."""
    app = make_test_store()
    with app.app_context():
        code = next(p.code for p in promo_engine(app).list_publications("birthday") if p.campaign_id == "birthday")
    client = app.test_client()
    client.post("/_test/persona", json={"persona": "birthday"}, headers=AUTH)
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})
    client.post("/cart/codes", data={"code": code})
    client.post("/_test/persona", json={"persona": "guest"}, headers=AUTH)
    page = client.get("/cart").get_data(as_text=True)
    assert "no longer valid" not in page and code in page
    client.post("/_test/persona", json={"persona": "birthday"}, headers=AUTH)
    assert "Applied: you save" in client.get("/cart").get_data(as_text=True)
