"""evaluate_campaigns: public codes, unknown and repeated codes, kinds that are not discounts."""
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from promo.core.applicator import Candidate, evaluate
from promo.core.campaign import Campaign, Kind
from promo.core.domain import Cart
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.effects.shipping import ShippingDiscount
from promo.core.reasons import Reason
from promo.core.results import Status
from tests.support.applykit import CONTEXT, GUEST, apply, by_id, coupon, line, promo

HAPPY10 = coupon("HAPPY10", PercentOffOrder(Decimal(10)))


def test_codes_match_ignoring_case_and_spaces():
    evaluation = apply([HAPPY10], line("a", 5000), codes=["  happy10 "])
    assert evaluation.codes["HAPPY10"].status is Status.APPLIED
    assert evaluation.codes["HAPPY10"].code == "HAPPY10"
    assert evaluation.discount == 500


def test_a_coupon_needs_its_code():
    evaluation = apply([HAPPY10], line("a", 5000))
    assert evaluation.offers == () and evaluation.discount == 0


def test_unknown_code():
    evaluation = apply([HAPPY10], line("a", 5000), codes=["HAPPY11"])
    result = evaluation.codes["HAPPY11"]
    assert (result.status, result.reason) == (Status.NOT_APPLICABLE, Reason.CODE_NOT_FOUND)
    assert result.message == "We couldn't find that code. Check the spelling and try again."
    assert evaluation.discount == 0


def test_the_same_code_twice_applies_once():
    evaluation = apply([HAPPY10], line("a", 5000), codes=["HAPPY10", "happy10"])
    assert evaluation.codes["HAPPY10"].status is Status.APPLIED
    repeats = [o for o in evaluation.offers if o.reason is Reason.CODE_ALREADY_ENTERED]
    assert len(repeats) == 1 and repeats[0].message == "That code is already in your cart."
    assert evaluation.discount == 500


def test_codes_are_reported_in_the_order_entered():
    campaigns = [HAPPY10, coupon("SHIP", AmountOffOrder(100), priority=9)]
    evaluation = apply(campaigns, line("a", 5000), codes=["nope", "happy10", "ship"])
    assert list(evaluation.codes) == ["NOPE", "HAPPY10", "SHIP"]
    # ... while the offers are in application order.
    assert [o.campaign_id for o in evaluation.applied] == ["ship", "happy10"]


def test_blank_codes_are_ignored():
    evaluation = apply([HAPPY10], line("a", 5000), codes=["", "   "])
    assert evaluation.codes == {}


def test_gift_cards_and_loyalty_are_not_discounts():
    gift_card = Campaign("gc", "Gift card", Kind.GIFT_CARD, None, code="GIFT-50")
    loyalty = Campaign("points", "Points", Kind.LOYALTY, None)
    evaluation = apply([gift_card, loyalty, promo("five", AmountOffOrder(500))], line("a", 5000),
                       codes=["GIFT-50"])
    assert [o.campaign_id for o in evaluation.offers] == ["five"]
    assert evaluation.codes["GIFT-50"].reason is Reason.CODE_NOT_FOUND


def test_the_same_campaign_through_two_codes_applies_once():
    bulk = Campaign("sorry", "Sorry coupon", Kind.BULK, AmountOffOrder(500))
    evaluation = evaluate([Candidate(bulk, "AAA-1"), Candidate(bulk, "AAA-2")],
                          Cart((line("a", 5000),)), GUEST, CONTEXT)
    assert evaluation.codes["AAA-1"].status is Status.APPLIED
    assert evaluation.codes["AAA-2"].reason is Reason.CODE_ALREADY_ENTERED
    assert evaluation.discount == 500


def test_a_code_past_its_own_end_is_expired_while_the_campaign_runs_on():
    new_york = ZoneInfo("America/New_York")
    birthday = Campaign("birthday", "Happy birthday", Kind.BULK, AmountOffOrder(500), timezone="America/New_York")
    cart = Cart((line("a", 5000),))
    tonight = datetime(2026, 11, 26, 0, 0, tzinfo=new_york)     # CONTEXT.now is 10:00 on Nov 25 there
    last_night = datetime(2026, 11, 25, 0, 0, tzinfo=new_york)

    still_valid = evaluate([Candidate(birthday, "BDAY-1", expires_at=tonight)], cart, GUEST, CONTEXT)
    expired = evaluate([Candidate(birthday, "BDAY-1", expires_at=last_night)], cart, GUEST, CONTEXT)

    assert still_valid.codes["BDAY-1"].status is Status.APPLIED and still_valid.discount == 500
    result = expired.codes["BDAY-1"]
    assert (result.status, result.reason, expired.discount) == (Status.NOT_APPLICABLE, Reason.EXPIRED, 0)
    assert result.message == "This code expired on Nov 24, 2026."


def test_unknown_codes_passed_by_storage():
    evaluation = evaluate([], Cart((line("a", 5000),)), GUEST, CONTEXT,
                          unknown_codes={"gone": Reason.CODE_DISABLED})
    assert evaluation.codes["GONE"].reason is Reason.CODE_DISABLED
    assert evaluation.codes["GONE"].message == "This code is no longer active."


def test_shipping_can_be_given_apart_from_the_cart():
    evaluation = evaluate([Candidate(promo("ship", ShippingDiscount()))], Cart((line("a", 5000),), shipping=0),
                          GUEST, CONTEXT, shipping=700)
    assert (evaluation.shipping, evaluation.shipping_discount, evaluation.total) == (700, 700, 5000)
    assert by_id(evaluation)["ship"].shipping_discount == 700
