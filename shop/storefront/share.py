"""Promo banner images over HTTP, and share pages.

    GET /banners/<template>.png?<params>&sig=<hmac>   a PNG drawn by promo.banners
    GET /share/<code>                                 a public or referral code, ready to share
    GET /share/offer/<campaign_id>                    an automatic promotion on the deals page

Links are signed by shop.web.banner_links. A URL names its content exactly (same parameters,
same pixels), so responses are cached for a year and marked immutable; the ETag is the
renderer's content key, so a revalidation is answered with 304 before anything is drawn or read
from disk.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from flask.sansio.blueprints import BlueprintSetupState

from promo.banners import BadSignature, BannerCache, BannerError, banner_request_from_query
from promo.core import campaign as c
from promo.core.timing import availability
from promo.core.wording import effect_label, restrictions
from shop.storefront.model.product_names import name_products
from shop.storefront.model.sharing import remember_referral, shareable_code
from shop.storefront.model.showcase import campaigns_by_id, catalogue_names, public_deals
from shop.web.banner_links import banner_signing_key, offer_banner_url
from shop.web.extensions import promo_engine

bp = Blueprint("banners", __name__)

CACHE_EXTENSION = "promoshop.banner_cache"
IMMUTABLE = "public, max-age=31536000, immutable"


@bp.record_once
def _create_cache(state: BlueprintSetupState) -> None:
    app = state.app
    directory = app.config.get("BANNER_CACHE_DIR") or Path(app.instance_path) / "banners"
    app.extensions[CACHE_EXTENSION] = BannerCache(directory)


def banner_cache(app: Flask | None = None) -> BannerCache:
    """The app's one disk cache of rendered banners (BANNER_CACHE_DIR, default instance/banners)."""
    return (app or current_app).extensions[CACHE_EXTENSION]


def _refusal(status: int, message: str) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")
    response.cache_control.no_store = True
    return response


@bp.get("/banners/<template>.png")
def banner_image(template: str) -> Response:
    query = request.args.to_dict(flat=False)
    if "template" in query:
        return _refusal(400, "the banner template belongs in the path, not the query")
    query["template"] = [template]
    try:
        banner = banner_request_from_query(query, banner_signing_key())
    except BadSignature as error:
        return _refusal(403, f"Forbidden: {error}.")
    except BannerError as error:
        return _refusal(400, f"Bad banner request: {error}.")

    cache = banner_cache()
    etag = cache.etag_for(banner.template, banner.fields)
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        png, etag = cache.get_or_render(banner.template, banner.fields)
        response = Response(png, mimetype="image/png")
    response.set_etag(etag)
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- Share pages ----------------------------------------------------------------------------

SHARE_DOWNLOADS = (("square", "Square post"), ("story", "Story"), ("og", "Wide"))


def _not_shareable() -> tuple[str, int]:
    # One answer for unknown, disabled, ended and private codes alike.
    page = render_template(
        "error.html", status=404, title="This offer isn't available",
        message="The offer may have ended, or the link may be mistyped.",
    )
    return page, 404


def as_sentences(parts: list[str]) -> str:
    """Preview text from phrases that may or may not end in a full stop ("Minimum spend $50",
    "Add any brewing gear to get a free tote.", a store named "Arabica & Co."): one stop each."""
    return " ".join(part if part.endswith((".", "!", "?")) else part + "." for part in parts if part)


def _banners(campaign: c.Campaign, code: str | None, share_url: str) -> dict[str, str | None]:
    return {
        template: offer_banner_url(campaign, code, template=template, share_url=share_url, _external=True)
        for template, _ in SHARE_DOWNLOADS
    }


@bp.get("/share/<code>")
def share(code: str) -> Any:
    shared = shareable_code(code)
    if shared is None:
        return _not_shareable()
    campaign = shared.campaign
    currency = campaign.currency or current_app.config["STORE_CURRENCY"]
    locale = current_app.config["STORE_LOCALE"]
    share_url = url_for("banners.share", code=shared.code, _external=True)
    banners = _banners(campaign, shared.code, share_url)
    referral = remember_referral(shared) if campaign.kind is c.Kind.REFERRAL else None
    names = catalogue_names()
    store = current_app.config["STORE_NAME"]
    terms = [name_products(r, names) for r in restrictions(campaign, currency, locale)]
    summary = f"A friend invited you to {store}" if referral else f"Use code {shared.code} at {store}"
    return render_template(
        "share.html",
        code=shared.code,
        campaign=campaign,
        label=name_products(effect_label(campaign.effect, currency, locale) if campaign.effect else campaign.name, names),
        restrictions=terms,
        description=as_sentences([summary, *terms]),
        share_url=share_url,
        file_stem=shared.code.lower(),
        og_image=banners["og"],
        downloads=[(template, name, banners[template]) for template, name in SHARE_DOWNLOADS if banners[template]],
        is_referral=referral is not None,
        referral=referral,
    )


@bp.get("/share/offer/<campaign_id>")
def share_offer(campaign_id: str) -> Any:
    """An automatic promotion's share page: exactly the promotions the deals page lists (live,
    listed, open to everyone), with the offer in words and a way to the shop instead of a code."""
    deal = next((v for v in public_deals() if v.campaign_id == campaign_id and v.kind == "auto"), None)
    if deal is None:
        return _not_shareable()
    campaign = campaigns_by_id([campaign_id])[campaign_id]
    engine = promo_engine()
    share_url = url_for("banners.share_offer", campaign_id=campaign_id, _external=True)
    banners = _banners(campaign, None, share_url)
    store = current_app.config["STORE_NAME"]
    return render_template(
        "share.html",
        code=None,
        campaign=campaign,
        label=deal.label,
        restrictions=list(deal.all_restrictions),
        when=availability(campaign, engine.now(), engine.locale),
        description=as_sentences([f"No code needed: it applies by itself in your cart at {store}",
                                  *deal.all_restrictions]),
        share_url=share_url,
        file_stem=campaign_id,
        og_image=banners["og"],
        downloads=[(template, name, banners[template]) for template, name in SHARE_DOWNLOADS if banners[template]],
        is_referral=False,
        referral=None,
    )
