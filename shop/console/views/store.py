"""Admin page "Store data": download the store as a scenario pack, and reset a demo store.

Both are thin clients of shop.web.store_admin. Resetting deletes every order, code and customer,
so it is for admins only, in demo mode only, and asks for confirmation (a ticked box the
server checks, plus the console's confirm dialog when scripts run).
"""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from promo.packs.scenario import ScenarioError
from shop.console import bp
from shop.console.access import current_user, requires
from shop.console.models import Role
from shop.web import store_admin

CONFIRM_FIELD = "confirm"


def _reset_offered() -> bool:
    return bool(current_app.config.get("DEMO_MODE")) and store_admin.reset_refusal(current_app) is None


@bp.get("/store")
@requires(Role.ADMIN)
def store_data():
    return render_template("console/store.html", reset_offered=_reset_offered(),
                           scenario=store_admin.shown_path(store_admin.default_scenario(current_app)))


@bp.get("/store/pack.yaml")
@requires(Role.ADMIN)
def download_pack() -> Response:
    try:
        text = store_admin.export_text(current_app)
    except ScenarioError as error:
        flash(f"The store can't be written as a scenario pack: {error}", "error")
        return redirect(url_for("console.store_data"))
    return Response(text, mimetype="application/yaml",
                    headers={"Content-Disposition": 'attachment; filename="promoshop-pack.yaml"'})


@bp.post("/store/reset")
@requires(Role.ADMIN)
def reset_demo():
    if not _reset_offered():
        abort(404)
    if request.form.get(CONFIRM_FIELD) != "yes":
        flash("Tick the box to confirm: resetting deletes every order, code and customer.", "error")
        return redirect(url_for("console.store_data"))
    try:
        report = store_admin.reset(actor=current_user().actor)
    except (store_admin.ResetRefused, ScenarioError) as error:
        flash(f"The store was not reset: {error}", "error")
        return redirect(url_for("console.store_data"))
    flash(f"The demo store is reset to {store_admin.shown_path(report.scenario)}.", "success")
    return redirect(url_for("console.store_data"))
