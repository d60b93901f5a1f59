"""Codes: search by code, prefix or holder, each with its own end; disable or enable a
selection; bulk generation jobs with a live progress bar; streamed CSV export."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for

from promo.core.errors import NotFound, PromoError
from promo.core.records import CodeInfo
from promo.core.timing import code_valid_through
from promo.services.reports import CODE_EXPORT_COLUMNS
from shop.console import bp
from shop.console.access import current_user, requires, safe_console_path
from shop.console.csv_stream import csv_response
from shop.console.jobs import get_job, start_job
from shop.console.models import Role
from shop.console.paging import next_page_url
from shop.web.extensions import promo_engine

MAX_SELECTION = 1000


@dataclass(frozen=True)
class CodeExpiry:
    """A code's own end (codes: {valid_days}) as the list shows it."""

    last_day: str       # "Dec 2, 2026", in its campaign's zone
    expired: bool


def code_expiries(codes: Iterable[CodeInfo]) -> dict[str, CodeExpiry]:
    """The own end of each code that has one, by code; the campaigns are read once each."""
    dated = [code for code in codes if code.expires_at is not None]
    if not dated:
        return {}
    engine = promo_engine()
    campaigns = engine.load_campaigns({code.campaign_id for code in dated})
    now = engine.now()
    return {code.code: CodeExpiry(code_valid_through(campaigns[code.campaign_id], code.expires_at, engine.locale),
                                  expired=now >= code.expires_at)
            for code in dated}


@bp.get("/codes")
def codes():
    query = request.args.get("q", "")
    campaign_id = request.args.get("campaign") or None
    status = request.args.get("status") if request.args.get("status") in ("active", "disabled") else None
    found = promo_engine().reports.search_codes(query, campaign_id=campaign_id, status=status, after=request.args.get("after") or None)
    # "Change all matching" is offered for a narrowed search small enough to change at once.
    matching = None
    if query.strip() or campaign_id:
        codes_found = promo_engine().reports.matching_codes(query, campaign_id=campaign_id, status=status, limit=MAX_SELECTION)
        matching = len(codes_found) if len(codes_found) <= MAX_SELECTION else None
    return render_template("console/codes.html", found=found, q=query, campaign_id=campaign_id, status=status,
                           expiries=code_expiries(found.codes), matching=matching, max_selection=MAX_SELECTION,
                           next_url=next_page_url("console.codes", "after", found.next_after),
                           campaigns=promo_engine().list_campaigns())


@bp.post("/codes/status")
@requires(Role.MARKETER)
def change_code_status():
    action, _, scope = request.form.get("action", "").partition("_")
    if action not in ("disable", "enable") or scope not in ("", "matching"):
        abort(400, "Choose disable or enable.")
    if scope == "matching":
        status = request.form.get("status") if request.form.get("status") in ("active", "disabled") else None
        selected = promo_engine().reports.matching_codes(request.form.get("q", ""), campaign_id=request.form.get("campaign") or None,
                                  status=status, limit=MAX_SELECTION)
    else:
        selected = request.form.getlist("code")
    if not selected:
        flash("Tick at least one code first.", "error")
    elif len(selected) > MAX_SELECTION:
        flash(f"Change at most {MAX_SELECTION:,} codes at once; narrow the search.", "error")
    else:
        engine, actor, failed = promo_engine(), current_user().actor, []
        for code in selected:
            try:
                engine.set_code_status(code, action, actor=actor)
            except PromoError as error:
                failed.append(f"{code}: {error.message}")
        changed = len(selected) - len(failed)
        flash(f"{action.capitalize()}d {changed} code{'s' if changed != 1 else ''}.", "success" if changed else "error")
        for failure in failed:
            flash(failure, "error")
    return redirect(safe_console_path(request.form.get("back"), url_for("console.codes")))


@bp.get("/campaigns/<campaign_id>/codes.csv")
def export_codes(campaign_id: str):
    try:
        promo_engine().get_campaign(campaign_id)
    except NotFound:
        abort(404)
    return csv_response(f"{campaign_id}-codes.csv", CODE_EXPORT_COLUMNS, promo_engine().reports.stream_codes(campaign_id))


@bp.post("/campaigns/<campaign_id>/jobs")
@requires(Role.MARKETER)
def generate(campaign_id: str):
    raw = request.form.get("count", "").replace(",", "").replace("_", "").strip()
    if not raw.isdigit():
        flash("Enter how many codes to generate, e.g. 10000.", "error")
        return redirect(url_for("console.campaign", campaign_id=campaign_id, _anchor="codes"))
    try:
        job = start_job(campaign_id, int(raw), actor=current_user().actor)
    except NotFound:
        abort(404)
    except PromoError as error:
        flash(error.message, "error")
        return redirect(url_for("console.campaign", campaign_id=campaign_id, _anchor="codes"))
    flash(f"Generating {job.requested:,} codes in the background; you can leave this page.", "success")
    return redirect(url_for("console.campaign", campaign_id=campaign_id, _anchor="codes"))


@bp.get("/jobs/<int:job_id>")
def job(job_id: int):
    found = get_job(job_id)
    if found is None:
        abort(404)
    return render_template("console/_job.html", job=found)
