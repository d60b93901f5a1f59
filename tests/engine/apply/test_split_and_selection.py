"""The two building blocks every effect shares, against their definitions (hypothesis):

- `allocate` is the largest remainder method of docs/discount-policy.md "Money and rounding":
  each share is its exact proportion floored, and the cents left go one each to the largest
  remainders, ties to the earlier line;
- `Facts.matching` is the lines a selection matches (`ItemSelector.matches`), in line order,
  however it finds them (a selection naming a few SKUs or categories is looked up by the
  lines' keys rather than by asking every line).
"""
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promo.core.campaign import ItemSelector
from promo.core.domain import CartLine
from promo.core.money import MoneyError, allocate
from tests.support.applykit import facts_of

SETTINGS = settings(max_examples=300, deadline=None)


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    exact = [Fraction(total * weight, sum(weights)) for weight in weights]
    shares = [int(share) for share in exact]   # floored: every share is >= 0
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for index in by_remainder[:total - sum(shares)]:
        shares[index] += 1
    return shares


@SETTINGS
@given(weights=st.lists(st.one_of(st.integers(0, 60), st.integers(0, 10**9)), min_size=1, max_size=25)
       .filter(lambda ws: sum(ws) > 0),
       data=st.data())
def test_allocate_is_the_largest_remainder_split(weights, data):
    total = data.draw(st.one_of(st.integers(0, 2 * sum(weights)), st.integers(0, 100)))
    shares = allocate(total, weights)
    assert shares == largest_remainder(total, weights)
    assert sum(shares) == total


def test_allocate_refuses_what_has_no_split():
    assert allocate(0, [0, 0]) == [0, 0]
    assert allocate(5, []) == []
    with pytest.raises(MoneyError):
        allocate(-1, [1])
    with pytest.raises(MoneyError):
        allocate(0, [3, -1])
    with pytest.raises(MoneyError):
        allocate(1, [0, 0])


SKUS = ["s1", "s2", "s3", "s4"]
NAMES = ["coffee", "gear", "tea"]
names = st.frozensets(st.sampled_from(NAMES), max_size=2)

selections = st.builds(
    ItemSelector,
    skus=st.frozensets(st.sampled_from([*SKUS, "absent"]), max_size=3),
    categories=names,
    collections=names,
    exclude_skus=st.frozensets(st.sampled_from(SKUS), max_size=1),
    max_unit_price=st.one_of(st.none(), st.integers(0, 3000)),
)
carts = st.lists(
    st.builds(CartLine, sku=st.sampled_from(SKUS), name=st.just("item"), unit_price=st.integers(0, 3000),
              quantity=st.integers(1, 3), categories=names, collections=names),
    min_size=0, max_size=12,
)


@SETTINGS
@given(lines=carts, selectors=st.lists(selections, min_size=1, max_size=4))
def test_matching_is_the_lines_a_selection_matches_in_line_order(lines, selectors):
    facts = facts_of(*lines)
    for selector in selectors:   # one Facts asked several times, as the steps of stacking ask it
        expected = tuple(i for i, line in enumerate(lines) if selector.matches(line))
        assert facts.matching(selector) == expected
        assert facts.with_totals(facts.line_totals).matching(selector) == expected
