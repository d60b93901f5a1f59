"""The storefront tells the engine when a signed-in shopper's cart changes, so abandoned-cart
distribution rules (docs/events.md) can find carts left behind. Guests are not tracked."""

from __future__ import annotations

import logging

from promo.core.errors import PromoError
from shop.storefront.model.priced_cart import PricedCart
from shop.web.extensions import promo_engine

log = logging.getLogger(__name__)


def track_cart(priced: PricedCart) -> PricedCart:
    """Record the cart as ``cart_updated`` for its customer; returns `priced` unchanged. A failure
    is logged, never shown: the shopper's cart works whatever the engine says."""
    customer = priced.customer
    if customer is None or customer.id is None:
        return priced
    lines = [
        {"sku": line.sku, "name": line.name, "unit_price": line.unit_price, "quantity": line.quantity,
         "categories": sorted(line.categories)}
        for line in (priced.cart.lines if priced.cart is not None else ())
    ]
    try:
        promo_engine().track(customer.id, "cart_updated", {"lines": lines})
    except PromoError as error:
        log.warning("could not record the cart of %s: %s", customer.id, error)
    return priced
