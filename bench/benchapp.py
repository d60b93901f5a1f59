"""The promoshop app as bench/cart_throughput.py serves it: the real app plus one bench-only route.

``POST /bench/cart/update-without-promotions`` changes a line like ``POST /cart/update`` and
answers with the same htmx fragment (partials/cart_update.html, through shop.storefront.cart.respond), but
prices the cart with no promotions: the baseline the cart update is compared against. The
route lives here, registered only by ``create_bench_app``; production's ``app.create_app``
never has it. Served as ``gunicorn "benchapp:create_bench_app()"`` from bench/.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Blueprint, Flask, Response, request  # noqa: E402

from app import create_app  # noqa: E402
from promo.core.applicator import evaluate  # noqa: E402
from promo.core.domain import Customer  # noqa: E402
from promo.core.records import CartQuote  # noqa: E402
from shop.storefront.cart import Outcome, respond  # noqa: E402
from shop.storefront.model import cart_state  # noqa: E402
from shop.storefront.model.customer import current_customer  # noqa: E402
from shop.storefront.model.priced_cart import load_session_cart, price_cart, save_session_cart  # noqa: E402
from shop.web.extensions import promo_engine  # noqa: E402

BASELINE_PATH = "/bench/cart/update-without-promotions"

bench = Blueprint("bench", __name__)


class WithoutPromotions:
    """The app's engine for everything but offers: validate and price apply none, qualify finds none."""

    def __init__(self, engine: Any):
        self._engine = engine

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def validate(self, customer, cart, codes=(), context=None, *, declined_codes=()):
        return evaluate([], cart, customer or Customer(), context or self._engine.context())

    def qualify(self, *args: Any, **kwargs: Any) -> list:
        return []

    def price(self, customer, cart, codes=(), context=None, *, declined_codes=(), with_offers=True) -> CartQuote:
        """The cart's one evaluation (what the storefront prices with), without any offer."""
        return CartQuote(self.validate(customer, cart, codes, context))


@bench.post(BASELINE_PATH)
def update_without_promotions() -> Response:
    sku = request.form.get("sku", "").strip()
    quantity = cart_state.parse_quantity(request.form.get("quantity", ""), allow_zero=True)
    state = cart_state.with_quantity(load_session_cart(), sku, quantity)
    save_session_cart(state)
    priced = price_cart(state, current_customer(), engine=WithoutPromotions(promo_engine()))
    return respond(Outcome(state, priced=priced))


def create_bench_app(config: dict[str, Any] | None = None) -> Flask:
    app = create_app(config)
    app.register_blueprint(bench)
    return app
