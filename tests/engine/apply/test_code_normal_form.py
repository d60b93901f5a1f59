"""The pure core and storage read a typed code the same way (promo.core.codes.normalise_code).

evaluate_campaigns used its own strip+upper, so a full-width "ＨＡＰＰＹ１０" (what a Japanese or
Chinese keyboard types) was code_not_found there while the Engine, whose codes table holds the
NFKC form, applied it.
"""
from decimal import Decimal

import pytest

import promo.core.applicator
import promo.core.codes
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.reasons import Reason
from promo.core.results import Status
from tests.support.applykit import apply, coupon, line

HAPPY10 = coupon("HAPPY10", PercentOffOrder(Decimal(10)))


@pytest.mark.parametrize("typed", ["ＨＡＰＰＹ１０", " ｈａｐｐｙ１０\u3000", "happy\uff110", "HAPPY10"])
def test_a_full_width_code_finds_its_campaign(typed):
    evaluation = apply([HAPPY10], line("a", 5000), codes=[typed])

    assert list(evaluation.codes) == ["HAPPY10"]
    assert evaluation.codes["HAPPY10"].status is Status.APPLIED
    assert evaluation.discount == 500


def test_full_width_and_ascii_forms_are_the_same_code():
    evaluation = apply([HAPPY10], line("a", 5000), codes=["HAPPY10", "ＨＡＰＰＹ１０"])

    assert evaluation.codes["HAPPY10"].status is Status.APPLIED
    repeats = [o for o in evaluation.offers if o.reason is Reason.CODE_ALREADY_ENTERED]
    assert len(repeats) == 1
    assert evaluation.discount == 500


def test_the_core_uses_the_storage_normal_form():
    assert promo.core.applicator.normalise_code is promo.core.codes.normalise_code
