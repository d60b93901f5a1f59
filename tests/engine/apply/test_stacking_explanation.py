"""Every evaluated offer says what happened and why, with a hint when the shopper can act."""
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from promo.core.campaign import ScheduleSlot
from promo.core.conditions import FactCondition, Op
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.percent_off_items import PercentOffItems
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.reasons import Reason
from promo.core.results import Status
from tests.support.applykit import NEW, NOW, RETURNING, apply, by_id, category, line, min_subtotal, promo


def test_applied_offer_says_what_it_saves():
    evaluation = apply([promo("pct", PercentOffOrder(Decimal(10)))], line("a", 4550))
    offer = by_id(evaluation)["pct"]
    assert (offer.status, offer.reason) == (Status.APPLIED, Reason.APPLIED)
    assert offer.message == "Applied: you save $4.55."


def test_unmet_minimum_hint_names_the_offer():
    evaluation = apply([promo("pct", PercentOffOrder(Decimal(10)), eligibility=min_subtotal(5000))],
                       line("a", 3750))
    offer = by_id(evaluation)["pct"]
    assert offer.reason is Reason.MINIMUM_NOT_MET
    assert offer.hint.message == "Add $12.50 more to get 10% off"
    assert offer.hint.missing_amount == 1250
    assert offer.hint.progress == 0.75


def test_customer_condition():
    new_only = FactCondition("customer.new", Op.EQ, True)
    campaigns = [promo("welcome", AmountOffOrder(1000), eligibility=new_only)]
    assert by_id(apply(campaigns, line("a", 5000), customer=NEW))["welcome"].status is Status.APPLIED
    refused = by_id(apply(campaigns, line("a", 5000), customer=RETURNING))["welcome"]
    assert refused.reason is Reason.CUSTOMER_NOT_ELIGIBLE
    assert refused.hint is None


def test_a_condition_with_its_own_message():
    coffee_lovers = FactCondition("customer.segment", Op.EQ, "coffee-club",
                                  message="Only for Coffee Club members.")
    evaluation = apply([promo("club", AmountOffOrder(1000), eligibility=coffee_lovers)],
                       line("a", 5000), customer=RETURNING)
    assert by_id(evaluation)["club"].message == "Only for Coffee Club members."


def test_no_matching_items():
    evaluation = apply([promo("tea", PercentOffItems(Decimal(10), category("tea")))], line("a", 5000))
    offer = by_id(evaluation)["tea"]
    assert offer.reason is Reason.NO_MATCHING_ITEMS
    assert offer.message == "Your cart has no items this offer applies to."


def test_timing_is_checked():
    expired = promo("old", AmountOffOrder(100), ends_at=NOW - timedelta(days=1))
    upcoming = promo("soon", AmountOffOrder(100), starts_at=NOW + timedelta(days=1))
    # NOW is a Wednesday at 15:00 UTC; the happy hour is 16:00-18:00 on weekdays.
    happy_hour = promo("happy", AmountOffOrder(100),
                       schedule=(ScheduleSlot(frozenset(range(5)), time(16), time(18)),))
    current = promo("now", AmountOffOrder(100), starts_at=NOW - timedelta(hours=1),
                    ends_at=NOW + timedelta(hours=1))
    offers = by_id(apply([expired, upcoming, happy_hour, current], line("a", 5000)))
    assert offers["old"].reason is Reason.EXPIRED
    assert offers["soon"].reason is Reason.NOT_STARTED
    assert offers["happy"].reason is Reason.OUTSIDE_SCHEDULE
    assert offers["happy"].message.startswith("This offer is valid weekdays")
    assert offers["now"].status is Status.APPLIED


def test_campaign_in_another_currency():
    baht = promo("thb", AmountOffOrder(20_000), currency="THB")
    offer = by_id(apply([baht], line("a", 5000)))["thb"]
    assert offer.reason is Reason.WRONG_CURRENCY
    assert offer.message == "This offer isn't available in this currency."


def test_every_offer_has_a_status_reason_and_message():
    campaigns = [promo("ok", AmountOffOrder(100)),
                 promo("min", AmountOffOrder(100), eligibility=min_subtotal(99_000)),
                 promo("late", AmountOffOrder(100), ends_at=datetime(2020, 1, 1, tzinfo=UTC))]
    evaluation = apply(campaigns, line("a", 5000))
    assert len(evaluation.offers) == 3
    for offer in evaluation.offers:
        assert offer.status in set(Status) and offer.reason in set(Reason) and offer.message
