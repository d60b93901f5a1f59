"""Active periods and weekly schedules, checked in the campaign's own time zone."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from promo.core.reasons import Reason
from promo.core.timing import (
    Availability,
    availability,
    check_code_expiry,
    check_timing,
    code_expiry,
    describe_code_expiry,
    describe_timeframe,
    in_schedule,
    next_opening,
)
from tests.support.formatkit import BANGKOK, campaign_with

UTC = UTC
BLACK_FRIDAY = campaign_with(active={"from": "2026-11-20", "until": "2026-11-30"})
HAPPY_HOUR = campaign_with(schedule=[{"days": "weekdays", "from": "16:00", "until": "18:00"}])


@pytest.mark.parametrize("now, reason", [
    (datetime(2026, 11, 19, 23, 59, tzinfo=BANGKOK), Reason.NOT_STARTED),
    (datetime(2026, 11, 19, 17, 0, tzinfo=UTC), None),        # = Nov 20, 00:00 in Bangkok
    (datetime(2026, 11, 30, 23, 59, 59, tzinfo=BANGKOK), None),  # the whole last day counts
    (datetime(2026, 12, 1, 0, 0, tzinfo=BANGKOK), Reason.EXPIRED),
    (datetime(2026, 11, 30, 17, 0, tzinfo=UTC), Reason.EXPIRED),  # = Dec 1, 00:00 in Bangkok
])
def test_active_period_bounds_are_store_days(now, reason):
    result = check_timing(BLACK_FRIDAY, now)
    assert result.ok is (reason is None) and result.reason is reason


def test_timing_messages_state_the_dates():
    assert check_timing(BLACK_FRIDAY, datetime(2026, 11, 1, tzinfo=BANGKOK)).message == "This offer starts Nov 20, 2026."
    assert check_timing(BLACK_FRIDAY, datetime(2026, 12, 5, tzinfo=BANGKOK)).message == "This offer ended Nov 30, 2026."
    evening = campaign_with(active={"from": "2026-11-20 18:00", "until": "2026-11-30 18:00"})
    assert check_timing(evening, datetime(2026, 11, 1, tzinfo=BANGKOK)).message == "This offer starts Nov 20, 2026, 6:00\u202fPM."


@pytest.mark.parametrize("local, ok", [
    (datetime(2026, 11, 25, 15, 59), False),   # Wednesday, before the slot
    (datetime(2026, 11, 25, 16, 0), True),
    (datetime(2026, 11, 25, 17, 59), True),
    (datetime(2026, 11, 25, 18, 0), False),    # until is exclusive
    (datetime(2026, 11, 28, 16, 30), False),   # Saturday
])
def test_a_weekday_happy_hour(local, ok):
    assert in_schedule(HAPPY_HOUR, local.replace(tzinfo=BANGKOK)) is ok


def test_the_schedule_uses_the_campaign_zone_not_the_callers():
    # 09:30 UTC on a Wednesday is 16:30 in Bangkok
    assert check_timing(HAPPY_HOUR, datetime(2026, 11, 25, 9, 30, tzinfo=UTC)).ok
    warsaw = campaign_with(timezone="Europe/Warsaw", schedule=[{"days": "weekdays", "from": "16:00", "until": "18:00"}])
    assert not check_timing(warsaw, datetime(2026, 11, 25, 9, 30, tzinfo=UTC)).ok   # 10:30 in Warsaw


def test_outside_the_schedule_says_when_it_opens_next():
    friday_evening = datetime(2026, 11, 27, 19, 0, tzinfo=BANGKOK)
    result = check_timing(HAPPY_HOUR, friday_evening)
    assert result.reason is Reason.OUTSIDE_SCHEDULE
    assert result.message == "This offer is valid weekdays 4:00\u202fPM–6:00\u202fPM. Next: Mon 4:00\u202fPM."
    assert next_opening(HAPPY_HOUR, friday_evening) == datetime(2026, 11, 30, 16, 0, tzinfo=BANGKOK)


def test_an_overnight_slot_belongs_to_the_day_it_starts():
    late = campaign_with(schedule=[{"days": "fri", "from": "22:00", "until": "02:00"}])
    friday_night = datetime(2026, 11, 27, 23, 0, tzinfo=BANGKOK)
    saturday_small_hours = datetime(2026, 11, 28, 1, 30, tzinfo=BANGKOK)
    saturday_night = datetime(2026, 11, 28, 23, 0, tzinfo=BANGKOK)
    thursday_small_hours = datetime(2026, 11, 26, 1, 30, tzinfo=BANGKOK)
    assert [in_schedule(late, t) for t in (friday_night, saturday_small_hours, saturday_night, thursday_small_hours)] \
        == [True, True, False, False]


def test_until_midnight_and_whole_days():
    evenings = campaign_with(schedule=[{"days": "sun", "from": "20:00", "until": "24:00"}])
    assert in_schedule(evenings, datetime(2026, 11, 29, 23, 59, tzinfo=BANGKOK))
    assert not in_schedule(evenings, datetime(2026, 11, 30, 0, 0, tzinfo=BANGKOK))
    weekends = campaign_with(schedule=[{"days": "weekends"}])
    assert in_schedule(weekends, datetime(2026, 11, 28, 0, 0, tzinfo=BANGKOK))
    assert not in_schedule(weekends, datetime(2026, 11, 30, 0, 0, tzinfo=BANGKOK))


def test_no_dates_and_no_schedule_means_always_valid():
    assert check_timing(campaign_with(), datetime(1999, 1, 1, tzinfo=UTC)).ok


def test_next_opening_stops_at_the_end_of_the_campaign():
    ending = campaign_with(active={"until": "2026-11-27"}, schedule=[{"days": "weekdays", "from": "16:00", "until": "18:00"}])
    assert next_opening(ending, datetime(2026, 11, 27, 19, 0, tzinfo=BANGKOK)) is None


@pytest.mark.parametrize("active, locale, expected", [
    ({"from": "2026-11-20", "until": "2026-11-30"}, "en_US", "Valid Nov 20\u2009–\u200930, 2026"),
    ({"until": "2026-11-30"}, "en_US", "Ends Nov 30, 2026"),
    ({"until": "2026-11-30 18:00"}, "en_US", "Ends Nov 30, 2026, 6:00\u202fPM"),
    ({"from": "2026-12-01"}, "en_US", "Starts Dec 1, 2026"),
    ({"until": "2026-11-30"}, "pl_PL", "Ends 30 lis 2026"),
    ({"from": "2026-11-20 09:00", "until": "2026-11-30"}, "en_US", "Valid Nov 20, 2026, 9:00\u202fAM – Nov 30, 2026"),
])
def test_timeframe_wording(active, locale, expected):
    assert describe_timeframe(campaign_with(active=active), locale) == expected


# ---- a code's own validity (codes: {valid_days: N}), counted from its publication ----

WEEK_CODES = campaign_with(kind="bulk", codes={"pattern": "BDAY-######", "valid_days": 7})


@pytest.mark.parametrize("published", [
    datetime(2026, 11, 25, 0, 0, tzinfo=BANGKOK),
    datetime(2026, 11, 25, 10, 30, tzinfo=BANGKOK),
    datetime(2026, 11, 25, 23, 59, tzinfo=BANGKOK),
    datetime(2026, 11, 24, 17, 0, tzinfo=UTC),        # = Nov 25, 00:00 in Bangkok
])
def test_a_code_is_valid_through_the_seventh_day_after_the_day_it_was_published(published):
    assert code_expiry(WEEK_CODES, published) == datetime(2026, 12, 3, 0, 0, tzinfo=BANGKOK)


def test_the_publication_day_is_read_in_the_campaign_zone():
    # 18:00 UTC on Nov 25 is already Nov 26 in Bangkok.
    assert code_expiry(WEEK_CODES, datetime(2026, 11, 25, 18, 0, tzinfo=UTC)) == datetime(2026, 12, 4, 0, 0, tzinfo=BANGKOK)


def test_code_validity_counts_calendar_days_across_a_clock_change():
    new_york = ZoneInfo("America/New_York")
    codes = campaign_with(kind="bulk", timezone="America/New_York", codes={"pattern": "######", "valid_days": 7})
    expires = code_expiry(codes, datetime(2026, 10, 30, 12, 0, tzinfo=new_york))   # clocks go back on Nov 1
    assert expires == datetime(2026, 11, 7, 0, 0, tzinfo=new_york)
    assert expires.astimezone(UTC) == datetime(2026, 11, 7, 5, 0, tzinfo=UTC)       # midnight EST, not EDT


def test_codes_without_valid_days_have_no_end_of_their_own():
    sorry = campaign_with(kind="bulk", codes={"pattern": "SORRY-######"})
    assert code_expiry(sorry, datetime(2026, 11, 25, tzinfo=BANGKOK)) is None
    assert check_code_expiry(sorry, None, datetime(2099, 1, 1, tzinfo=UTC)).ok


def test_an_expired_code_says_its_last_day():
    expires = datetime(2026, 12, 3, 0, 0, tzinfo=BANGKOK)
    assert check_code_expiry(WEEK_CODES, expires, expires - timedelta(microseconds=1)).ok
    result = check_code_expiry(WEEK_CODES, expires, expires)
    assert (result.ok, result.reason) == (False, Reason.EXPIRED)
    assert result.message == "This code expired on Dec 2, 2026."
    assert describe_code_expiry(WEEK_CODES, expires) == "Expires Dec 2, 2026"
    assert describe_code_expiry(WEEK_CODES, expires, "pl_PL") == "Expires 2 gru 2026"


# ---- availability: "On now", "Starts 4:00 PM today" (the deals page) ----

NBSP = "\u202f"   # babel's short time puts a narrow no-break space before AM/PM


@pytest.mark.parametrize("now, on_now, text", [
    (datetime(2026, 11, 25, 10, 30, tzinfo=BANGKOK), False, f"Starts 4:00{NBSP}PM today"),        # Wednesday morning
    (datetime(2026, 11, 25, 16, 30, tzinfo=BANGKOK), True, f"On now until 6:00{NBSP}PM"),
    (datetime(2026, 11, 25, 19, 0, tzinfo=BANGKOK), False, f"Starts tomorrow, 4:00{NBSP}PM"),
    (datetime(2026, 11, 27, 19, 0, tzinfo=BANGKOK), False, f"Starts Monday 4:00{NBSP}PM"),       # Friday evening
])
def test_availability_of_a_weekly_schedule(now, on_now, text):
    assert availability(HAPPY_HOUR, now) == Availability(on_now, text)


@pytest.mark.parametrize("now, on_now, text", [
    (datetime(2026, 11, 1, tzinfo=BANGKOK), False, "Starts Nov 20, 2026"),
    (datetime(2026, 11, 19, 9, 0, tzinfo=BANGKOK), False, "Starts tomorrow"),
    (datetime(2026, 11, 25, 9, 0, tzinfo=BANGKOK), True, "On now"),
    (datetime(2026, 11, 30, 23, 0, tzinfo=BANGKOK), True, "On now"),           # the whole last day
    (datetime(2026, 12, 1, 0, 0, tzinfo=BANGKOK), False, "Ended Nov 30, 2026"),
])
def test_availability_of_an_active_period(now, on_now, text):
    assert availability(BLACK_FRIDAY, now) == Availability(on_now, text)


def test_an_offer_ending_this_afternoon_is_on_until_then():
    evening = campaign_with(active={"from": "2026-11-20", "until": "2026-11-25 17:00"})
    assert availability(evening, datetime(2026, 11, 25, 9, 0, tzinfo=BANGKOK)).text == f"On now until 5:00{NBSP}PM"


def test_a_schedule_inside_a_later_period_starts_at_its_first_slot():
    later = campaign_with(active={"from": "2026-11-28"}, schedule=[{"days": "weekdays", "from": "16:00", "until": "18:00"}])
    # Saturday Nov 28 begins the period; the first weekday slot is the Monday after it.
    assert availability(later, datetime(2026, 11, 25, 9, 0, tzinfo=BANGKOK)) == Availability(False, f"Starts Monday 4:00{NBSP}PM")
