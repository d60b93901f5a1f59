"""Who is shopping: the customer id in the session and their stored profile, once per request.

The session holds only a customer id (``customer_id``). Signing in sets it (shop.storefront.
account); in demo mode the persona switcher sets the same key, so carts, wallets and orders never
need to know which of the two put it there. A wallet or an order is shown only when its customer
id equals this one.
"""
from __future__ import annotations

from flask import g, session

from promo.domain import Customer
from promo.errors import NotFound
from shop.web.extensions import promo_engine

CUSTOMER_KEY = "customer_id"


def current_customer_id() -> str | None:
    value = session.get(CUSTOMER_KEY)
    return value if isinstance(value, str) and value else None


def current_customer() -> Customer | None:
    """The signed-in customer's stored profile (None for guests), loaded once per request.

    A session pointing at a customer that no longer exists is treated as a guest.
    """
    if "customer" not in g:
        customer_id = current_customer_id()
        customer = None
        if customer_id is not None:
            try:
                customer = promo_engine().get_customer(customer_id)
            except NotFound:
                session.pop(CUSTOMER_KEY, None)
        g.customer = customer
    return g.customer


def set_current_customer(customer_id: str | None) -> None:
    """Switch the shopper (sign-in, sign-out, demo persona). The cart stays; prices follow."""
    if customer_id is None:
        session.pop(CUSTOMER_KEY, None)
    else:
        session[CUSTOMER_KEY] = customer_id
    g.pop("customer", None)
