"""Shopper-facing pages around the catalogue: home (banner strip), deals, and the demo persona
switcher, plus what every page's layout needs (current shopper, categories, cart badge, money).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy.exc import SQLAlchemyError

from promo.core.errors import PromoError
from promo.core.money import format_money
from shop import cart_state, personas
from shop.account import safe_next, set_current_customer
from shop.extensions import promo_engine
from shop.offers import banner_offers, deal_offers
from shop.showcase import (
    GUEST_PROFILE,
    campaigns_by_id,
    current_shopper,
    describe,
    empty_cart,
    forget_shopper,
    listings,
    page_qualification,
    product_image_url,
    store_categories,
)

bp = Blueprint("storefront", __name__)

FEATURED_SKUS = ("ARA-ETH-YIRG", "BLD-HOUSE", "GEAR-DRIPPER", "MERCH-MUG")
FEATURED_COUNT = 4


# ---- layout --------------------------------------------------------------------------------


@bp.app_template_filter("money")
def money_filter(amount: int) -> str:
    return format_money(amount, current_app.config["STORE_CURRENCY"], current_app.config["STORE_LOCALE"])


@bp.app_template_global()
def has_endpoint(name: str) -> bool:
    """Lets the layout link pages that other blueprints add (cart, wallet) only once they exist."""
    return name in current_app.view_functions


bp.add_app_template_global(product_image_url, "product_image_url")


@bp.app_context_processor
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


# ---- pages ---------------------------------------------------------------------------------


@bp.get("/")
def home() -> str:
    engine = promo_engine()
    context = engine.context(page="home")
    offers = page_qualification(context)
    tiles = []
    for category in store_categories():
        products = engine.list_products(category=category.slug)
        if products:
            tiles.append({"category": category, "image_url": product_image_url(products[0])})
    products = engine.list_products()
    featured = [p for p in products if p.sku in FEATURED_SKUS] or products[:FEATURED_COUNT]
    return render_template(
        "home.html",
        banners=describe(banner_offers(offers), context),
        category_tiles=tiles,
        featured=listings(featured, context, offers),
    )


@bp.get("/deals")
def deals() -> str:
    engine = promo_engine()
    # Every public offer as a guest sees it: the page is the same for everyone and needs no login.
    context = engine.context(page="deals")
    offers = deal_offers(engine.qualify(None, empty_cart(), context, visible_only=True))
    views = describe(offers, context, customer=GUEST_PROFILE)
    groups = [
        {"key": "auto", "title": "Applied automatically", "offers": [v for v in views if v.kind == "auto"]},
        {"key": "codes", "title": "Codes for everyone", "offers": [v for v in views if v.kind == "code"]},
    ]
    # The parsed campaigns describe() loaded, so each deal's banner needs no query of its own.
    return render_template("deals.html", deal_groups=[gr for gr in groups if gr["offers"]], active_section="deals",
                           campaigns=campaigns_by_id(v.campaign_id for v in views))


@bp.post("/demo/persona")
def switch_persona() -> Response:
    if not current_app.config.get("DEMO_MODE"):
        abort(404)
    persona = personas.find(request.form.get("persona", ""))
    back = safe_next(request.form.get("next"), url_for("storefront.home"))
    if persona is None:
        flash("That demo persona doesn't exist. Pick one of the buttons at the top.", "error")
        return redirect(back, 303)
    set_current_customer(persona.customer_id)
    forget_shopper()
    flash(f"You're now shopping as: {persona.label}.", "success")
    return redirect(back, 303)
