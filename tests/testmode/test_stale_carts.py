"""Carts live in cookies: after a reset took their products, codes or customer away, every page
still answers, and says what was removed."""
from __future__ import annotations

from testmodekit import AUTH, TOKEN

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
    assert "We couldn&#39;t find that code." in page or "We couldn't find that code." in page
    assert "Your cart is empty." in page
    for path in ("/", "/checkout", "/wallet", "/orders", "/deals"):
        assert shopper.get(path).status_code < 400, path
    assert "Victor" not in shopper.get("/wallet").get_data(as_text=True)     # vip is gone: a guest again
    assert shopper.post("/_test/persona", json={"persona": "regular"}, headers=AUTH).status_code == 200
    assert "Rex" in shopper.get("/wallet").get_data(as_text=True)
