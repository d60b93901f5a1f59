"""Max offers per order and remaining budgets."""
from decimal import Decimal

from promo.core.applicator import Candidate, evaluate
from promo.core.domain import Cart
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.reasons import Reason
from promo.core.results import Status
from tests.support.applykit import CONTEXT, GUEST, apply, by_id, line, min_subtotal, promo


def _dollar_offers(count: int) -> list:
    return [promo(f"p{i}", AmountOffOrder(100)) for i in range(1, count + 1)]


def test_at_most_five_offers_apply_by_default():
    evaluation = apply(_dollar_offers(7), line("a", 10_000))
    assert [o.campaign_id for o in evaluation.applied] == ["p1", "p2", "p3", "p4", "p5"]
    for extra in ("p6", "p7"):
        offer = by_id(evaluation)[extra]
        assert offer.status is Status.SET_ASIDE
        assert offer.reason is Reason.MAX_OFFERS_REACHED
    assert evaluation.discount == 500


def test_max_offers_is_configurable():
    evaluation = apply(_dollar_offers(3), line("a", 10_000), max_offers=1)
    assert [o.campaign_id for o in evaluation.applied] == ["p1"]


def test_offers_past_the_limit_that_would_not_qualify_keep_their_own_reason():
    campaigns = _dollar_offers(1) + [promo("picky", AmountOffOrder(100), eligibility=min_subtotal(99_999))]
    evaluation = apply(campaigns, line("a", 10_000), max_offers=1)
    assert by_id(evaluation)["picky"].reason is Reason.MINIMUM_NOT_MET


def test_skipped_offers_do_not_count_towards_the_limit():
    campaigns = [promo("picky", AmountOffOrder(100), eligibility=min_subtotal(99_999))] + _dollar_offers(2)
    evaluation = apply(campaigns, line("a", 10_000), max_offers=2)
    assert [o.campaign_id for o in evaluation.applied] == ["p1", "p2"]


def _evaluate(candidates, *lines):
    return evaluate(candidates, Cart(tuple(lines)), GUEST, CONTEXT)


def test_an_offer_over_its_remaining_budget_does_not_apply_at_all():
    pct = promo("pct", PercentOffOrder(Decimal(10)))
    evaluation = _evaluate([Candidate(pct, remaining_budget=999)], line("a", 10_000))
    offer = evaluation.offers[0]
    assert offer.status is Status.NOT_APPLICABLE
    assert offer.reason is Reason.BUDGET_EXHAUSTED
    assert offer.discount == 0 and evaluation.discount == 0


def test_an_offer_exactly_within_its_budget_applies():
    pct = promo("pct", PercentOffOrder(Decimal(10)))
    evaluation = _evaluate([Candidate(pct, remaining_budget=1000)], line("a", 10_000))
    assert evaluation.offers[0].discount == 1000


def test_the_budget_is_checked_on_the_running_discount():
    # After $20 off, 10% is only $8: it fits a $9 budget.
    twenty = promo("twenty", AmountOffOrder(2000), priority=1)
    pct = promo("pct", PercentOffOrder(Decimal(10)))
    evaluation = _evaluate([Candidate(twenty), Candidate(pct, remaining_budget=900)], line("a", 10_000))
    assert by_id(evaluation)["pct"].discount == 800


def test_blocked_candidates_are_reported_with_their_reason():
    pct = promo("pct", PercentOffOrder(Decimal(10)))
    evaluation = _evaluate([Candidate(pct, "SPENT-1", blocked=Reason.QUANTITY_EXCEEDED)], line("a", 1000))
    offer = evaluation.offers[0]
    assert (offer.status, offer.reason, offer.code) == (Status.NOT_APPLICABLE, Reason.QUANTITY_EXCEEDED, "SPENT-1")
    assert offer.message == "This code has already been used."
    assert evaluation.codes["SPENT-1"] is offer
