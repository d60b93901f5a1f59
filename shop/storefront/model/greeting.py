"""The birthday greeting: on a customer's birthday (the engine's clock, in the store's zone) the
home page and the wallet say so and point at the treat in their wallet."""
from __future__ import annotations

from promo.core.domain import Customer
from shop.web.extensions import promo_engine


def is_birthday_today(customer: Customer | None) -> bool:
    return customer is not None and customer.is_birthday(promo_engine().now().date())
