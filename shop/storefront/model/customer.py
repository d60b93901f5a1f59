"""Who is shopping: the customer id in the session and their stored profile, once per request.

The session holds a customer id (``customer_id``) and the customer's session version at sign-in.
Every request checks that version against the stored one, which sign-out and a new password
raise, so a cookie copied before sign-out opens nothing afterwards. Signing in sets both (shop.
storefront.account); in demo mode the persona switcher sets the same keys, so carts, wallets and
orders never need to know which of the two put them there. A wallet or an order is shown only
when its customer id equals this one.
"""
from __future__ import annotations

from flask import g, session

from promo.core.domain import Customer
from shop.web.extensions import promo_engine

CUSTOMER_KEY = "customer_id"
SESSION_VERSION_KEY = "customer_session_version"


def current_customer_id() -> str | None:
    """The signed-in customer's id; checked against the stored session version first."""
    customer = current_customer()
    return customer.id if customer is not None else None


def current_customer() -> Customer | None:
    """The signed-in customer's stored profile (None for guests), loaded once per request.

    A session naming a customer that no longer exists, or one made before that customer's last
    sign-out or password change (an older session version), is treated as a guest and forgotten.
    """
    if "customer" not in g:
        customer_id = session.get(CUSTOMER_KEY)
        customer = None
        if isinstance(customer_id, str) and customer_id:
            version = session.get(SESSION_VERSION_KEY, 0)
            if isinstance(version, int):
                customer = promo_engine().customer_for_session(customer_id, version)
            if customer is None:
                session.pop(CUSTOMER_KEY, None)
                session.pop(SESSION_VERSION_KEY, None)
        g.customer = customer
    return g.customer


def set_current_customer(customer_id: str | None) -> None:
    """Switch the shopper (sign-in, sign-out, demo persona). The cart stays; prices follow."""
    if customer_id is None:
        session.pop(CUSTOMER_KEY, None)
        session.pop(SESSION_VERSION_KEY, None)
    else:
        session[CUSTOMER_KEY] = customer_id
        session[SESSION_VERSION_KEY] = promo_engine().customer_session_version(customer_id)
    g.pop("customer", None)
