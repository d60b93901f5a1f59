"""format_money keeps Babel's wording for every currency and locale the store can be set to, now
that it applies a pattern parsed once and remembers what it formatted."""
from __future__ import annotations

import pytest
from babel.numbers import format_currency
from hypothesis import given, settings
from hypothesis import strategies as st

from promo.core.money import _whole_pattern, format_money, minor_exponent, to_major

STORES = [("USD", "en_US"), ("THB", "th_TH"), ("PLN", "pl_PL"), ("JPY", "ja_JP"), ("EUR", "de_DE"),
          ("GBP", "en_GB"), ("BHD", "ar_BH"), ("CHF", "de_CH"), ("INR", "hi_IN")]


def babel_wording(amount: int, currency: str, locale: str, trim_zero_minor: bool) -> str:
    """What format_money said when it called Babel for every amount."""
    major = to_major(amount, currency)
    if trim_zero_minor and amount % (10 ** minor_exponent(currency)) == 0:
        return format_currency(major, currency, format=_whole_pattern(locale), locale=locale, currency_digits=False)
    return format_currency(major, currency, locale=locale)


@pytest.mark.parametrize("currency, locale", STORES)
@settings(max_examples=150, deadline=None)
@given(amount=st.one_of(st.integers(-10**12, 10**12), st.integers(-1000, 1000).map(lambda n: n * 100)),
       trim_zero_minor=st.booleans())
def test_amounts_read_as_babel_words_them(currency: str, locale: str, amount: int, trim_zero_minor: bool):
    expected = babel_wording(amount, currency, locale, trim_zero_minor)

    assert format_money(amount, currency, locale, trim_zero_minor=trim_zero_minor) == expected
    # Asked again (now remembered), the same words.
    assert format_money(amount, currency, locale, trim_zero_minor=trim_zero_minor) == expected


def test_examples():
    assert format_money(1250, "USD") == "$12.50"
    assert format_money(1000, "USD", trim_zero_minor=True) == "$10"
    assert format_money(20000, "THB", "th_TH", trim_zero_minor=True) == "฿200"
    assert format_money(5000, "PLN", "pl_PL", trim_zero_minor=True) == "50\xa0zł"
