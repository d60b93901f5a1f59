"""A cart update runs the same number of SQL queries whether the store has 24 campaigns or 200,
and whether the cart has 2 lines or 20 (guests and signed-in shoppers with per-customer limits),
and exactly the number docs/performance.md states; the pages that list offers (home, deals, a
product page) run as many with 24 campaigns as with 200.

The smaller store holds every shape of offer on every category the larger one has them on:
offers with limits have their counters read (one query for all of them), those without none,
so a page showing no offer with limits runs one query fewer whatever the store's size.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import event

from promo.core.domain import Customer
from promo.core.records import Product
from shop.storefront.model import cart_state
from shop.storefront.model.cart_state import SessionCart
from shop.storefront.model.customer import CUSTOMER_KEY
from shop.web.extensions import db, promo_engine

PRODUCTS = 40
HTMX = {"HX-Request": "true", "HX-Target": "cart-items"}
# SQL statements per cart update, as docs/performance.md states them ("SQL queries per cart
# update"). A signed-in shopper's update also records a cart_updated event (a write transaction,
# its BEGIN counted).
DOCUMENTED_QUERIES = {None: 8, "vip-1": 20}
SMALL, LARGE = 24, 200   # campaigns in the two stores compared


def campaign(number: int) -> dict:
    """A mix like a real store's: item offers on SKUs and categories, storewide and VIP offers,
    coupons, per-customer limits and budgets."""
    sku = f"SKU-{number % PRODUCTS:03d}"
    shape = number % 6
    definition: dict = {"id": f"promo-{number}", "name": f"Offer {number}", "kind": "promotion"}
    if shape == 0:
        definition["effect"] = {"type": "percent_off_items", "percent": 5, "items": {"skus": [sku]}}
    elif shape == 1:
        definition["effect"] = {"type": "amount_off_each_unit", "amount": 50,
                                "items": {"categories": [f"cat-{number % 8}"]}}
        definition["limits"] = {"per_customer": 3, "budget": 1_000_000}
    elif shape == 2:
        definition["effect"] = {"type": "percent_off_order", "percent": 1}
        definition["eligibility"] = {"fact": "cart.subtotal", "gte": 2000 + number}
    elif shape == 3:
        definition["effect"] = {"type": "amount_off_order", "amount": 100}
        definition["eligibility"] = {"fact": "customer.segment", "is": "vip"}
        definition["limits"] = {"per_customer": 1}
    elif shape == 4:
        definition.update(kind="coupon", code=f"CODE{number}")
        # On SKU-000's category, so every cart here touches some coupons.
        definition["effect"] = {"type": "percent_off_items", "percent": 10, "items": {"categories": ["cat-0"]}}
    else:
        definition["effect"] = {"type": "buy_x_get_y", "buy": {"quantity": 2, "items": {"skus": [sku]}},
                                "get": {"quantity": 1, "items": {"skus": [sku]}}, "percent": 100}
    return definition


def store(make_app: Callable[..., Flask], campaigns: int) -> Flask:
    app = make_app(DEMO_MODE=False)
    engine = promo_engine(app)
    for number in range(PRODUCTS):
        engine.upsert_product(Product(sku=f"SKU-{number:03d}", name=f"Product {number}", price=1000 + number * 10,
                                      categories=(f"cat-{number % 8}",)))
    for number in range(campaigns):
        engine.create_campaign(campaign(number))
    engine.upsert_customer(Customer(id="vip-1", email="vip@example.com", segments=frozenset({"vip"})))
    return app


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    with app.app_context():
        sql_engine = db.engine
    event.listen(sql_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(sql_engine, "before_cursor_execute", record)


def queries_per_update(app: Flask, lines: int, customer_id: str | None) -> int:
    client = app.test_client()
    with client.session_transaction() as session:
        items = {f"SKU-{number:03d}": 1 for number in range(lines)}
        cart_state.save(session, SessionCart(items=items, codes=("CODE4",)))
        if customer_id is not None:
            session[CUSTOMER_KEY] = customer_id

    def update(quantity: int) -> None:
        response = client.post("/cart/update", data={"sku": "SKU-000", "quantity": str(quantity)}, headers=HTMX)
        assert response.status_code == 200, response.text

    update(2)  # warm: the worker's campaign cache is built once, not per request
    with counting(app) as statements:
        update(3)
    return len(statements)


@pytest.fixture(scope="module")
def stores(make_app: Callable[..., Flask]) -> dict[int, Flask]:
    return {size: store(make_app, size) for size in (SMALL, LARGE)}


@pytest.mark.slow
@pytest.mark.parametrize("customer_id", [None, "vip-1"], ids=["guest", "signed-in"])
def test_queries_do_not_grow_with_campaigns_or_lines(stores: dict[int, Flask], customer_id: str | None):
    counts = {
        (size, lines): queries_per_update(app, lines, customer_id)
        for size, app in stores.items()
        for lines in (2, 20)
    }
    assert len(set(counts.values())) == 1, counts
    documented = DOCUMENTED_QUERIES[customer_id]
    assert set(counts.values()) == {documented}, (
        f"a cart update now runs {sorted(set(counts.values()))} SQL statements, docs/performance.md "
        f"says {documented}: if the change is intended, update the count in docs/performance.md "
        f"('SQL queries per cart update') and DOCUMENTED_QUERIES here; {counts}")


def test_cart_update_reads_only_its_lines_products(stores: dict[int, Flask], monkeypatch: pytest.MonkeyPatch):
    """The catalogue is not read whole on a cart change: only the products of the cart's lines,
    in one query (the product list's query never runs)."""
    from promo.services.catalogue import Catalogue

    asked: list[set[str]] = []
    original = Catalogue.products_by_sku
    monkeypatch.setattr(Catalogue, "list_products", lambda *args, **kwargs: pytest.fail("read the whole catalogue"))
    monkeypatch.setattr(Catalogue, "products_by_sku", lambda self, skus: asked.append(set(skus)) or original(self, skus))
    app = stores[SMALL]
    client = app.test_client()
    with client.session_transaction() as session:
        cart_state.save(session, SessionCart(items={"SKU-000": 1, "SKU-007": 2}))
    with counting(app) as statements:
        response = client.post("/cart/update", data={"sku": "SKU-000", "quantity": "3"}, headers=HTMX)
    assert response.status_code == 200
    assert asked == [{"SKU-000", "SKU-007"}]
    assert len([statement for statement in statements if "FROM products" in statement]) == 1


def queries_per_page(app: Flask, path: str, customer_id: str | None) -> int:
    client = app.test_client()
    if customer_id is not None:
        with client.session_transaction() as session:
            session[CUSTOMER_KEY] = customer_id
    assert client.get(path).status_code == 200  # warm, as above
    with counting(app) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


@pytest.mark.parametrize("path", ["/", "/deals", "/products/SKU-000"])
@pytest.mark.parametrize("customer_id", [None, "vip-1"], ids=["guest", "signed-in"])
def test_offer_pages_do_not_query_per_campaign(stores: dict[int, Flask], path: str, customer_id: str | None):
    counts = {size: queries_per_page(app, path, customer_id) for size, app in stores.items()}
    assert counts[SMALL] == counts[LARGE], counts
