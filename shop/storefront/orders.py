"""Order history and cancelling an order (which rolls its redemption back).

An order is shown only to its owner (shop.storefront.model.orders); anything else is a 404, so
order ids cannot be probed.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for

from shop.storefront.model.customer import current_customer_id
from shop.storefront.model.orders import campaign_names, order_history, order_view, owns_order, view_of_order
from shop.web.extensions import promo_engine
from shop.web.htmx import answer, render_fragment

bp = Blueprint("orders", __name__)


@bp.get("/orders")
def history() -> str:
    return render_template("orders.html", orders=order_history(), active_section="orders")


@bp.post("/orders/<int:redemption_id>/cancel")
def cancel(redemption_id: int) -> Response:
    view = order_view(redemption_id)
    if view is None or not owns_order(view.result):
        abort(404)
    if view.cancelled:
        message = f"Order {view.reference} was already cancelled."
    else:
        result = promo_engine().rollback(redemption_id, reason="cancelled by the customer",
                                         actor=f"customer:{current_customer_id() or 'guest'}")
        view = view_of_order(result, campaign_names([result]))
        freed = ", ".join(offer.code for offer in view.offers if offer.code)
        message = f"Order {view.reference} is cancelled."
        if freed:
            message += f" You can use {freed} again."
    return answer(fragment=lambda: render_fragment("partials/order_card.html", order=view),
                  redirect_to=url_for("orders.history"), message=message)
