"""Limit periods are store-local calendar units (pure; no database)."""
from __future__ import annotations

from datetime import datetime

import pytest

from promo.core.campaign import Limits, PeriodLimit
from promo.core.limits import Usage, blocked_reason, customer_caps, period_key, usage_keys
from promo.core.reasons import Reason
from tests.support.dbkit import STORE_ZONE

NEW_YEARS_EVE = datetime(2026, 12, 31, 23, 0, tzinfo=STORE_ZONE)   # Thursday of ISO week 53


def test_period_keys_follow_the_local_calendar():
    assert period_key("day", NEW_YEARS_EVE) == "day:2026-12-31"
    assert period_key("week", NEW_YEARS_EVE) == "week:2026-W53"
    assert period_key("month", NEW_YEARS_EVE) == "month:2026-12"
    assert period_key("week", datetime(2027, 1, 3, tzinfo=STORE_ZONE)) == "week:2026-W53"   # Sunday, same ISO week
    assert period_key("week", datetime(2027, 1, 4, tzinfo=STORE_ZONE)) == "week:2027-W01"
    with pytest.raises(ValueError):
        period_key("year", NEW_YEARS_EVE)


def test_every_limited_period_gets_a_counter_and_the_tightest_cap_wins():
    limits = Limits(per_customer=5, per_customer_periods=(PeriodLimit("day", 2), PeriodLimit("day", 1), PeriodLimit("month", 3)))
    assert usage_keys(limits, NEW_YEARS_EVE) == ("total", "day:2026-12-31", "month:2026-12")
    assert customer_caps(limits, NEW_YEARS_EVE) == {"total": 5, "day:2026-12-31": 1, "month:2026-12": 3}


def test_blocked_reason_names_the_first_limit_used_up():
    limits = Limits(per_code=1, total=10, budget=1000, per_customer=1)
    fresh = Usage(code_redemptions=0)
    at = NEW_YEARS_EVE
    assert blocked_reason(limits, fresh, customer_id="ana", local_now=at) is None
    assert blocked_reason(limits, Usage(code_redemptions=1), customer_id="ana", local_now=at) is Reason.QUANTITY_EXCEEDED
    assert blocked_reason(limits, Usage(campaign_redemptions=10), customer_id="ana", local_now=at) is Reason.CAMPAIGN_LIMIT_REACHED
    assert blocked_reason(limits, Usage(budget_used=1000), customer_id="ana", local_now=at) is Reason.BUDGET_EXHAUSTED
    assert blocked_reason(limits, Usage(customer={"total": 1}), customer_id="ana", local_now=at) is Reason.CUSTOMER_LIMIT_REACHED
    assert blocked_reason(limits, fresh, customer_id=None, local_now=at) is Reason.LOGIN_REQUIRED
    value = Limits(order_value_budget=10_000)
    assert blocked_reason(value, Usage(order_value_used=6_000), customer_id=None, local_now=at, order_value=4_000) is None
    assert blocked_reason(value, Usage(order_value_used=6_000), customer_id=None, local_now=at, order_value=4_001) is Reason.BUDGET_EXHAUSTED
