"""Percentages in integers give the cents docs/discount-policy.md "Money and rounding" promises:
P% of the amount rounded half-up once, whatever P's decimals and however large the amount, and
a split that adds up to the cent. The reference is plain Decimal arithmetic, ROUND_HALF_UP."""
from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import example, given, settings
from hypothesis import strategies as st

from promo.core.effects.percent_off_items import PercentOffItems
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.money import percent_of
from tests.support.applykit import benefit, line

SETTINGS = settings(max_examples=300, deadline=None)
ODD_PERCENTS = [Decimal(p) for p in ("12.5", "33.333", "0.01", "99.99", "66.6667", "0.001", "50", "100", "0")]
percents = st.one_of(
    st.sampled_from(ODD_PERCENTS),
    st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False),
)
amounts = st.one_of(st.integers(0, 10_000), st.integers(0, 10**12))


def reference(amount: int, percent: Decimal) -> int:
    with localcontext() as context:
        context.prec = 80   # exact for 10^12 cents times a four-place percent
        return int((Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@SETTINGS
@given(amount=amounts, percent=percents)
@example(amount=1999, percent=Decimal("12.5"))          # 249.875 -> 250
@example(amount=15, percent=Decimal("33.333"))          # 4.99995 -> 5
@example(amount=50, percent=Decimal("0.01"))            # 0.005 -> 1 (a half cent rounds up)
@example(amount=10**12, percent=Decimal("99.99"))
@example(amount=10**12 - 1, percent=Decimal("33.333"))
def test_a_percent_of_an_amount_is_the_decimal_result_rounded_half_up(amount, percent):
    assert percent_of(amount, percent) == reference(amount, percent)


line_items = st.lists(
    st.tuples(st.integers(0, 10**6), st.integers(1, 10**6)),   # unit price, quantity: up to 10^12 a line
    min_size=1, max_size=5,
)


@SETTINGS
@given(items=line_items, percent=percents)
@example(items=[(10**6, 10**6), (1, 1), (999_999, 3)], percent=Decimal("12.5"))
@example(items=[(333, 1), (333, 1), (333, 1)], percent=Decimal("10"))
def test_a_percent_off_the_order_rounds_once_and_splits_to_the_cent(items, percent):
    lines = [line(f"sku-{index}", price, quantity) for index, (price, quantity) in enumerate(items)]
    got = benefit(PercentOffOrder(percent), *lines)
    totals = [price * quantity for price, quantity in items]

    assert got.discount == reference(sum(totals), percent)
    assert sum(got.line_discounts) == got.discount
    assert all(0 <= share <= total for share, total in zip(got.line_discounts, totals, strict=True))


@SETTINGS
@given(items=line_items, percent=percents)
def test_a_percent_off_every_item_rounds_once_on_them_and_splits_to_the_cent(items, percent):
    lines = [line(f"sku-{index}", price, quantity) for index, (price, quantity) in enumerate(items)]
    got = benefit(PercentOffItems(percent), *lines)
    totals = [price * quantity for price, quantity in items]

    assert got.discount == reference(sum(totals), percent)
    assert sum(got.line_discounts) == got.discount
    assert all(0 <= share <= total for share, total in zip(got.line_discounts, totals, strict=True))
