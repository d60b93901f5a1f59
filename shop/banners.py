"""Promo banner images over HTTP, the helpers templates use to link them, and share pages.

    GET /banners/<template>.png?<params>&sig=<hmac>   a PNG drawn by promo.banners
    GET /share/<code>                                 a public or referral code, ready to share

Links are made only by ``banner_url(...)``, which signs the parameters with a key derived from
SECRET_KEY, so nobody can print their own text on the brand. A URL names its content exactly
(same parameters, same pixels), so responses are cached for a year and marked immutable; the
ETag is the renderer's content key, so a revalidation is answered with 304 before anything is
drawn or read from disk.

Templates that hold a campaign rather than loose fields call
``offer_banner_url(campaign, code, template="square")``: it takes the discount (a number or
the offer in words), expiry and headline from the campaign, makes a banner for every offer,
automatic promotions included (code None), and gives None only when the text cannot be drawn.
``campaign_banner_url`` is the same but says why it cannot (the console shows the reason).
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request, session, url_for
from flask.sansio.blueprints import BlueprintSetupState

from promo.core import campaign as c
from promo.banners import (
    MAX_HEADLINE,
    BadSignature,
    BannerCache,
    BannerError,
    banner_discount,
    banner_params,
    banner_request_from_query,
    get_template,
    signed_banner_query,
)
from promo.core.codes import MAX_CODE_LENGTH, normalise_code
from promo.core.wording import effect_label, restrictions
from promo.core.errors import NotFound
from promo.core.records import CampaignStatus, CodeStatus
from promo.core.timing import local
from shop import cart_state
from shop.account import current_customer_id
from shop.extensions import promo_engine

bp = Blueprint("banners", __name__)

CACHE_EXTENSION = "promoshop.banner_cache"
IMMUTABLE = "public, max-age=31536000, immutable"
# Separates banner signatures from every other use of SECRET_KEY (sessions, CSRF).
_KEY_PURPOSE = b"promoshop banner urls v1"


@bp.record_once
def _create_cache(state: BlueprintSetupState) -> None:
    app = state.app
    directory = app.config.get("BANNER_CACHE_DIR") or Path(app.instance_path) / "banners"
    app.extensions[CACHE_EXTENSION] = BannerCache(directory)


def banner_cache(app: Flask | None = None) -> BannerCache:
    """The app's one disk cache of rendered banners (BANNER_CACHE_DIR, default instance/banners)."""
    return (app or current_app).extensions[CACHE_EXTENSION]


def banner_signing_key(app: Flask | None = None) -> bytes:
    secret = (app or current_app).config["SECRET_KEY"]
    if not secret:
        raise RuntimeError("SECRET_KEY is empty; banner URLs cannot be signed")
    secret_bytes = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    return hmac.new(secret_bytes, _KEY_PURPOSE, hashlib.sha256).digest()


@bp.app_template_global()
def banner_url(
    template: str,
    *,
    headline: str,
    code: str | None,
    expires_on: date | None,
    share_url: str,
    percent: int | Decimal | None = None,
    amount_minor: int | None = None,
    currency: str | None = None,
    offer: str | None = None,
    first_name: str | None = None,
    locale: str | None = None,
    _external: bool = False,
) -> str:
    """A signed URL of a banner PNG. Give exactly one of ``percent``, ``amount_minor`` (with
    ``currency``) or ``offer`` (the offer in words, "FREE SHIPPING"); ``code`` None for an
    automatic promotion. ``locale`` defaults to STORE_LOCALE. Raises promo.banners.BannerError
    now if the banner could not be drawn (too long, unknown template, ...), not when someone
    opens it."""
    params = banner_params(
        template,
        headline=headline,
        code=code,
        expires_on=expires_on,
        share_url=share_url,
        locale=locale or current_app.config["STORE_LOCALE"],
        percent=percent,
        amount_minor=amount_minor,
        currency=currency,
        offer=offer,
        first_name=first_name,
    )
    query = signed_banner_query(params, banner_signing_key())
    # The template is signed like every other parameter but travels in the path.
    name = query.pop("template")
    return url_for("banners.banner_image", template=name, _external=_external, **query)


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


# --- Banners for campaigns ------------------------------------------------------------------


def last_valid_day(campaign: c.Campaign) -> date | None:
    """The last day the offer can be used, in its own time zone (an end at midnight belongs to
    the day before); None when it never ends."""
    if campaign.ends_at is None:
        return None
    return (local(campaign, campaign.ends_at) - timedelta(microseconds=1)).date()


def _headline(name: str) -> str:
    return name if len(name) <= MAX_HEADLINE else name[: MAX_HEADLINE - 1].rstrip() + "\u2026"


def _is_shared_kind(campaign: c.Campaign) -> bool:
    """Public coupons and referral codes have share pages; other codes are someone's own."""
    return campaign.kind is c.Kind.REFERRAL or (campaign.kind is c.Kind.COUPON and campaign.visibility.listed)


