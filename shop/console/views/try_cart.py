""""What would this customer get?": a customer (or a guest), a sample cart and codes, and the
engine's evaluation with a reason for every offer. Nothing is redeemed or counted."""
from __future__ import annotations

from flask import current_app, render_template, request

from promo.core.domain import Cart, CartLine
from promo.core.errors import NotFound, PromoError
from shop.console import bp
from shop.storefront.model.personas import personas
from shop.web.extensions import promo_engine

MAX_QUANTITY = 999


@bp.route("/try", methods=["GET", "POST"])
def try_it():
    engine = promo_engine()
    products = engine.list_products()
    customer_id = request.values.get("customer", "")
    codes_text = request.values.get("codes", "")
    quantities: dict[str, int] = {}
    problems: list[str] = []
    for product in products:
        raw = request.values.get(f"qty_{product.sku}", "").strip()
        if not raw:
            continue
        if not raw.isdigit() or not 0 <= int(raw) <= MAX_QUANTITY:
            problems.append(f"{product.name}: quantity must be a whole number from 0 to {MAX_QUANTITY}")
        elif int(raw):
            quantities[product.sku] = int(raw)
    evaluation, customer = None, None
    if request.method == "POST" and not problems:
        lines = tuple(CartLine(p.sku, p.name, p.price, quantities[p.sku], frozenset(p.categories),
                               frozenset(p.collections), cost=p.cost) for p in products if p.sku in quantities)
        codes = [c.strip() for c in codes_text.replace(",", " ").split() if c.strip()]
        try:
            customer = engine.get_customer(customer_id) if customer_id else None
            # The storefront's flat shipping fee too, so free-shipping offers are tried as shoppers get them.
            cart = Cart(lines, currency=engine.currency, shipping=current_app.config["SHIPPING_FEE"] if lines else 0)
            evaluation = engine.validate(customer_id or None, cart, codes, engine.context(page="cart"))
        except NotFound:
            problems.append(f"There is no customer {customer_id!r}.")
        except PromoError as error:
            problems.append(error.message)
    status = 400 if problems else 200
    # The storefront's demo personas first: the shoppers marketers already know by name.
    persona_choices = [(p.customer_id, p.label) for p in personas() if p.customer_id]
    return render_template("console/try.html", products=products, quantities=quantities, customers=engine.reports.customers(),
                           personas=persona_choices,
                           customer_id=customer_id, codes=codes_text, evaluation=evaluation, customer=customer,
                           problems=problems), status
