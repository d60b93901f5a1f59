"""When a campaign is valid: its active period and its weekly schedule, in the campaign's zone.

`starts_at` is the first valid instant, `ends_at` the first instant after the campaign (an
"until" date in a definition means through the end of that day). A schedule slot covers
[start, end) on each of its weekdays; when end <= start it runs past midnight into the next
day (22:00-02:00), and 00:00-00:00 is the whole day.

A bulk campaign with `codes: {valid_days: N}` also gives each code its own end, fixed when the
code is published to a customer (`code_expiry`): through the end of the Nth day after that day.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_interval, format_time, get_day_names
from babel.lists import format_list

from promo.core.reasons import Reason
from promo.core.results import Check

if TYPE_CHECKING:
    from promo.core.campaign import Campaign, ScheduleSlot

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")   # index = datetime.weekday()
WORKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})
EVERY_DAY = frozenset(range(7))


@lru_cache(maxsize=32)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(campaign: Campaign, moment: datetime) -> datetime:
    """`moment` as wall-clock time in the campaign's zone."""
    return moment.astimezone(zone(campaign.timezone))


def slot_covers(slot: ScheduleSlot, moment: datetime) -> bool:
    """Is the local `moment` inside this weekly slot?"""
    day, clock = moment.weekday(), moment.time().replace(tzinfo=None)
    if slot.start < slot.end:
        return day in slot.weekdays and slot.start <= clock < slot.end
    # Runs past midnight: the evening part belongs to its own day, the early part to the day before.
    return (day in slot.weekdays and clock >= slot.start) or (
        (day - 1) % 7 in slot.weekdays and clock < slot.end
    )


def in_schedule(campaign: Campaign, now: datetime) -> bool:
    if not campaign.schedule:
        return True
    moment = local(campaign, now)
    return any(slot_covers(slot, moment) for slot in campaign.schedule)


def next_opening(campaign: Campaign, now: datetime) -> datetime | None:
    """The next instant (aware, campaign zone) the schedule opens, within a week; None without a schedule."""
    if not campaign.schedule:
        return None
    moment = local(campaign, now)
    candidates = []
    for offset in range(8):
        day = moment.date() + timedelta(days=offset)
        for slot in campaign.schedule:
            if day.weekday() in slot.weekdays:
                opening = datetime.combine(day, slot.start, tzinfo=moment.tzinfo)
                if opening > moment:
                    candidates.append(opening)
    upcoming = min(candidates, default=None)
    if upcoming is not None and campaign.ends_at is not None and upcoming >= campaign.ends_at:
        return None
    return upcoming


def check_timing(campaign: Campaign, now: datetime, locale: str = "en_US") -> Check:
    if campaign.starts_at is not None and now < campaign.starts_at:
        return Check(
            ok=False, reason=Reason.NOT_STARTED,
            message=f"This offer starts {_moment_text(local(campaign, campaign.starts_at), locale)}.",
        )
    if campaign.ends_at is not None and now >= campaign.ends_at:
        return Check(
            ok=False, reason=Reason.EXPIRED,
            message=f"This offer ended {_last_day_text(campaign, locale)}.",
        )
    if not in_schedule(campaign, now):
        message = f"This offer is valid {_lower_first(describe_schedule(campaign.schedule, locale))}."
        opening = next_opening(campaign, now)
        if opening is not None:
            message += f" Next: {format_date(opening.date(), 'EEE', locale=locale)} {_clock(opening.time(), locale)}."
        return Check(ok=False, reason=Reason.OUTSIDE_SCHEDULE, message=message)
    return Check.passed()


@dataclass(frozen=True)
class Availability:
    """Whether an offer runs at a moment, in words for a shopper: "On now", "On now until
    6:00 PM", "Starts 4:00 PM today", "Starts tomorrow, 9:00 AM", "Starts Friday 4:00 PM",
    "Starts Dec 1, 2026", "Ended Nov 30, 2026"."""

    on_now: bool
    text: str


def availability(campaign: Campaign, now: datetime, locale: str = "en_US") -> Availability:
    """When the offer applies, seen from `now` (the engine's clock, so a frozen test clock or a
    demo's moved one gives the same words as the cart's decision)."""
    moment = local(campaign, now)
    if campaign.ends_at is not None and now >= campaign.ends_at:
        return Availability(False, f"Ended {_last_day_text(campaign, locale)}")
    if campaign.starts_at is not None and now < campaign.starts_at:
        opening = local(campaign, campaign.starts_at)
        if campaign.schedule and not in_schedule(campaign, opening):
            opening = next_opening(campaign, opening) or local(campaign, campaign.starts_at)
        return Availability(False, f"Starts {_opening_text(opening, moment, locale)}")
    if not in_schedule(campaign, now):
        upcoming = next_opening(campaign, now)
        if upcoming is None:
            return Availability(False, f"Runs {_lower_first(describe_schedule(campaign.schedule, locale))}")
        return Availability(False, f"Starts {_opening_text(upcoming, moment, locale)}")
    closing = _closing_today(campaign, moment)
    if closing is not None:
        return Availability(True, f"On now until {_clock(closing, locale)}")
    return Availability(True, "On now")


def _opening_text(opening: datetime, moment: datetime, locale: str) -> str:
    """ "4:00 PM today", "tomorrow, 9:00 AM", "Friday 4:00 PM", "Dec 1, 2026" (midnight: the day alone)."""
    days = (opening.date() - moment.date()).days
    clock = "" if opening.time() == time(0) else _clock(opening.time(), locale)
    if days == 0:
        return f"{clock} today" if clock else "today"
    if days == 1:
        return f"tomorrow, {clock}" if clock else "tomorrow"
    if days < 7:
        day = format_date(opening.date(), "EEEE", locale=locale)
        return f"{day} {clock}" if clock else day
    return _moment_text(opening, locale)


