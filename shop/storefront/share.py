"""Promo banner images over HTTP, and share pages.

    GET /banners/<template>.png?<params>&sig=<hmac>   a PNG drawn by promo.banners
    GET /share/<code>                                 a public or referral code, ready to share

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
from promo.core.wording import effect_label, restrictions
from shop.storefront.model.product_names import name_products
from shop.storefront.model.sharing import remember_referral, shareable_code
from shop.storefront.model.showcase import catalogue_names
from shop.web.banner_links import banner_signing_key, offer_banner_url

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


@bp.get("/share/<code>")
def share(code: str) -> Any:
    shared = shareable_code(code)
    if shared is None:
        return _not_shareable()
    campaign = shared.campaign
    currency = campaign.currency or current_app.config["STORE_CURRENCY"]
    locale = current_app.config["STORE_LOCALE"]
    share_url = url_for("banners.share", code=shared.code, _external=True)
    banners = {
        template: offer_banner_url(campaign, shared.code, template=template, share_url=share_url, _external=True)
        for template, _ in SHARE_DOWNLOADS
    }
    referral = remember_referral(shared) if campaign.kind is c.Kind.REFERRAL else None
    names = catalogue_names()
    return render_template(
        "share.html",
        code=shared.code,
        campaign=campaign,
        label=name_products(effect_label(campaign.effect, currency, locale) if campaign.effect else campaign.name, names),
        restrictions=[name_products(r, names) for r in restrictions(campaign, currency, locale)],
        share_url=share_url,
        og_image=banners["og"],
        downloads=[(template, name, banners[template]) for template, name in SHARE_DOWNLOADS if banners[template]],
        is_referral=referral is not None,
        referral=referral,
    )
