"""The product catalogue: categories and products, as the storefront lists and prices them."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from promo.core.campaign import MarginFloor
from promo.core.domain import CartLine
from promo.core.errors import InvalidRequest, NotFound
from promo.core.margin import floor_text, margin_warnings
from promo.core.reading import MAX_MONEY
from promo.core.records import Category, Product
from promo.format.definition import DefinitionError, parse_campaign
from promo.services.active import MARGIN_FLOOR_SETTING
from promo.services.checks import check_lengths
from promo.services.unit_of_work import UnitOfWork
from promo.storage import convert, store_settings
from promo.storage.models import CategoryRow, ProductRow


class Catalogue:
    """The catalogue operations of the Engine."""

    def __init__(self, work: UnitOfWork):
        self.work = work

    def upsert_category(self, category: Category) -> Category:
        def work(session: Session) -> Category:
            row = session.get(CategoryRow, category.slug) or CategoryRow(slug=category.slug)
            row.name, row.description, row.position = category.name, category.description, category.position
            session.add(row)
            session.flush()
            return convert.category_record(row)

        return self.work.write(work)

    def upsert_product(self, product: Product) -> Product:
        check_lengths("product", product.sku, sku=(product.sku, 64), name=(product.name, 200), image=(product.image, 500))
        if product.price < 0:
            raise InvalidRequest(f"product {product.sku}: price cannot be negative", code="invalid_product")
        if product.cost is not None and product.cost < 0:
            raise InvalidRequest(f"product {product.sku}: cost cannot be negative", code="invalid_product")

        def work(session: Session) -> Product:
            row = session.get(ProductRow, product.sku) or ProductRow(sku=product.sku)
            row.name, row.price, row.description, row.image = product.name, product.price, product.description, product.image
            row.categories, row.collections = list(product.categories), list(product.collections)
            row.extra, row.position, row.cost = dict(product.metadata), product.position, product.cost
            session.add(row)
            session.flush()
            return convert.product_record(row)

        return self.work.write(work)

    def list_categories(self) -> list[Category]:
        with self.work.read() as session:
            rows = session.scalars(select(CategoryRow).order_by(CategoryRow.position, CategoryRow.slug))
            return [convert.category_record(r) for r in rows]

    def list_products(self, *, category: str | None = None) -> list[Product]:
        with self.work.read() as session:
            rows = session.scalars(select(ProductRow).order_by(ProductRow.position, ProductRow.sku))
            products = [convert.product_record(r) for r in rows]
        if category is not None:
            products = [p for p in products if category in p.categories]
        return products

    def products_by_sku(self, skus: Iterable[str]) -> dict[str, Product]:
        """The products among `skus`, by SKU; SKUs the catalogue does not hold are left out.
        One query whatever the catalogue's size: a cart reads its own lines, not every product."""
        wanted = sorted(set(skus))
        if not wanted:
            return {}
        with self.work.read() as session:
            rows = session.scalars(select(ProductRow).where(ProductRow.sku.in_(wanted)))
            return {row.sku: convert.product_record(row) for row in rows}

    def get_product(self, sku: str) -> Product:
        with self.work.read() as session:
            row = session.get(ProductRow, sku)
            if row is None:
                raise NotFound(f"no product with SKU {sku!r}", code="product_not_found")
            return convert.product_record(row)

    def set_product_cost(self, sku: str, cost: int | None) -> Product:
        """What one unit costs the store (None: unknown, not guarded by the margin floor)."""
        if cost is not None and not 0 <= cost <= MAX_MONEY:
            raise InvalidRequest(f"product {sku}: cost must be from 0 to {MAX_MONEY} minor units", code="invalid_product")

        def work(session: Session) -> Product:
            row = session.get(ProductRow, sku)
            if row is None:
                raise NotFound(f"no product with SKU {sku!r}", code="product_not_found")
            row.cost = cost
            session.flush()
            return convert.product_record(row)

        return self.work.write(work)

    # ---- the store's margin floor (docs/discount-policy.md, The margin floor) ----

    def margin_floor(self) -> MarginFloor:
        """The floor campaigns without their own `margin_floor` get: the saved store setting,
        else the configured default (PROMOSHOP_MARGIN_FLOOR)."""
        with self.work.read() as session:
            return self.work.store_margin_floor(store_settings.read(session, MARGIN_FLOOR_SETTING))

    def set_margin_floor(self, floor: MarginFloor | None) -> MarginFloor:
        """Save the store's floor; None goes back to the configured default."""
        def work(session: Session) -> None:
            if floor is None:
                store_settings.clear(session, MARGIN_FLOOR_SETTING)
            else:
                store_settings.write(session, MARGIN_FLOOR_SETTING, floor_text(floor), at=self.work.now())

        self.work.write(work)
        return self.margin_floor()

    def margin_warnings(self, definition: Mapping[str, Any]) -> list[str]:
        """Where a campaign's headline discount is more than the margin floor leaves on a
        product it targets (promo.core.margin.margin_warnings); [] for one that does not parse."""
        try:
            campaign = parse_campaign(definition, timezone=self.work.timezone)
        except DefinitionError:
            return []
        lines = [CartLine(p.sku, p.name, p.price, 1, frozenset(p.categories), frozenset(p.collections), cost=p.cost)
                 for p in self.list_products() if p.cost is not None]
        return margin_warnings(campaign, lines, self.margin_floor(), self.work.context())
