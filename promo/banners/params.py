"""Banner requests as flat string parameters (a URL query), both directions.

The web layer builds a signed query with `signed_banner_query(...)` when it links a banner,
and turns an incoming query back into a template and fields with `banner_request_from_query`,
which raises BadSignature (403) before it looks at anything else, then BannerError (400).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .errors import BadSignature, InvalidField
from .fields import MAX_DISCOUNT, BannerFields, check_text
from .signing import sign_params, verify
from .templates import Template, get_template
from .texts import discount_label

SIGNATURE_PARAM = "sig"
REQUIRED_PARAMS = frozenset({"template", "headline", "url"})
# Without "code" the banner is for an automatic promotion and says no code is needed.
OPTIONAL_PARAMS = frozenset({"code", "expires", "locale", "name", "percent", "amount", "currency", "offer"})
# The discount is one of these: a number the banner formats, or an offer in words.
DISCOUNT_PARAMS = ("percent", "amount", "offer")
# A cap before any parsing, so a huge value costs nothing; field limits are stricter.
MAX_PARAM_LENGTH = 256
MAX_AMOUNT_MINOR = 10**9

_PERCENT = re.compile(r"\d{1,3}(\.\d{1,2})?")
_AMOUNT = re.compile(r"[1-9]\d{0,9}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class BannerRequest:
    template: Template
    fields: BannerFields


def _single_values(query: Mapping[str, str | Sequence[str]]) -> dict[str, str]:
    """Accepts plain dicts and multi-value forms (request.args.to_dict(flat=False)); a repeated
    key is refused, or a forger could append a second value that the signature never saw."""
    params: dict[str, str] = {}
    for key, value in query.items():
        if isinstance(value, (list, tuple)):
            if len(value) != 1:
                raise BadSignature(f"parameter {key!r} is repeated")
            value = value[0]
        params[key] = value
    return params


def _discount(params: Mapping[str, str], locale: str) -> str:
    given = [key for key in DISCOUNT_PARAMS if key in params]
    if len(given) != 1:
        raise InvalidField("give exactly one of 'percent', 'amount' (+ 'currency') or 'offer'")
    if "offer" in params:
        offer = params["offer"]
        check_text("offer", offer, MAX_DISCOUNT)
        return offer
    if "percent" in params:
        percent = params["percent"]
        if not _PERCENT.fullmatch(percent):
            raise InvalidField(f"percent {percent!r} is not a number like 20 or 12.5")
        return discount_label(locale, percent=Decimal(percent))
    amount = params["amount"]
    if not _AMOUNT.fullmatch(amount) or int(amount) > MAX_AMOUNT_MINOR:
        raise InvalidField(f"amount {amount!r} is not a whole number of minor units up to {MAX_AMOUNT_MINOR}")
    currency = params.get("currency")
    if currency is None or not re.fullmatch(r"[A-Z]{3}", currency):
        raise InvalidField("an amount needs a 'currency' such as USD, THB or PLN")
    return discount_label(locale, amount_minor=int(amount), currency=currency)


def _expiry(value: str) -> date:
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidField(f"expires {value!r} is not a date like 2025-12-31") from None


def parse_banner_params(params: Mapping[str, str]) -> BannerRequest:
    """Validate unsigned parameters into a template and fields (BannerError on any problem)."""
    unknown = set(params) - REQUIRED_PARAMS - OPTIONAL_PARAMS
    if unknown:
        raise InvalidField(f"unknown parameters: {', '.join(sorted(unknown))}")
    missing = REQUIRED_PARAMS - set(params)
    if missing:
        raise InvalidField(f"missing parameters: {', '.join(sorted(missing))}")
    for key, value in params.items():
        if not isinstance(value, str):
            raise InvalidField(f"parameter {key!r} must be text")
        if len(value) > MAX_PARAM_LENGTH:
            raise InvalidField(f"parameter {key!r} is longer than {MAX_PARAM_LENGTH} characters")
    template = get_template(params["template"])
    locale = params.get("locale", "en_US")
    fields = BannerFields(
        headline=params["headline"],
        discount=_discount(params, locale),
        code=params.get("code"),
        expires_on=_expiry(params["expires"]) if "expires" in params else None,
        share_url=params["url"],
        locale=locale,
        first_name=params.get("name"),
    )
    return BannerRequest(template, fields)


def banner_request_from_query(
    query: Mapping[str, str | Sequence[str]], secret: bytes
) -> BannerRequest:
    """Check the signature (BadSignature -> 403), then validate (BannerError -> 400)."""
    params = _single_values(query)
    signature = params.pop(SIGNATURE_PARAM, None)
    if signature is None:
        raise BadSignature("banner parameters are not signed")
    if not verify(params, signature, secret):
        raise BadSignature("banner signature does not match its parameters")
    return parse_banner_params(params)


def banner_params(
    template: str,
    *,
    headline: str,
    code: str | None,
    expires_on: date | None,
    share_url: str,
    locale: str = "en_US",
    percent: int | Decimal | None = None,
    amount_minor: int | None = None,
    currency: str | None = None,
    offer: str | None = None,
    first_name: str | None = None,
) -> dict[str, str]:
    """Parameters for a banner, validated now so a bad link fails when it is made, not when
    someone opens it. The discount is exactly one of `percent`, `amount_minor` (+ `currency`)
    or `offer`, an offer in words ("FREE SHIPPING"); `code` None makes a banner for an
    automatic promotion."""
    params = {
        "template": template,
        "headline": headline,
        "url": share_url,
        "locale": locale,
    }
    if code is not None:
        params["code"] = code
    if expires_on is not None:
        params["expires"] = expires_on.isoformat()
    if percent is not None:
        params["percent"] = str(percent)
    if amount_minor is not None:
        params["amount"] = str(amount_minor)
    if currency is not None:
        params["currency"] = currency
    if offer is not None:
        params["offer"] = offer
    if first_name is not None:
        params["name"] = first_name
    parse_banner_params(params)
    return params


def signed_banner_query(params: Mapping[str, str], secret: bytes) -> dict[str, str]:
    """`params` plus their signature, ready for url_for(..., **query)."""
    return {**params, SIGNATURE_PARAM: sign_params(params, secret)}

