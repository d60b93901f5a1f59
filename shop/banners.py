"""Promo banner images over HTTP, and the ``banner_url`` helper templates use to link them.

    GET /banners/<template>.png?<params>&sig=<hmac>   a PNG drawn by promo.banners

Links are made only by ``banner_url(...)``, which signs the parameters with a key derived from
SECRET_KEY, so nobody can print their own text on the brand. A URL names its content exactly
(same parameters, same pixels), so responses are cached for a year and marked immutable; the
ETag is the renderer's content key, so a revalidation is answered with 304 before anything is
drawn or read from disk.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, request, url_for
from flask.sansio.blueprints import BlueprintSetupState

from promo.banners import (
    BadSignature,
    BannerCache,
    BannerError,
    banner_params,
    banner_request_from_query,
    signed_banner_query,
)

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
    code: str,
    expires_on: date,
    share_url: str,
    percent: int | Decimal | None = None,
    amount_minor: int | None = None,
    currency: str | None = None,
    first_name: str | None = None,
    locale: str | None = None,
    _external: bool = False,
) -> str:
    """A signed URL of a banner PNG. Give exactly one of ``percent`` or ``amount_minor`` (with
    ``currency``). ``locale`` defaults to STORE_LOCALE. Raises promo.banners.BannerError now if
    the banner could not be drawn (too long, unknown template, ...), not when someone opens it."""
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
