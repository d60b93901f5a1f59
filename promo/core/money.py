"""Money as integer minor units.

Every amount inside promo/ is an int of minor units (cents, satang, grosze). Decimal
appears only at the edges: parsing what a person typed and formatting for display.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    NumberFormatError,
    NumberPattern,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
    parse_pattern,
)


class MoneyError(ValueError):
    """A money value that cannot be represented or parsed."""


@lru_cache(maxsize=64)
def minor_exponent(currency: str) -> int:
    """Number of decimal places of the currency's minor unit (USD 2, JPY 0)."""
    return get_currency_precision(currency)


def round_half_up(value: Fraction) -> int:
    """Round an exact rational to the nearest int, halves away from zero."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    whole, remainder = divmod(magnitude.numerator, magnitude.denominator)
    if 2 * remainder >= magnitude.denominator:
        whole += 1
    return sign * whole


def percent_of(amount: int, percent: Decimal | Fraction | int) -> int:
    """`percent`% of `amount` minor units, rounded half-up at the minor unit."""
    ratio = percent if isinstance(percent, Fraction) else Fraction(percent)
    # round_half_up(amount * ratio / 100), in integers: no Fraction to normalise on the way.
    numerator, denominator = amount * ratio.numerator, ratio.denominator * 100
    whole, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        whole += 1
    return -whole if numerator < 0 else whole


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` across `weights` in proportion, summing exactly to `total`.

    Largest remainder method: every share is floored, then the leftover units go to
    the largest remainders, ties to the earlier position. When total <= sum(weights)
    no share exceeds its weight, so a discount split by line totals never pushes a
    line below zero.
    """
    if total < 0:
        raise MoneyError("cannot allocate a negative total")
    if not weights:
        return []
    if min(weights) < 0:
        raise MoneyError("cannot allocate over negative weights")
    if total == 0:
        return [0] * len(weights)
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise MoneyError("cannot allocate a positive total over zero weights")
    shares = [total * weight // weight_sum for weight in weights]
    leftover = total - sum(shares)
    if leftover:
        remainders = [total * weight % weight_sum for weight in weights]
        # Largest remainders first; sorted() is stable (reverse too), so ties keep line order.
        for index in sorted(range(len(weights)), key=remainders.__getitem__, reverse=True)[:leftover]:
            shares[index] += 1
    return shares


def to_minor(value: Decimal | int | str, currency: str) -> int:
    """Convert a major-unit decimal ("12.50") to minor units (1250), refusing sub-minor precision."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise MoneyError(f"{value!r} is not a number") from None
    if not amount.is_finite():
        raise MoneyError(f"{value!r} is not a finite amount")
    if amount.adjusted() >= MAX_TYPED_DIGITS:
        # Decimal's 28-digit context would round the scaled amount instead of keeping it.
        raise MoneyError(f"{value!r} is too large")
    scaled = amount.scaleb(minor_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(
            f"{value} has more decimals than {currency} allows ({minor_exponent(currency)})"
        )
    return int(scaled)


def to_major(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-minor_exponent(currency))


# Beyond this many digits a typed amount is a mistake, and Decimal's 28-digit context would round it.
MAX_TYPED_DIGITS = 15


def parse_typed_amount(text: str, currency: str, locale: str = "en_US") -> int:
    """An amount a person typed into a form ("49.99", "$1,250", "1,50" in a Polish store) as
    minor units of `currency`, read by the store locale's separators. Babel refuses what the
    locale cannot mean ("1,50" in en_US is neither 150 nor 1.50), so a mistyped price is an
    error instead of a hundred times the amount. MoneyError says why."""
    raw = text.strip()
    for mark in (currency_symbol(currency, locale), currency, "$"):
        if raw.startswith(mark) or raw.endswith(mark):
            raw = raw.removeprefix(mark).removesuffix(mark).strip()
            break
    decimal_mark, group_mark = get_decimal_symbol(locale), get_group_symbol(locale)
    if group_mark.isspace():
        raw = raw.replace(" ", group_mark)   # typed with the space bar, printed with a no-break space
    if not raw or any(not (ch.isascii() and ch.isdigit()) and ch not in (decimal_mark, group_mark) for ch in raw):
        # Digits and the locale's two marks only: no sign, exponent, NaN or another script's digits.
        raise MoneyError(f"{text.strip()!r} is not an amount like {format_decimal_example(locale)}")
    if sum(ch.isdigit() for ch in raw) > MAX_TYPED_DIGITS:
        raise MoneyError(f"{text.strip()!r} is too large")
    try:
        value = parse_decimal(raw, locale=locale, strict=True)
    except NumberFormatError as error:
        raise MoneyError(str(error)) from None
    return to_minor(value, currency)


def format_decimal_example(locale: str) -> str:
    return f"1{get_group_symbol(locale)}250{get_decimal_symbol(locale)}50"


@lru_cache(maxsize=64)
def currency_symbol(currency: str, locale: str = "en_US") -> str:
    """"$", "zł", "฿": what labels of amount fields show."""
    return get_currency_symbol(currency, locale)


def typed_amount(amount_minor: int, currency: str, locale: str = "en_US") -> str:
    """Minor units as a form field shows them for editing: 1000 USD -> "10", 1050 -> "10.50",
    1050 PLN in pl_PL -> "10,50", 500 JPY -> "500" (no symbol, no grouping: parse_typed_amount
    reads it back)."""
    major = to_major(amount_minor, currency)
    if major == major.to_integral_value():
        return str(int(major))
    return f"{major:f}".replace(".", get_decimal_symbol(locale))


@lru_cache(maxsize=64)
def _whole_pattern(locale: str) -> str:
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return pattern.replace(".00", "").replace(",00", "")


@lru_cache(maxsize=64)
def _compiled_format(locale: str, whole: bool) -> tuple[Locale, NumberPattern]:
    """The locale and its parsed currency pattern, looked up once rather than on every amount."""
    parsed = Locale.parse(locale)
    return parsed, (parse_pattern(_whole_pattern(locale)) if whole else parsed.currency_formats["standard"])


# Pages show the same prices again and again (a 20-line cart formats about 100 amounts per
# update); a formatted amount is remembered rather than run through Babel each time.
@lru_cache(maxsize=8192)
def format_money(
    amount_minor: int, currency: str, locale: str = "en_US", *, trim_zero_minor: bool = False
) -> str:
    """Format for people: 1250 USD en_US -> "$12.50"; with trim_zero_minor 1000 -> "$10".

    trim_zero_minor suits headlines and banners ("$10 OFF", "฿200 OFF", "50 zł"); totals keep
    their minor digits so columns line up.
    """
    major = to_major(amount_minor, currency)
    whole = trim_zero_minor and amount_minor % (10 ** minor_exponent(currency)) == 0
    parsed, pattern = _compiled_format(locale, whole)
    return pattern.apply(major, parsed, currency=currency, currency_digits=not whole)


@dataclass(frozen=True, order=True)
class Money:
    """An amount of one currency in minor units."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise MoneyError(f"money amounts are int minor units, got {self.amount!r}")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise MoneyError(f"{self.currency!r} is not an ISO 4217 currency code")

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def format(self, locale: str = "en_US", *, trim_zero_minor: bool = False) -> str:
        return format_money(self.amount, self.currency, locale, trim_zero_minor=trim_zero_minor)