def _closing_today(campaign: Campaign, moment: datetime) -> time | None:
    """The time today the running offer stops (its schedule slot's end, or its own end), if any."""
    ends: list[datetime] = []
    if campaign.ends_at is not None:
        ends.append(local(campaign, campaign.ends_at))
    for slot in campaign.schedule:
        if slot_covers(slot, moment) and not (slot.start == slot.end == time(0)) and slot.end != time(0):
            end = datetime.combine(moment.date(), slot.end, tzinfo=moment.tzinfo)
            ends.append(end if end > moment else end + timedelta(days=1))
    today = [end for end in ends if end.date() == moment.date() and end > moment]
    return min(today).time() if today else None


def code_expiry(campaign: Campaign, published_at: datetime) -> datetime | None:
    """The first instant a code of `campaign` published at `published_at` is no longer valid:
    midnight after the `code_valid_days`-th day following the publication day, in the campaign's
    zone (published any time on Nov 25 with 7 days: valid through Dec 2). None when the
    campaign's codes do not expire on their own."""
    if campaign.code_valid_days is None:
        return None
    last_day = local(campaign, published_at).date() + timedelta(days=campaign.code_valid_days)
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone(campaign.timezone))


def check_code_expiry(campaign: Campaign, expires_at: datetime | None, now: datetime, locale: str = "en_US") -> Check:
    """Is a code that stops being valid at `expires_at` (see code_expiry) still valid `now`?"""
    if expires_at is None or now < expires_at:
        return Check.passed()
    return Check(ok=False, reason=Reason.EXPIRED, message=f"This code expired on {code_valid_through(campaign, expires_at, locale)}.")


def code_valid_through(campaign: Campaign, expires_at: datetime, locale: str = "en_US") -> str:
    """ "Dec 2, 2026": the last day a code that stops being valid at `expires_at` (see
    code_expiry) can be used, in the campaign's zone."""
    return _moment_text(last_moment(local(campaign, expires_at)), locale)


def describe_code_expiry(campaign: Campaign, expires_at: datetime, locale: str = "en_US") -> str:
    """ "Expires Dec 2, 2026": the last day a code is valid, in the campaign's zone."""
    return f"Expires {code_valid_through(campaign, expires_at, locale)}"


# ---- wording ----

def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _clock(value: time, locale: str) -> str:
    return format_time(value, format="short", locale=locale)


def _moment_text(moment: datetime, locale: str) -> str:
    """ "Nov 20, 2026" at midnight, else "Nov 20, 2026, 4:00 PM"."""
    day = format_date(moment.date(), format="medium", locale=locale)
    if moment.time() == time(0):
        return day
    return f"{day}, {_clock(moment.time(), locale)}"


def last_moment(end: datetime) -> datetime:
    """The last valid moment people think of for an end (the first instant no longer valid, in
    the zone to state it in): an end at midnight means through the day before, so it gives
    that day at 00:00, which the wording shows as the date alone."""
    if end.time() == time(0):
        return datetime.combine(end.date() - timedelta(days=1), time(0), tzinfo=end.tzinfo)
    return end


def _last_day(campaign: Campaign) -> datetime | None:
    return last_moment(local(campaign, campaign.ends_at)) if campaign.ends_at is not None else None


def _last_day_text(campaign: Campaign, locale: str) -> str:
    end = _last_day(campaign)
    return _moment_text(end, locale) if end is not None else ""


def describe_timeframe(campaign: Campaign, locale: str = "en_US") -> str:
    """ "Valid Nov 20 – Nov 30, 2026", "Ends Nov 30, 2026", "Starts Dec 1, 2026", or ""."""
    start = local(campaign, campaign.starts_at) if campaign.starts_at is not None else None
    end_text = _last_day_text(campaign, locale)
    last = _last_day(campaign)
    if start is not None and last is not None:
        if start.time() == time(0) and last.time() == time(0):
            return f"Valid {format_interval(start.date(), last.date(), 'yMMMd', locale=locale)}"
        return f"Valid {_moment_text(start, locale)} – {end_text}"
    if end_text:
        return f"Ends {end_text}"
    if start is not None:
        return f"Starts {_moment_text(start, locale)}"
    return ""


def describe_days(days: Iterable[int], locale: str = "en_US") -> str:
    """ "Weekdays", "Weekends", "Every day", "Mon, Wed and Fri"."""
    chosen = frozenset(days)
    if chosen == EVERY_DAY:
        return "Every day"
    if chosen == WORKDAYS:
        return "Weekdays"
    if chosen == WEEKEND:
        return "Weekends"
    names = get_day_names("abbreviated", locale=locale)
    return format_list([names[d] for d in sorted(chosen)], locale="en")


def describe_slot(slot: ScheduleSlot, locale: str = "en_US") -> str:
    days = describe_days(slot.weekdays, locale)
    if slot.start == slot.end == time(0):
        return days
    end = "midnight" if slot.end == time(0) else _clock(slot.end, locale)
    return f"{days} {_clock(slot.start, locale)}–{end}"


def describe_schedule(slots: Iterable[ScheduleSlot], locale: str = "en_US") -> str:
    """ "Weekdays 4:00 PM–6:00 PM", several slots joined with "and"."""
    return format_list([describe_slot(slot, locale) for slot in slots], locale="en")

