"""Promo banner images: templates described as data, one Pillow renderer, signed parameters
and an on-disk cache. No Flask here; the web layer calls these.

A campaign's discount box comes from labels.banner_discount(campaign, currency, locale): a
number ("20% OFF") or the offer in words ("UP TO 15% OFF", "FREE SHIPPING").

Typical web use:
    query = signed_banner_query(banner_params("og", headline=..., code=..., percent=20, ...), secret)
    ... later, on GET /banners/<...>.png:
    request = banner_request_from_query(request.args.to_dict(flat=False), secret)
        # BadSignature -> 403, BannerError -> 400
    png, etag = cache.get_or_render(request.template, request.fields)
"""
from .cache import BannerCache, banner_key
from .errors import BadSignature, BannerError, InvalidField, UnknownTemplate, UnsupportedCharacters
from .fields import MAX_CODE, MAX_DISCOUNT, MAX_FIRST_NAME, MAX_HEADLINE, MAX_SHARE_URL, BannerFields
from .fonts import BOLD_FONT, REGULAR_FONT, can_draw, missing_characters
from .labels import banner_discount, offer_label
from .params import (
    SIGNATURE_PARAM,
    BannerRequest,
    banner_params,
    banner_request_from_query,
    parse_banner_params,
    signed_banner_query,
)
from .render import RENDERER_VERSION, fitted_texts, render_banner, render_image
from .signing import sign_params, verify
from .templates import (
    ARABICA,
    LAYOUTS,
    TEMPLATES,
    CodeChip,
    Layout,
    Logo,
    Palette,
    QrCode,
    Shape,
    Template,
    Text,
    Theme,
    get_template,
)
from .texts import discount_label, expiry_date_text

__all__ = [
    "ARABICA",
    "BOLD_FONT",
    "LAYOUTS",
    "MAX_CODE",
    "MAX_DISCOUNT",
    "MAX_FIRST_NAME",
    "MAX_HEADLINE",
    "MAX_SHARE_URL",
    "REGULAR_FONT",
    "RENDERER_VERSION",
    "SIGNATURE_PARAM",
    "TEMPLATES",
    "BadSignature",
    "BannerCache",
    "BannerError",
    "BannerFields",
    "BannerRequest",
    "CodeChip",
    "InvalidField",
    "Layout",
    "Logo",
    "Palette",
    "QrCode",
    "Shape",
    "Template",
    "Text",
    "Theme",
    "UnknownTemplate",
    "UnsupportedCharacters",
    "banner_discount",
    "banner_key",
    "banner_params",
    "banner_request_from_query",
    "can_draw",
    "discount_label",
    "expiry_date_text",
    "fitted_texts",
    "get_template",
    "missing_characters",
    "offer_label",
    "parse_banner_params",
    "render_banner",
    "render_image",
    "sign_params",
    "signed_banner_query",
    "verify",
]
