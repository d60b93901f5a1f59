"""Campaign pages: the list with usage bars, a campaign's page (stats, banner, actions), the
guided and raw editors, and the pause / resume / archive / duplicate actions."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from promo.banners import BannerError
from promo.core.campaign import Campaign
from promo.core.codes import example_code
from promo.core.errors import Conflict, InvalidRequest, NotFound, PromoError
from promo.core.money import currency_symbol
from promo.core.records import CampaignInfo
from shop.console import bp
from shop.console.access import current_user, requires, safe_console_path
from shop.console.charts import budget_gauge, daily_bars
from shop.console.editor import annotate, decode, dump, in_line_order, locate
from shop.console.guided import (
    KIND_HELP,
    KINDS,
    STACKING,
    TIER_ROWS,
    empty_form,
    form_from_definition,
    place_engine_errors,
    read_form,
)
from shop.console.jobs import jobs_for
from shop.console.models import Role
from shop.web.banner_links import campaign_banner_url
from shop.web.extensions import promo_engine

STATUS_FILTERS = ("current", "active", "paused", "archived", "all")
MAX_MARGIN_WARNINGS = 5


def _warn_about_margin(info: CampaignInfo) -> None:
    """Where the headline discount is more than the margin floor leaves on a product it targets:
    said, not refused (the floor caps it there at checkout)."""
    warnings = promo_engine().margin_warnings(info.definition)
    for warning in warnings[:MAX_MARGIN_WARNINGS]:
        flash(warning, "warning")
    if len(warnings) > MAX_MARGIN_WARNINGS:
        flash(f"…and {len(warnings) - MAX_MARGIN_WARNINGS} more products where the margin floor will cap it.", "warning")


@dataclass(frozen=True)
class CampaignRowView:
    info: CampaignInfo
    campaign: Campaign | None          # None when the stored definition can't be read
    problems: list[dict[str, str]]     # why it can't ({path, message} each); carts skip it meanwhile
    redemption_cap: int | None
    budget_cap: int | None


def _summary(info: CampaignInfo) -> CampaignRowView:
    engine = promo_engine()
    problems = engine.definition_errors(info)
    campaign = None if problems else engine.campaign_of(info)
    limits = campaign.limits if campaign else None
    return CampaignRowView(info, campaign, problems, limits.total if limits else None, limits.budget if limits else None)


def _campaign_or_404(campaign_id: str) -> CampaignInfo:
    try:
        return promo_engine().get_campaign(campaign_id)
    except NotFound:
        abort(404)


@bp.get("/")
def index():
    return redirect(url_for("console.campaigns"))


@bp.get("/campaigns")
def campaigns():
    status = request.args.get("status", "current")
    if status not in STATUS_FILTERS:
        status = "current"
    infos = promo_engine().list_campaigns(status=None if status in ("current", "all") else status)
    if status == "current":
        infos = [i for i in infos if i.status != "archived"]
    rows = [_summary(info) for info in infos]
    return render_template("console/campaigns.html", rows=rows, status=status, filters=STATUS_FILTERS)


@dataclass(frozen=True)
class BannerPreview:
    url: str | None
    problem: str | None = None         # why there is no banner, for the marketer
    example_code: bool = False         # drawn with a code in the pattern's shape, not a real one


def _banner_preview(campaign: Campaign | None) -> BannerPreview:
    """The square banner shoppers get for this campaign: with its public code, an example of
    its generated codes, or none for an automatic promotion; else the reason it has none."""
    if campaign is None:
        return BannerPreview(None, "its definition can't be read")
    code = campaign.code
    if code is None and campaign.code_pattern is not None:
        code = example_code(campaign.code_pattern)
    try:
        url = campaign_banner_url(campaign, code)
    except BannerError as error:
        return BannerPreview(None, str(error))
    return BannerPreview(url, example_code=code is not None and code != campaign.code)


@bp.get("/campaigns/<campaign_id>")
def campaign(campaign_id: str):
    info = _campaign_or_404(campaign_id)
    row = _summary(info)
    reports = promo_engine().reports
    stats = reports.campaign_stats(campaign_id)
    banner = _banner_preview(row.campaign)
    return render_template(
        "console/campaign.html", row=row, info=info, stats=stats, banner=banner, margin=reports.campaign_margin(campaign_id),
        chart=daily_bars(stats.per_day), gauge=budget_gauge(info.budget_used, row.budget_cap),
        code_counts=reports.count_codes(campaign_id), jobs=jobs_for(campaign_id),
        definition_yaml=dump(dict(info.definition), "yaml"),
        guided=form_from_definition(info.definition, **_store_money()) is not None,
    )


@bp.post("/campaigns/<campaign_id>/status")
@requires(Role.MARKETER)
def change_status(campaign_id: str):
    action = request.form.get("action", "")
    try:
        info = promo_engine().set_campaign_status(campaign_id, action, actor=current_user().actor)
    except NotFound:
        abort(404)
    except (InvalidRequest, Conflict) as error:
        flash(error.message, "error")
        return redirect(url_for("console.campaign", campaign_id=campaign_id))
    done = {"pause": "paused: it stops applying at shoppers' next cart update",
            "resume": "active again", "archive": "archived"}[action]
    flash(f"{info.name} is {done}.", "success")
    return redirect(safe_console_path(request.form.get("back"), url_for("console.campaign", campaign_id=campaign_id)))


@bp.post("/campaigns/<campaign_id>/duplicate")
@requires(Role.MARKETER)
def duplicate(campaign_id: str):
    engine = promo_engine()
    info = _campaign_or_404(campaign_id)
    taken = {c.id for c in engine.list_campaigns()}
    copy = dict(info.definition)
    copy["id"] = _free_id(f"{campaign_id}-copy", taken)
    copy["name"] = f"{info.name} (copy)"
    if copy.get("code"):
        # Public codes are unique across the store; the copy gets its own until someone renames it.
        copy["code"] = f"{copy['code']}-{copy['id'].rsplit('-', 1)[-1].upper()}"[:64]
    actor = current_user().actor
    try:
        created = engine.create_campaign(copy, actor=actor)
        # A copy starts paused, so it cannot apply to carts before someone has reviewed it.
        engine.set_campaign_status(created.id, "pause", actor=actor)
    except PromoError as error:
        flash(f"Could not duplicate: {error.message}", "error")
        return redirect(url_for("console.campaign", campaign_id=campaign_id))
    flash(f"Made {created.name}, paused. Review it, then resume it.", "success")
    return redirect(url_for("console.edit_campaign", campaign_id=created.id))


def _free_id(base: str, taken: set[str]) -> str:
    candidate, number = base[:58], 2
    while candidate in taken:
        candidate = f"{base[:58]}-{number}"
        number += 1
    return candidate


# ---- editors --------------------------------------------------------------------------------


def _render_editor(*, text: str, fmt: str, campaign_id: str | None, problems: list, status: int = 200):
    lines, unplaced = annotate(text, problems)
    return render_template("console/editor.html", text=text, fmt=fmt, campaign_id=campaign_id,
                           problems=in_line_order(problems), lines=lines, unplaced=unplaced), status


def _save_definition(text: str, campaign_id: str | None) -> tuple[CampaignInfo | None, list]:
    data, problems = decode(text)
    if problems:
        return None, problems
    engine = promo_engine()
    actor = current_user().actor
    try:
        if not isinstance(data, dict):
            raise InvalidRequest("a campaign definition must be a mapping of keys to values",
                                 details={"errors": [{"path": "", "message": "must be a mapping (key: value lines)"}]})
        if campaign_id is None:
            return engine.create_campaign(data, actor=actor), []
        return engine.update_campaign(campaign_id, data, actor=actor), []
    except NotFound:
        abort(404)
    except PromoError as error:
        errors = error.details.get("errors") or [{"path": "", "message": error.message}]
        return None, locate(text, errors)


@bp.route("/campaigns/<campaign_id>/edit", methods=["GET", "POST"])
def edit_campaign(campaign_id: str):
    info = _campaign_or_404(campaign_id)
    if request.method == "GET":
        fmt = request.args.get("format", "yaml")
        fmt = fmt if fmt in ("yaml", "json") else "yaml"
        return _render_editor(text=dump(dict(info.definition), fmt), fmt=fmt, campaign_id=campaign_id, problems=[])
    if not current_user().role.can_edit:
        abort(403)
    text = request.form.get("definition", "")
    fmt = request.form.get("format", "yaml")
    saved, problems = _save_definition(text, campaign_id)
    if saved is None:
        return _render_editor(text=text, fmt=fmt, campaign_id=campaign_id, problems=problems, status=422)
    flash(f"Saved {saved.name} (version {saved.version}).", "success")
    _warn_about_margin(saved)
    return redirect(url_for("console.campaign", campaign_id=campaign_id))


@bp.route("/campaigns/new/raw", methods=["GET", "POST"])
@requires(Role.MARKETER)
def new_raw_campaign():
    if request.method == "GET":
        starter = {"id": "my-campaign", "name": "My campaign", "kind": "promotion",
                   "effect": {"type": "percent_off_order", "percent": 10}}
        return _render_editor(text=dump(starter, "yaml"), fmt="yaml", campaign_id=None, problems=[])
    text = request.form.get("definition", "")
    saved, problems = _save_definition(text, None)
    if saved is None:
        return _render_editor(text=text, fmt=request.form.get("format", "yaml"), campaign_id=None,
                              problems=problems, status=422)
    flash(f"Created {saved.name}.", "success")
    _warn_about_margin(saved)
    return redirect(url_for("console.campaign", campaign_id=saved.id))


@bp.route("/campaigns/new", methods=["GET", "POST"])
@requires(Role.MARKETER)
def new_campaign():
    kind = request.values.get("kind", "public_code")
    if kind not in KINDS:
        kind = "public_code"
    if request.method == "GET":
        return _render_guided(empty_form(kind, **_store_money()))
    guided, definition = read_form(kind, request.form, **_store_money())
    if definition is not None:
        try:
            created = promo_engine().create_campaign(definition, actor=current_user().actor)
        except PromoError as error:
            place_engine_errors(guided, error.details.get("errors") or [{"path": "", "message": error.message}])
        else:
            flash(f"Created {created.name}.", "success")
            _warn_about_margin(created)
            return redirect(url_for("console.campaign", campaign_id=created.id))
    return _render_guided(guided, status=422)


@bp.route("/campaigns/<campaign_id>/edit/guided", methods=["GET", "POST"])
@requires(Role.MARKETER)
def edit_guided(campaign_id: str):
    info = _campaign_or_404(campaign_id)
    stored = form_from_definition(info.definition, **_store_money())
    if stored is None:
        flash("This campaign uses rules the form cannot show; edit its definition instead.", "info")
        return redirect(url_for("console.edit_campaign", campaign_id=campaign_id))
    if request.method == "GET":
        return _render_guided(stored, campaign_id=campaign_id)
    # The kind and id cannot change; they come from the stored campaign, not the form.
    guided, definition = read_form(stored.kind, {**request.form, "id": campaign_id}, **_store_money())
    if definition is not None:
        try:
            saved = promo_engine().update_campaign(campaign_id, definition, actor=current_user().actor)
        except PromoError as error:
            place_engine_errors(guided, error.details.get("errors") or [{"path": "", "message": error.message}])
        else:
            flash(f"Saved {saved.name} (version {saved.version}).", "success")
            _warn_about_margin(saved)
            return redirect(url_for("console.campaign", campaign_id=campaign_id))
    return _render_guided(guided, campaign_id=campaign_id, status=422)


def _store_money() -> dict[str, str]:
    """What the guided form types amounts in: the store's currency, read by its locale."""
    engine = promo_engine()
    return {"currency": engine.currency, "locale": engine.locale}


def _render_guided(guided: Any, *, campaign_id: str | None = None, status: int = 200):
    symbol = currency_symbol(guided.currency, guided.locale)
    return render_template("console/new_campaign.html", form=guided, kinds=KINDS, kind_help=KIND_HELP, symbol=symbol,
                           tier_rows=range(1, TIER_ROWS + 1), campaign_id=campaign_id, stacking=STACKING), status
