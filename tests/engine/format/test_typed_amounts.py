"""Amounts people type into the console's forms: read by the store's locale, never a hundred
times what was meant, and shown back for editing as they would be typed."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promo.core.money import MoneyError, parse_typed_amount, typed_amount

from .test_money_format import STORES


@pytest.mark.parametrize(("typed", "currency", "locale", "minor"), [
    ("49.99", "USD", "en_US", 4999),
    ("$1,250", "USD", "en_US", 125000),
    (" 16.00 ", "USD", "en_US", 1600),
    ("1,50", "PLN", "pl_PL", 150),
    ("1 250,50", "PLN", "pl_PL", 125050),       # typed with the space bar
    ("12,50 zł", "PLN", "pl_PL", 1250),
    ("฿200", "THB", "th_TH", 20000),
    ("500", "JPY", "ja_JP", 500),
])
def test_an_amount_is_read_by_the_stores_locale(typed, currency, locale, minor):
    assert parse_typed_amount(typed, currency, locale) == minor


@pytest.mark.parametrize(("typed", "currency", "locale", "why"), [
    ("1,50", "USD", "en_US", "Did you mean '150'"),   # was read as $150
    ("500.5", "JPY", "ja_JP", "more decimals than JPY allows"),
    ("-3", "USD", "en_US", "not an amount like 1,250.50"),
    ("1e5", "USD", "en_US", "not an amount like"),
    ("NaN", "USD", "en_US", "not an amount like"),
    ("\u0663", "USD", "en_US", "not an amount like"),  # an Arabic-Indic three
    ("", "USD", "en_US", "not an amount like"),
    ("9" * 40, "USD", "en_US", "too large"),
])
def test_what_the_locale_cannot_mean_is_refused_with_the_reason(typed, currency, locale, why):
    with pytest.raises(MoneyError, match=why):
        parse_typed_amount(typed, currency, locale)


@pytest.mark.parametrize(("currency", "locale"), STORES)
@given(amount=st.integers(0, 10**13))
def test_a_shown_amount_reads_back_as_itself(currency, locale, amount):
    assert parse_typed_amount(typed_amount(amount, currency, locale), currency, locale) == amount


def test_shown_for_editing_without_symbol_or_needless_digits():
    assert [typed_amount(1000, "USD"), typed_amount(1050, "USD"), typed_amount(500, "JPY"),
            typed_amount(1050, "PLN", "pl_PL")] == ["10", "10.50", "500", "10,50"]