def campaign_banner_url(
    campaign: c.Campaign | str,
    code: str | None,
    *,
    template: str = "square",
    first_name: str | None = None,
    share_url: str | None = None,
    _external: bool = False,
) -> str:
    """A signed banner URL for ``code`` of ``campaign`` (a Campaign, or its id as views carry
    it); ``code`` None for an automatic promotion, whose banner says no code is needed.

    The discount box states the offer: "20% OFF" for one fixed number, else the offer in words
    ("UP TO 15% OFF", "FREE CANVAS TOTE", "$5–$10 OFF"; promo.banners.labels), or the
    campaign's own ``banner: {label}``. The QR code links to the code's share page for public
    and referral codes, otherwise to the store's home page.

    Raises promo.banners.BannerError, with a message for the marketer, when no banner can be
    drawn: a campaign without an offer (gift cards, loyalty), or text the banner refuses (a
    code or label too long, characters the font lacks)."""
    get_template(template)  # an unknown template name is a bug in the caller: let it raise
    if isinstance(campaign, str):
        campaign = promo_engine().load_campaign(campaign)
    locale = current_app.config["STORE_LOCALE"]
    currency = campaign.currency or current_app.config["STORE_CURRENCY"]
    discount = banner_discount(campaign, currency, locale)
    if share_url is None:
        share_url = (
            url_for("banners.share", code=code, _external=True)
            if code and _is_shared_kind(campaign)
            else url_for("storefront.home", _external=True)
        )
    return banner_url(
        template, headline=_headline(campaign.name), code=code or None, expires_on=last_valid_day(campaign),
        share_url=share_url, first_name=first_name, locale=locale, _external=_external, **discount,
    )


@bp.app_template_global()
def offer_banner_url(campaign: c.Campaign | str, code: str | None, **options: Any) -> str | None:
    """``campaign_banner_url`` (same options) for templates: every offer a shopper may see gets
    a banner, with or without a code; None (logged) only when it cannot be drawn, so a page
    shows no download button rather than failing."""
    try:
        return campaign_banner_url(campaign, code, **options)
    except BannerError as error:
        campaign_id = campaign if isinstance(campaign, str) else campaign.id
        current_app.logger.info("no banner for %s of %s: %s", code, campaign_id, error)
        return None


# --- Share pages ----------------------------------------------------------------------------

SHARE_DOWNLOADS = (("square", "Square post"), ("story", "Story"), ("og", "Wide"))


@dataclass(frozen=True)
class SharedCode:
    code: str
    campaign: c.Campaign
    holder_id: str | None   # the advocate, for a referral code


def shareable_code(raw_code: str) -> SharedCode | None:
    """The code and its campaign if the share page may show them, else None.

    Only live codes of live campaigns, and only public listed coupons or referral codes that
    were given to an advocate. Bulk and personal codes never get a page, so the page cannot
    confirm that someone else's code exists (nor serve as a way to test guessed codes).
    """
    if not raw_code or len(raw_code) > MAX_CODE_LENGTH:
        return None
    engine = promo_engine()
    try:
        info = engine.get_code(raw_code)
        campaign_status = engine.get_campaign(info.campaign_id).status
        campaign = engine.load_campaign(info.campaign_id)
    except NotFound:
        return None
    if info.status != CodeStatus.ACTIVE or campaign_status != CampaignStatus.ACTIVE:
        return None
    if campaign.ends_at is not None and engine.now() >= campaign.ends_at:
        return None
    if campaign.kind is c.Kind.REFERRAL:
        shareable = info.holder_id is not None
    else:
        is_public_code = info.holder_id is None and info.code == normalise_code(campaign.code or "")
        shareable = _is_shared_kind(campaign) and is_public_code
    return SharedCode(info.code, campaign, info.holder_id) if shareable else None


def remember_referral(shared: SharedCode) -> str:
    """Put a referral code in the visitor's cart, so checkout applies it without typing.

    Returns what happened: "saved", "full" (the cart has no room for another code) or "own"
    (the advocate opened their own link; it is theirs to share, not to use).
    """
    if shared.holder_id is not None and shared.holder_id == current_customer_id():
        return "own"
    cart = cart_state.load(session)
    if shared.code in cart.codes:
        return "saved"
    try:
        cart_state.save(session, cart_state.with_code(cart, shared.code))
    except cart_state.CartInputError:
        return "full"
    return "saved"


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
    return render_template(
        "share.html",
        code=shared.code,
        campaign=campaign,
        label=effect_label(campaign.effect, currency, locale) if campaign.effect else campaign.name,
        restrictions=restrictions(campaign, currency, locale),
        share_url=share_url,
        og_image=banners["og"],
        downloads=[(template, name, banners[template]) for template, name in SHARE_DOWNLOADS if banners[template]],
        is_referral=referral is not None,
        referral=referral,
    )
