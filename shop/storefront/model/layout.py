"""What every storefront page's layout shows: the shopper, the demo personas, the categories and
the cart badge."""
from __future__ import annotations

from typing import Any

from flask import current_app, session
from sqlalchemy.exc import SQLAlchemyError

from promo.core.errors import PromoError
from shop.storefront.model import cart_state, personas
from shop.storefront.model.showcase import current_shopper, store_categories


def layout_context() -> dict[str, Any]:
    # The layout also wraps error pages: a broken database must not turn a 404 into a 500.
    try:
        return {
            "shopper": current_shopper(),
            "personas": personas.personas() if current_app.config.get("DEMO_MODE") else (),
            "store_categories": store_categories(),
            "cart_count": cart_state.load(session).count,
        }
    except (SQLAlchemyError, PromoError) as error:
        current_app.logger.warning("layout data unavailable: %s", error)
        return {"cart_count": 0, "store_categories": ()}
