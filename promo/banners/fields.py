"""What a banner says: validated at construction, so the renderer only sees drawable text."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .errors import InvalidField, UnsupportedCharacters
from .fonts import BOLD_FONT, REGULAR_FONT, missing_characters
from .texts import expiry_date_text, parse_locale, phrases_for

MAX_HEADLINE = 80
# An offer in words ("BUY 3, CHEAPEST FREE", "FREE STONEWARE MUG") runs to two lines; 32 bold
# capitals are what two lines of the narrowest discount box (og, 720 px) hold at a size still
# read as the banner's headline figure. tests/banners/test_banner_offers.py renders that worst case.
MAX_DISCOUNT = 32
MAX_CODE = 24
# Longer than any layout shows: names beyond the box are cut with an ellipsis when drawn.
MAX_FIRST_NAME = 60
# Keeps the QR code at 3+ px per module on the smallest built-in layout.
MAX_SHARE_URL = 200

_CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_URL_PATTERN = re.compile(r"https?://[!-~]+")


def check_text(name: str, value: object, limit: int) -> None:
    """Required, at most `limit` characters, nothing invisible, and every character drawable."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidField(f"{name} is required")
    if len(value) > limit:
        raise InvalidField(f"{name} is {len(value)} characters; the limit is {limit}")
    controls = [c for c in value if unicodedata.category(c).startswith("C")]
    if controls:
        raise InvalidField(f"{name} contains control or invisible characters: {controls!r}")
    missing = missing_characters(value, REGULAR_FONT) or missing_characters(value, BOLD_FONT)
    if missing:
        raise UnsupportedCharacters(
            f"{name} contains characters the banner font cannot draw: {''.join(missing)!r}"
        )


@dataclass(frozen=True)
class BannerFields:
    headline: str
    # "20% OFF" from texts.discount_label(), or an offer in words: "FREE SHIPPING", "3 FOR 2"
    discount: str
    code: str | None  # None: an automatic promotion, and the code box says no code is needed
    expires_on: date | None  # None: the offer never ends, and the banner says nothing about it
    share_url: str
    locale: str = "en_US"
    first_name: str | None = None

    def __post_init__(self) -> None:
        check_text("headline", self.headline, MAX_HEADLINE)
        check_text("discount", self.discount, MAX_DISCOUNT)
        if self.code is not None:
            if not isinstance(self.code, str) or not _CODE_PATTERN.fullmatch(self.code):
                raise InvalidField("code is letters, digits, '.', '_' and '-', starting with a letter or digit")
            if len(self.code) > MAX_CODE:
                raise InvalidField(f"code is {len(self.code)} characters; the limit is {MAX_CODE}")
        if self.expires_on is not None and not isinstance(self.expires_on, date):
            raise InvalidField("expiry must be a date")
        if not isinstance(self.share_url, str) or not _URL_PATTERN.fullmatch(self.share_url):
            raise InvalidField("share URL must be an http(s) URL without spaces")
        if len(self.share_url) > MAX_SHARE_URL:
            raise InvalidField(
                f"share URL is {len(self.share_url)} characters; the limit is {MAX_SHARE_URL}"
            )
        parse_locale(self.locale)
        if self.first_name is not None:
            check_text("first name", self.first_name, MAX_FIRST_NAME)

    def texts(self) -> dict[str, str]:
        """Text for each layout field (templates.TEXT_FIELDS); "name" only for personal codes."""
        phrases = phrases_for(self.locale)
        texts = {
            "headline": self.headline,
            "discount": self.discount,
            "code_caption": phrases.code_caption if self.code is not None else phrases.automatic_caption,
            "scan_hint": phrases.scan_hint,
        }
        if self.expires_on is not None:
            texts["expiry"] = phrases.valid_until.format(date=expiry_date_text(self.expires_on, self.locale))
        if self.first_name is not None:
            texts["name"] = phrases.for_name.format(name=self.first_name.strip())
        return texts

    def code_box_text(self) -> str:
        """What the code box shows: the code, or the locale's "No code needed"."""
        return self.code if self.code is not None else phrases_for(self.locale).no_code
