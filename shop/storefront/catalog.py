"""Catalogue pages: all products, a category (with the sale-items filter) and a product.

The sale filter answers htmx requests with just the results fragment, rendered from the same
partial the full page includes; without JavaScript the form submits and the page reloads.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from promo.core.errors import NotFound
from promo.core.records import Product
from shop.storefront.model.offers import page_offers
from shop.storefront.model.showcase import (
    ProductListing,
    campaigns_by_id,
    category_by_slug,
    describe,
    listings,
    page_qualification,
    product_context,
)
from shop.web.extensions import promo_engine
from shop.web.htmx import htmx_target, is_htmx

bp = Blueprint("catalog", __name__)

RESULTS_PARTIAL = "partials/product_results.html"


def _sale_only() -> bool:
    return request.args.get("sale") in ("1", "on", "true")


def _grid_page(products: list[Product], *, heading: str, intro: str, category_slug: str | None):
    engine = promo_engine()
    context = engine.context(page="category", category=category_slug)
    offers = page_qualification(context)
    items: list[ProductListing] = listings(products, context, offers)
    sale_only = _sale_only()
    if sale_only:
        items = [item for item in items if item.price.on_sale]
    values = {"listings": items, "sale_only": sale_only}
    if is_htmx() and htmx_target() == "product-results":
        return render_template(RESULTS_PARTIAL, **values)
    campaigns = campaigns_by_id({o.campaign_id for o in offers})
    return render_template(
        "category.html",
        heading=heading,
        intro=intro,
        category=category_by_slug(category_slug) if category_slug else None,
        page_offers=describe(page_offers(offers, campaigns), context),
        active_section="shop",
        active_category=category_slug or "",
        **values,
    )


@bp.get("/shop")
def shop():
    return _grid_page(
        promo_engine().list_products(),
        heading="All coffee & gear",
        intro="Every bag we roast and everything we brew with.",
        category_slug=None,
    )


@bp.get("/shop/<slug>")
def category(slug: str):
    found = category_by_slug(slug)
    if found is None:
        abort(404)
    return _grid_page(
        promo_engine().list_products(category=slug),
        heading=found.name,
        intro=found.description,
        category_slug=slug,
    )


@bp.get("/products/<sku>")
def product(sku: str):
    if len(sku) > 64:
        abort(404)
    try:
        found = promo_engine().get_product(sku)
    except NotFound:
        abort(404)
    context = product_context(found)
    offers = page_qualification(context)
    campaigns = campaigns_by_id({o.campaign_id for o in offers})
    (item,) = listings([found], context, offers)
    # The product page also states offers aimed at product pages as such (e.g. a win-back).
    extra = [v for v in describe(page_offers(offers, campaigns), context) if v.campaign_id not in
             {o.campaign_id for o in item.offers}]
    item = ProductListing(product=item.product, category=item.category, price=item.price,
                          offers=(*item.offers, *extra))
    return render_template("product.html", item=item, active_section="shop",
                           active_category=item.category.slug if item.category else "")
