"""Redemptions: filtered list, detail with per-line discounts, rollback (whole or one
stacked offer) with a reason, and a streamed CSV export."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for

from promo.core.errors import NotFound, PromoError
from promo.services.reports import RedemptionFilter
from shop.console import bp
from shop.console.access import current_user, requires
from shop.console.csv_stream import csv_response
from shop.console.models import Role
from shop.console.paging import next_page_url
from shop.web.extensions import promo_engine


def _date(name: str, problems: list[str]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(f"{name}: enter a date like 2026-11-27")
        return None


def _filter(problems: list[str]) -> RedemptionFilter:
    return RedemptionFilter(
        campaign_id=request.args.get("campaign") or None,
        customer_id=request.args.get("customer", "").strip() or None,
        start=_date("from", problems),
        end=_date("to", problems),
    )


@bp.get("/redemptions")
def redemptions():
    problems: list[str] = []
    where = _filter(problems)
    before = request.args.get("before", type=int)
    results, next_before = promo_engine().reports.find_redemptions(where, before_id=before)
    older_url = next_page_url("console.redemptions", "before", next_before)
    return render_template("console/redemptions.html", results=results, older_url=older_url, where=where,
                           problems=problems, campaigns=promo_engine().list_campaigns()), 400 if problems else 200


@bp.get("/redemptions.csv")
def export_redemptions():
    problems: list[str] = []
    where = _filter(problems)
    if problems:
        abort(400, "; ".join(problems))

    def rows():
        for r in promo_engine().reports.stream_redemptions(where):
            for item in r.items:
                yield (r.id, r.created_at, r.order.order_ref, r.customer_id, r.status.value,
                       item.campaign_id, item.code, item.discount, item.shipping_discount, item.status.value,
                       r.order.subtotal, r.order.total)
    return csv_response("redemptions.csv", ("redemption_id", "created_at", "order_ref", "customer_id", "status",
                                            "campaign_id", "code", "discount", "shipping_discount", "item_status",
                                            "order_subtotal", "order_total"), rows())


@bp.get("/redemptions/<int:redemption_id>")
def redemption(redemption_id: int):
    try:
        result = promo_engine().get_redemption(redemption_id)
    except NotFound:
        abort(404)
    names = {c.id: c.name for c in promo_engine().list_campaigns()}
    return render_template("console/redemption.html", r=result, names=names)


@bp.post("/redemptions/<int:redemption_id>/rollback")
@requires(Role.MARKETER)
def rollback(redemption_id: int):
    reason = request.form.get("reason", "").strip()
    item_id = request.form.get("item_id", type=int)
    if not reason:
        flash("Say why you are rolling this back; the reason goes into the audit log.", "error")
        return redirect(url_for("console.redemption", redemption_id=redemption_id))
    try:
        result = promo_engine().rollback(redemption_id, reason=reason, item_id=item_id, actor=current_user().actor)
    except NotFound:
        abort(404)
    except PromoError as error:
        flash(error.message, "error")
    else:
        what = "That offer was" if item_id else "The whole order's discounts were"
        flash(f"{what} rolled back; codes and limits are usable again. Status: {result.status.value.replace('_', ' ')}.",
              "success")
    return redirect(url_for("console.redemption", redemption_id=redemption_id))
