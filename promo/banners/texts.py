"""Words on a banner for a locale: the discount label, "Valid until ...", "For Anna", captions.

This is a formatting edge, so Babel is used here; amounts stay integer minor units until
promo.core.money.format_money turns them into text.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_percent, is_currency

from promo.core.money import format_money

from .errors import InvalidField
from .fonts import can_draw


@dataclass(frozen=True)
class Phrases:
    off: str
    valid_until: str
    for_name: str
    code_caption: str
    scan_hint: str
    # Automatic promotions: the caption over the code box, and the box's own words.
    automatic_caption: str
    no_code: str


ENGLISH = Phrases(
    off="{amount} OFF",
    valid_until="Valid until {date}",
    for_name="For {name}",
    code_caption="Use code",
    scan_hint="Scan to shop",
    automatic_caption="Applied in your cart",
    no_code="No code needed",
)

# Keyed by language. Thai is absent on purpose: the bundled font covers ฿ but not Thai
# script, so Thai-locale banners use the English words around Thai-formatted amounts.
PHRASES: dict[str, Phrases] = {
    "en": ENGLISH,
    "pl": Phrases(
        off="\u2212{amount}",
        valid_until="Ważny do {date}",
        for_name="Dla: {name}",
        code_caption="Kod rabatowy",
        scan_hint="Zeskanuj i kupuj",
        automatic_caption="Rabat naliczany w koszyku",
        no_code="Bez kodu",
    ),
    "de": Phrases(
        off="{amount} RABATT",
        valid_until="Gültig bis {date}",
        for_name="Für {name}",
        code_caption="Gutscheincode",
        scan_hint="Scannen & shoppen",
        automatic_caption="Automatisch im Warenkorb",
        no_code="Kein Code nötig",
    ),
    "fr": Phrases(
        off="\u2212{amount}",
        valid_until="Valable jusqu’au {date}",
        for_name="Pour {name}",
        code_caption="Code promo",
        scan_hint="Scannez pour acheter",
        automatic_caption="Appliqué dans le panier",
        no_code="Sans code",
    ),
    "es": Phrases(
        off="{amount} DTO.",
        valid_until="Válido hasta el {date}",
        for_name="Para {name}",
        code_caption="Código",
        scan_hint="Escanea para comprar",
        automatic_caption="Se aplica en el carrito",
        no_code="Sin código",
    ),
}


@lru_cache(maxsize=128)
def parse_locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise InvalidField(f"unknown locale {locale!r}; use a code like en_US or pl_PL") from None


def phrases_for(locale: str) -> Phrases:
    return PHRASES.get(parse_locale(locale).language, ENGLISH)


def percent_text(percent: int | Decimal, locale: str) -> str:
    """"20%", "12,5 %": a percent above 0 and at most 100, as the locale writes it."""
    value = Decimal(percent)
    if not Decimal(0) < value <= Decimal(100):
        raise InvalidField(f"percent must be above 0 and at most 100, got {percent}")
    return format_percent(value / 100, locale=str(parse_locale(locale)), decimal_quantization=False)


def amount_text(amount_minor: int, currency: str | None, locale: str) -> str:
    """"$10", "฿200", "50 zł": a positive amount in minor units, whole amounts without decimals."""
    if currency is None:
        raise InvalidField("an amount discount needs its currency")
    if not is_currency(currency):
        raise InvalidField(f"unknown currency {currency!r}")
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise InvalidField(f"amount must be a positive number of minor units, got {amount_minor}")
    return format_money(amount_minor, currency, str(parse_locale(locale)), trim_zero_minor=True)


def off_label(amount: str, locale: str) -> str:
    """The locale's "{amount} OFF" around a formatted amount, percent or range of them."""
    label = phrases_for(locale).off.format(amount=amount)
    if not can_draw(label):
        # Some locales format with digits or symbols the bundled font lacks.
        raise InvalidField(f"the {locale} discount label {label!r} cannot be drawn with the banner font")
    return label


def discount_label(
    locale: str,
    *,
    percent: int | Decimal | None = None,
    amount_minor: int | None = None,
    currency: str | None = None,
) -> str:
    """"20% OFF", "$10 OFF", "฿200 OFF", "−50 zł": give either percent or amount_minor + currency."""
    if (percent is None) == (amount_minor is None):
        raise InvalidField("a discount is either a percent or an amount, exactly one of them")
    if percent is not None:
        return off_label(percent_text(percent, locale), locale)
    return off_label(amount_text(amount_minor, currency, locale), locale)


def expiry_date_text(expires_on: date, locale: str) -> str:
    """The locale's medium date ("Dec 31, 2025", "31 gru 2025"), or ISO 8601 when the
    locale spells months in a script the bundled font cannot draw (Thai, for one)."""
    formatted = format_date(expires_on, format="medium", locale=str(parse_locale(locale)))
    return formatted if can_draw(formatted) else expires_on.isoformat()
