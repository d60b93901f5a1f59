"""Shopper-facing pages around the catalogue: home (banner strip), deals, and the demo persona
switcher. What every page's layout needs comes from shop.storefront.model.layout.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for

from promo.core.campaign import Campaign
from promo.core.timing import availability
from shop.storefront.model import personas
from shop.storefront.model.customer import current_customer, set_current_customer
from shop.storefront.model.offers import OfferView, banner_offers
from shop.storefront.model.referred import bring_friends_code
from shop.storefront.model.showcase import (
    campaigns_by_id,
    describe,
    forget_shopper,
    listings,
    page_qualification,
    public_deals,
    store_categories,
)
from shop.web.extensions import promo_engine
from shop.web.navigation import safe_next
from shop.web.templating import product_image_url

bp = Blueprint("storefront", __name__)

FEATURED_SKUS = ("ARA-ETH-YIRG", "BLD-HOUSE", "GEAR-DRIPPER", "MERCH-MUG")
FEATURED_COUNT = 4


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
    views = public_deals()
    # The parsed campaigns describe() loaded, so each deal's banner needs no query of its own.
    campaigns = campaigns_by_id(v.campaign_id for v in views)
    now = engine.now()
    return render_template(
        "deals.html", deal_groups=[gr for gr in deal_groups(views, campaigns) if gr["offers"]], active_section="deals",
        campaigns=campaigns,
        availability={v.campaign_id: availability(campaigns[v.campaign_id], now, engine.locale) for v in views},
    )


def deal_groups(views: list[OfferView], campaigns: Mapping[str, Campaign]) -> list[dict]:
    """Codes first, headline codes (those running for a limited time, like Black Friday) at the
    top; then what the cart applies by itself."""
    def limited(view: OfferView) -> bool:
        return campaigns[view.campaign_id].ends_at is not None

    codes = sorted((v for v in views if v.kind == "code"), key=lambda v: not limited(v))
    return [
        {"key": "codes", "title": "Codes for everyone", "offers": codes},
        {"key": "auto", "title": "Applied automatically", "offers": [v for v in views if v.kind == "auto"]},
    ]


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
    customer = current_customer()
    if customer is not None:
        bring_friends_code(customer)      # the referred friend arrives as if by their friend's link
    flash(f"You're now shopping as: {persona.label}.", "success")
    return redirect(back, 303)
