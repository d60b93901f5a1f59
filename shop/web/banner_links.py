"""Signed banner URLs: the helpers templates, the storefront and the console use to link the
promo banners (PNG drawn by promo.banners, served by shop.storefront.share).

Links are made only by ``banner_url(...)``, which signs the parameters with a key derived from
SECRET_KEY, so nobody can print their own text on the brand.

Templates that hold a campaign rather than loose fields call
``offer_banner_url(campaign, code, template="square")``: it takes the discount (a number or
the offer in words), expiry and headline from the campaign, makes a banner for every offer,
automatic promotions included (code None), and gives None only when the text cannot be drawn.
``campaign_banner_url`` is the same but says why it cannot (the console shows the reason).
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask, current_app, url_for

from promo.banners import MAX_HEADLINE, BannerError, banner_discount, banner_params, get_template, signed_banner_query
from promo.core import campaign as c
from promo.core.timing import local
from shop.web.extensions import promo_engine

# Separates banner signatures from every other use of SECRET_KEY (sessions, CSRF).
_KEY_PURPOSE = b"promoshop banner urls v1"


def banner_signing_key(app: Flask | None = None) -> bytes:
    secret = (app or current_app).config["SECRET_KEY"]
    if not secret:
        raise RuntimeError("SECRET_KEY is empty; banner URLs cannot be signed")
    secret_bytes = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    return hmac.new(secret_bytes, _KEY_PURPOSE, hashlib.sha256).digest()


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


# --- Banners for campaigns ------------------------------------------------------------------


def last_valid_day(campaign: c.Campaign) -> date | None:
    """The last day the offer can be used, in its own time zone (an end at midnight belongs to
    the day before); None when it never ends."""
    if campaign.ends_at is None:
        return None
    return (local(campaign, campaign.ends_at) - timedelta(microseconds=1)).date()


def _headline(name: str) -> str:
    return name if len(name) <= MAX_HEADLINE else name[: MAX_HEADLINE - 1].rstrip() + "\u2026"


def is_shared_kind(campaign: c.Campaign) -> bool:
    """Public coupons and referral codes have share pages; other codes are someone's own."""
    return campaign.kind is c.Kind.REFERRAL or (campaign.kind is c.Kind.COUPON and campaign.visibility.listed)


def has_offer_page(campaign: c.Campaign) -> bool:
    """Listed automatic promotions open to everyone have a share page of their own
    (/share/offer/<id>); the page itself checks the offer is on the deals page now."""
    return (campaign.kind is c.Kind.PROMOTION and campaign.visibility.listed
            and campaign.visibility.audience is None)


def share_page_url(campaign: c.Campaign, code: str | None) -> str | None:
    """The absolute URL of the offer's share page, or None when it has none."""
    if code and is_shared_kind(campaign):
        return url_for("banners.share", code=code, _external=True)
    if not code and has_offer_page(campaign):
        return url_for("banners.share_offer", campaign_id=campaign.id, _external=True)
    return None


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
    campaign's own ``banner: {label}``. The QR code links to the offer's share page (public and
    referral codes, listed automatic promotions), otherwise to the store's home page.

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
        share_url = share_page_url(campaign, code) or url_for("storefront.home", _external=True)
    return banner_url(
        template, headline=_headline(campaign.name), code=code or None, expires_on=last_valid_day(campaign),
        share_url=share_url, first_name=first_name, locale=locale, _external=_external, **discount,
    )


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
