"""What the storefront pages share: the current shopper, the categories, the campaigns behind
the offers on a page, and product listings (promotional price plus offer badges).

Everything is read through the Engine and memoised for one request in ``flask.g``; the rules
about which offer shows where live in shop/storefront/model/offers.py.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from flask import g

from promo.core.campaign import Campaign
from promo.core.domain import Cart, CartLine, Context, Customer
from promo.core.records import Category, Offer, Product
from shop.storefront.model import personas
from shop.storefront.model.customer import current_customer
from shop.storefront.model.offers import (
    OfferView,
    PriceView,
    deal_offers,
    product_offers,
    promotional_price,
    view_of,
)
from shop.storefront.model.priced_cart import load_session_cart, price_cart
from shop.storefront.model.product_names import names_by_sku
from shop.web.extensions import promo_engine

GUEST_PROFILE = Customer()


@dataclass(frozen=True)
class Shopper:
    """Who is looking at the page, as the layout and the offers need it."""

    customer: Customer | None
    persona: str | None            # the demo persona key, for the pressed button

    @property
    def is_guest(self) -> bool:
        return self.customer is None

    @property
    def profile(self) -> Customer:
        """The engine's view of the shopper; guests are a profile without an id."""
        return self.customer or GUEST_PROFILE

    @property
    def first_name(self) -> str:
        if self.customer is None:
            return "there"
        return (self.customer.name or self.customer.email or "there").split()[0]


@dataclass(frozen=True)
class ProductListing:
    """A product as a page shows it: its price for this shopper and the offers that single it out."""

    product: Product
    category: Category | None
    price: PriceView
    offers: tuple[OfferView, ...] = ()

    @property
    def category_name(self) -> str:
        return self.category.name if self.category else ""


def current_shopper() -> Shopper:
    if "shopper" not in g:
        customer = current_customer()
        persona = personas.key_for(customer.id if customer else None)
        g.shopper = Shopper(customer=customer, persona=persona or ("guest" if customer is None else None))
    return g.shopper


def forget_shopper() -> None:
    g.pop("shopper", None)


def store_categories() -> list[Category]:
    if "categories" not in g:
        g.categories = promo_engine().list_categories()
    return g.categories


def category_by_slug(slug: str) -> Category | None:
    return next((c for c in store_categories() if c.slug == slug), None)


def campaigns_by_id(ids: Iterable[str]) -> dict[str, Campaign]:
    """Parsed campaigns for the offers on this page, each loaded once per request (the ones
    not loaded yet in one query)."""
    cache: dict[str, Campaign] = g.setdefault("campaigns", {})
    missing = {campaign_id for campaign_id in ids if campaign_id not in cache}
    if missing:
        cache.update(promo_engine().load_campaigns(missing))
    return cache


def catalogue_names() -> dict[str, str]:
    """The store's SKU → name map for shopper text, read once per request."""
    if "product_names" not in g:
        g.product_names = names_by_sku(promo_engine().list_products())
    return g.product_names


def describe(offers: Sequence[Offer], context: Context, customer: Customer | None = None) -> list[OfferView]:
    """Offer views for a page, each marked `in_cart` when the shopper's cart applies it."""
    engine = promo_engine()
    campaigns = campaigns_by_id({o.campaign_id for o in offers})
    profile = customer if customer is not None else current_shopper().profile
    names = catalogue_names()
    applied = cart_applied()
    return [replace(view_of(o, campaigns[o.campaign_id], profile, context, engine.currency, names),
                    in_cart=o.campaign_id in applied) for o in offers]


def cart_applied() -> frozenset[str]:
    """The campaigns the shopper's cart applies now, from the same evaluation the cart page makes
    (once per request): a badge says "In your cart" or "Code applied for you" only for these."""
    if "cart_applied" not in g:
        state = load_session_cart()
        applied: frozenset[str] = frozenset()
        if state.items:
            priced = price_cart(state, current_shopper().customer, max_nudges=0)
            applied = frozenset(offer.campaign_id for offer in priced.offers)
        g.cart_applied = applied
    return g.cart_applied


def empty_cart() -> Cart:
    return Cart(lines=(), currency=promo_engine().currency)


def page_qualification(context: Context) -> list[Offer]:
    """Every offer shown to this shopper in this page context, and their own codes (evaluated
    on an empty cart). The pages show nothing else: banners, badges and page offers are all
    visible ones (shop.storefront.model.offers)."""
    return promo_engine().qualify(current_shopper().profile, empty_cart(), context, visible_only=True)


def public_deals() -> list[OfferView]:
    """Every public offer as a guest sees it on the deals page: the same for everyone, and the
    one list that decides which automatic promotions have a share page."""
    context = promo_engine().context(page="deals")
    offers = deal_offers(promo_engine().qualify(None, empty_cart(), context, visible_only=True))
    return describe(offers, context, customer=GUEST_PROFILE)


def cart_line(product: Product, quantity: int = 1) -> CartLine:
    return CartLine(
        sku=product.sku, name=product.name, unit_price=product.price, quantity=quantity,
        categories=frozenset(product.categories), collections=frozenset(product.collections), cost=product.cost,
    )


def product_context(product: Product) -> Context:
    primary = product.categories[0] if product.categories else None
    return promo_engine().context(page="product", category=primary, product_sku=product.sku)


def price_for(product: Product, context: Context) -> PriceView:
    """The price this shopper pays for one unit with the automatic promotions running now."""
    engine = promo_engine()
    shopper = current_shopper()
    evaluation = engine.validate(shopper.profile, Cart(lines=(cart_line(product),), currency=engine.currency),
                                 (), context)
    campaigns = campaigns_by_id({o.campaign_id for o in evaluation.applied})
    return promotional_price(evaluation, campaigns)


def listings(products: Iterable[Product], context: Context, offers: Sequence[Offer]) -> list[ProductListing]:
    """Listings for a grid or a product page. `offers` is the page's qualification (visibility
    already follows `context`); each product gets the ones that single it out."""
    campaigns = campaigns_by_id({o.campaign_id for o in offers})
    result = []
    for product in products:
        line = cart_line(product)
        mine = product_offers(offers, campaigns, line)
        primary = product.categories[0] if product.categories else None
        result.append(ProductListing(
            product=product,
            category=category_by_slug(primary) if primary else None,
            price=price_for(product, context),
            offers=tuple(describe(mine, context)),
        ))
    return result
