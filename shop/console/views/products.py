"""Products: what each unit costs the store, and the store's margin floor.

The margin floor (docs/discount-policy.md, The margin floor) keeps every discount above cost plus
a margin on lines with a cost. Marketers keep the costs up to date here; admins set the floor
campaigns get when their definition has no `margin_floor` of its own.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from promo.core.errors import PromoError
from promo.core.margin import floor_text
from promo.core.money import MoneyError, parse_typed_amount, typed_amount
from promo.format.readers import MARGIN_FLOOR_EXAMPLE, parse_margin_floor
from shop.console import bp
from shop.console.access import current_user, requires
from shop.console.models import Role
from shop.web.extensions import promo_engine


def _margin_percent(price: int, cost: int | None) -> str:
    if cost is None or price <= 0:
        return ""
    return f"{(price - cost) * 100 / price:.0f}%"


@bp.get("/products")
@requires(Role.VIEWER)
def products():
    engine = promo_engine()
    rows = [(p, _margin_percent(p.price, p.cost)) for p in engine.list_products()]
    return render_template("console/products.html", rows=rows, currency=engine.currency,
                           floor=floor_text(engine.store_margin_floor()), floor_example=MARGIN_FLOOR_EXAMPLE,
                           may_set_floor=current_user().role is Role.ADMIN)


@bp.post("/products/<sku>/cost")
@requires(Role.MARKETER)
def set_cost(sku: str):
    engine = promo_engine()
    raw = request.form.get("cost", "").strip()
    try:
        cost = parse_typed_amount(raw, engine.currency, engine.locale) if raw else None
        product = engine.set_product_cost(sku, cost)
    except MoneyError as error:
        flash(f"{sku}: enter a cost like {typed_amount(950, engine.currency, engine.locale)}, or leave it empty ({error}).", "error")
    except PromoError as error:
        flash(error.message, "error")
    else:
        shown = "no cost (not guarded by the margin floor)" if product.cost is None else "its new cost"
        flash(f"{product.name} has {shown}.", "success")
    return redirect(url_for("console.products") + f"#product-{sku}")


@bp.post("/products/margin-floor")
@requires(Role.ADMIN)
def set_margin_floor():
    raw = request.form.get("margin_floor", "").strip()
    try:
        floor = promo_engine().set_store_margin_floor(parse_margin_floor(raw) if raw else None)
    except ValueError:
        flash(f"The margin floor must be {MARGIN_FLOOR_EXAMPLE}.", "error")
    else:
        flash(f"The store's margin floor is {floor_text(floor)}.", "success")
    return redirect(url_for("console.products"))
