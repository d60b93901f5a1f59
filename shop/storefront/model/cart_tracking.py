"""The storefront tells the engine when a signed-in shopper's cart changes, so abandoned-cart
distribution rules (docs/events.md) can find carts left behind. Guests are not tracked."""

from __future__ import annotations

import logging

from promo.core.domain import Cart, Customer
from promo.core.errors import PromoError
from shop.web.extensions import promo_engine

log = logging.getLogger(__name__)


def track_cart(customer: Customer | None, cart: Cart) -> None:
    """Record the cart's lines as ``cart_updated`` for its customer. The cart is not priced for
    this: the page that answers the change prices it once. A failure is logged, never shown:
    the shopper's cart works whatever the engine says."""
    if customer is None or customer.id is None:
        return
    lines = [
        {"sku": line.sku, "name": line.name, "unit_price": line.unit_price, "quantity": line.quantity,
         "categories": sorted(line.categories)}
        for line in cart.lines
    ]
    try:
        promo_engine().track(customer.id, "cart_updated", {"lines": lines})
    except PromoError as error:
        log.warning("could not record the cart of %s: %s", customer.id, error)
