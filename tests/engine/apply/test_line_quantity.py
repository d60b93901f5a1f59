"""cart.line_quantity: conditions on one line's quantity ("any line with 3 or more", "the
kettle's line"), not only on the cart's total quantity (issue 13, point 12)."""
from __future__ import annotations

from promo.core.reasons import Reason
from promo.core.results import Status
from promo.format.definition import parse_campaign
from tests.support.applykit import apply, by_id, line


def _campaign(condition: dict):
    return parse_campaign({"id": "bulk", "name": "Bulk", "kind": "promotion", "eligibility": condition,
                           "effect": {"type": "amount_off_order", "amount": 500}})


ANY_LINE = _campaign({"fact": "cart.line_quantity", "gte": 3})
KETTLE_LINE = _campaign({"fact": "cart.line_quantity", "items": {"skus": ["KETTLE"]}, "gte": 2})
ONE_BAG = _campaign({"fact": "cart.line_quantity", "items": {"categories": ["arabica"]}, "gte": 3})


def test_any_line_with_three_units_qualifies():
    result = by_id(apply([ANY_LINE], line("BEANS", 1000, 3), line("MUG", 800, 1)))["bulk"]
    assert result.status is Status.APPLIED and result.discount == 500


def test_three_units_spread_over_lines_do_not_and_the_hint_asks_for_one_line():
    result = by_id(apply([ANY_LINE], line("BEANS", 1000, 2), line("MUG", 800, 1)))["bulk"]
    assert result.status is not Status.APPLIED
    assert result.reason is Reason.MINIMUM_NOT_MET
    assert result.hint is not None and result.hint.message.startswith("Add 1 more of the same item")


def test_the_kettles_line_quantity_counts_only_the_kettle():
    assert by_id(apply([KETTLE_LINE], line("KETTLE", 4000, 2)))["bulk"].discount == 500
    assert by_id(apply([KETTLE_LINE], line("KETTLE", 4000, 1), line("MUG", 800, 5)))["bulk"].discount == 0
    assert by_id(apply([KETTLE_LINE], line("MUG", 800, 5)))["bulk"].discount == 0


def test_the_restriction_reads_as_one_line():
    assert ANY_LINE.eligibility.describe() == "At least 3 of one item in the cart"
    assert KETTLE_LINE.eligibility.describe() == "At least 2 of KETTLE in the cart"


def test_a_category_asks_for_more_of_one_item_from_it_not_of_the_category():
    result = by_id(apply([ONE_BAG], line("YIRG", 1950, 1, "arabica"),
                         line("KENYA", 1950, 1, "arabica")))["bulk"]
    assert result.hint is not None and result.hint.message.startswith("Add 2 more of the same item from Arabica")
    assert ONE_BAG.eligibility.describe() == "At least 3 of one item from Arabica in the cart"
