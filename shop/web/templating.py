"""Every template global, filter and context processor, registered in one place.

Templates get data from their views; the helpers here format it (money, dates) or make URLs
(product pictures, signed banners). None of them reads the database except the layout's context
(shopper, categories, cart badge) and ``offer_banner_url`` given a campaign id.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_date
from flask import Flask, current_app, url_for

from promo.core.money import format_money
from shop.web.extensions import promo_engine


def money(amount: int) -> str:
    return format_money(amount, current_app.config["STORE_CURRENCY"], current_app.config["STORE_LOCALE"])


def order_date(moment: datetime) -> str:
    """ "Nov 25, 2026" in the store's time zone and locale."""
    engine = promo_engine()
    return format_date(moment.astimezone(engine.tz).date(), format="medium", locale=engine.locale)


def has_endpoint(name: str) -> bool:
    """Lets the layout link pages that other blueprints add (cart, wallet) only once they exist."""
    return name in current_app.view_functions


def product_image_url(product: Any) -> str:
    image = getattr(product, "image", None)
    if image and (image.startswith("/") or "://" in image):
        return image
    return url_for("static", filename=image or f"img/products/{product.sku.lower()}.svg")


def register_template_helpers(app: Flask) -> None:
    # Imported here, not at the top: these modules build on shop.web, which must not import them.
    from shop.console.formatting import FILTERS as CONSOLE_FILTERS
    from shop.storefront.model.greeting import is_birthday_today
    from shop.storefront.model.layout import layout_context
    from shop.storefront.model.way_forward import current_page, signed_in_personas, way_forward
    from shop.web.banner_links import banner_url, offer_banner_url

    app.add_template_filter(money, "money")
    app.add_template_filter(order_date, "order_date")
    for name, function in CONSOLE_FILTERS.items():
        app.add_template_filter(function, f"console_{name}")
    app.add_template_global(has_endpoint, "has_endpoint")
    app.add_template_global(product_image_url, "product_image_url")
    app.add_template_global(banner_url, "banner_url")
    app.add_template_global(offer_banner_url, "offer_banner_url")
    app.add_template_global(way_forward, "way_forward")
    app.add_template_global(current_page, "current_page")
    app.add_template_global(signed_in_personas, "signed_in_personas")
    app.add_template_global(is_birthday_today, "is_birthday_today")
    app.context_processor(layout_context)
