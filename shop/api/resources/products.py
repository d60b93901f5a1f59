"""Products: the catalogue as the API reads it, and each product's cost for the margin floor."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from promo.core.records import Product
from shop.api import api
from shop.api.framework.json_types import INT, NULLABLE_INT, STR, object_schema
from shop.api.framework.registry import Reply
from shop.api.framework.schema import Field, Obj, Str
from shop.api.resources.payloads import SKU, SLUG_LIST, money
from shop.web.extensions import promo_engine

TAG = "products"

ProductSchema = object_schema("Product", {
    "sku": STR,
    "name": STR,
    "price": {**INT, "description": "One unit's price, minor units."},
    "cost": {**NULLABLE_INT, "description": "What one unit costs the store, minor units; null: unknown, so "
                                            "no margin floor guards it."},
    "margin": {**NULLABLE_INT, "description": "price - cost; null without a cost."},
    "categories": {"type": "array", "items": STR},
    "collections": {"type": "array", "items": STR},
})
ProductList = object_schema("ProductList", {"products": {"type": "array", "items": {"$ref": "#/components/schemas/Product"}}},
                            refers_to=(ProductSchema,))
ProductBody = Obj({
    "name": Field(Str(min_length=1, max_length=200), required=True),
    "price": Field(money("One unit's price, minor units."), required=True),
    "cost": Field(money("What one unit costs the store, minor units; null or left out: unknown (not guarded)."),
                  nullable=True),
    "categories": Field(SLUG_LIST),
    "collections": Field(SLUG_LIST),
}, name="ProductBody", description="A product. Fields left out are stored empty.")
ProductCost = Obj({
    "cost": Field(money("What one unit costs the store, minor units; null: unknown (not guarded)."),
                  required=True, nullable=True),
}, name="ProductCost")


def product_json(product: Product) -> dict[str, Any]:
    return {"sku": product.sku, "name": product.name, "price": product.price, "cost": product.cost,
            "margin": product.margin, "categories": list(product.categories), "collections": list(product.collections)}


@api.operation("/products", "GET", summary="List products", tag=TAG, scope="read",
               reply=Reply(200, "Every product, in catalogue order.", ProductList))
def list_products() -> dict[str, Any]:
    return {"products": [product_json(p) for p in promo_engine().list_products()]}


@api.operation("/products/<sku>", "PUT", summary="Create or replace a product", tag=TAG, scope="write",
               body=ProductBody, reply=Reply(200, "The stored product.", ProductSchema))
def put_product(sku: str, body: dict[str, Any]) -> dict[str, Any]:
    """Its place in the catalogue (its position, description and image) is kept when it exists."""
    sku = SKU.validate_as(sku, "sku")
    engine = promo_engine()
    existing = engine.products_by_sku([sku]).get(sku)
    product = Product(sku, body["name"], body["price"], tuple(body.get("categories", ())),
                      tuple(body.get("collections", ())), cost=body.get("cost"))
    if existing is not None:
        product = replace(product, description=existing.description, image=existing.image,
                          metadata=existing.metadata, position=existing.position)
    return product_json(engine.upsert_product(product))


@api.operation("/products/<sku>", "GET", summary="Get a product", tag=TAG, scope="read",
               reply=Reply(200, "The product.", ProductSchema))
def get_product(sku: str) -> dict[str, Any]:
    return product_json(promo_engine().get_product(sku))


@api.operation("/products/<sku>/cost", "PUT", summary="Set a product's cost", tag=TAG, scope="write",
               body=ProductCost, reply=Reply(200, "The product with its cost.", ProductSchema))
def put_product_cost(sku: str, body: dict[str, Any]) -> dict[str, Any]:
    """The margin floor (docs/discount-policy.md) keeps discounts above cost plus a margin on
    products with a cost; `null` forgets the cost, and the product is no longer guarded."""
    return product_json(promo_engine().set_product_cost(sku, body["cost"]))
