"""Reading conditions (`if:`, `eligibility:`, audiences) and timing (`active:`, `schedule:`)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from promo.core import campaign as c
from promo.core.conditions import (
    FACT_NAMES,
    LINES_FACT,
    OPERATORS_FOR,
    All,
    Condition,
    FactCondition,
    LinesCondition,
    Match,
    Not,
    Op,
    ValueType,
    fact_spec,
)
from promo.core.conditions import (
    Any as AnyOf,
)
from promo.core.reading import (
    MAX_CONDITION_DEPTH,
    MAX_LIST,
    PAGES,
    Problems,
    join_path,
    known_countries,
    read_bool,
    read_choice,
    read_fields,
    read_int,
    read_money,
    read_selector,
    read_text,
    show_value,
    suggest,
)
from promo.core.timing import EVERY_DAY, WEEKDAYS, WEEKEND, WORKDAYS, zone

# ---- conditions ----

OPERATOR_KEYS = {"is": Op.EQ, **{op.value: op for op in Op}}


def _fact_value(raw: Any, path: str, p: Problems, kind: ValueType, fact: str) -> Any:
    """One comparison value of the fact's type, normalised as the condition compares it."""
    if kind is ValueType.MONEY:
        return read_money(raw, path, p)
    if kind is ValueType.COUNT:
        return read_int(raw, path, p)
    if kind is ValueType.BOOL:
        return read_bool(raw, path, p)
    if kind is ValueType.TIME:
        return _clock(raw, path, p)
    if kind is ValueType.COUNTRY:
        code = read_text(raw, path, p, max_length=2)
        if code is None:
            return None
        if code.upper() not in known_countries():
            p.add(path, f"must be an ISO 3166 country code like TH or PL, got {show_value(raw)}")
            return None
        return code.upper()
    if kind in (ValueType.TEXT, ValueType.SEGMENT):
        value = read_text(raw, path, p, max_length=100)
        if value is not None and fact == "context.page" and value.casefold() not in PAGES:
            p.add(path, f"unknown page {show_value(raw)}{suggest(value.casefold(), PAGES)}; pages: {', '.join(PAGES)}")
            return None
        return value.casefold() if value is not None else None
    # customer.metadata.<key>: whatever JSON scalar the shop stores
    if isinstance(raw, bool) or isinstance(raw, int) or (isinstance(raw, str) and len(raw) <= 200):
        return raw
    if isinstance(raw, float) and raw == raw and abs(raw) != float("inf"):
        return raw
    p.add(path, f"must be text, a number or true/false, got {show_value(raw)}")
    return None


def _days(raw: Any, path: str, p: Problems) -> frozenset[int] | None:
    """weekdays | weekends | everyday | mon | [mon, wed, fri] (full names work too)."""
    groups = {"weekdays": WORKDAYS, "weekends": WEEKEND, "everyday": EVERY_DAY, "daily": EVERY_DAY}
    names = {day: i for i, day in enumerate(WEEKDAYS)}
    full = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        p.add(path, f"must be weekdays, weekends, everyday or a list of days (mon ... sun), got {show_value(raw)}")
        return None
    chosen: set[int] = set()
    for i, item in enumerate(items):
        where = path if isinstance(raw, str) else join_path(path, i)
        word = item.strip().casefold() if isinstance(item, str) else None
        if word in groups:
            chosen |= groups[word]
        elif word in names or word in full:
            chosen.add(names.get(word, full.get(word, 0)))
        else:
            hint = suggest(word, [*groups, *names]) if word else ""
            p.add(where, f"must be a day (mon ... sun), weekdays, weekends or everyday, got {show_value(item)}{hint}")
            return None
    return frozenset(chosen)


_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _clock(raw: Any, path: str, p: Problems, *, allow_midnight_end: bool = False) -> time | None:
    if isinstance(raw, int) and not isinstance(raw, bool):
        p.add(path, f'must be a time like "16:00" in quotes, got {raw}')
        return None
    if isinstance(raw, str):
        text = raw.strip()
        if allow_midnight_end and text == "24:00":
            return time(0)
        match = _CLOCK.match(text)
        if match:
            return time(int(match.group(1)), int(match.group(2)))
    p.add(path, f'must be a time of day like "16:00", got {show_value(raw)}')
    return None


def _fact_condition(raw: Mapping, path: str, p: Problems) -> Condition | None:
    name = raw.get("fact")
    fact_path = join_path(path, "fact")
    if not isinstance(name, str):
        p.add(fact_path, f"must be a fact name, got {show_value(name)}")
        return None
    if name == LINES_FACT:
        return _lines_condition(raw, path, p)
    spec = fact_spec(name)
    if spec is None:
        p.add(fact_path, f"unknown fact '{name}'{suggest(name, FACT_NAMES)}")
        return None
    allowed = ["fact", "message", *OPERATOR_KEYS, *(["items"] if spec.takes_items else [])]
    fields = read_fields(raw, path, p, allowed)
    if fields is None:
        return None
    operators = [key for key in fields if key in OPERATOR_KEYS]
    usable = sorted({op.value for op in OPERATORS_FOR[spec.type]} | ({"is"} if Op.EQ in OPERATORS_FOR[spec.type] else set()))
    if len(operators) != 1:
        found = f"got {', '.join(operators)}" if operators else "got none"
        p.add(path, f"needs exactly one comparison ({', '.join(usable)}), {found}")
        return None
    key = operators[0]
    op, op_path = OPERATOR_KEYS[key], join_path(path, key)
    if op not in OPERATORS_FOR[spec.type]:
        p.add(op_path, f"'{key}' does not apply to {name}; use {', '.join(usable)}")
        return None
    before = len(p)
    value = _comparison_value(fields[key], op, op_path, p, spec.type, name)
    items = read_selector(fields["items"], join_path(path, "items"), p) if "items" in fields else None
    message = read_text(fields["message"], join_path(path, "message"), p, max_length=300) if "message" in fields else ""
    if len(p) > before:
        return None
    if spec.type is ValueType.WEEKDAY:  # days are sets: "is weekends" means "in {sat, sun}"
        op = Op.IN if op in (Op.EQ, Op.IN) else Op.NOT_IN
    return FactCondition(name, op, value, items, message or "")


def _comparison_value(raw: Any, op: Op, path: str, p: Problems, kind: ValueType, fact: str) -> Any:
    if kind is ValueType.WEEKDAY:
        return _days(raw, path, p)
    if op in (Op.IN, Op.NOT_IN):
        if not isinstance(raw, list) or not raw or len(raw) > MAX_LIST:
            p.add(path, f"must be a list of values, got {show_value(raw)}")
            return None
        values = [_fact_value(v, join_path(path, i), p, kind, fact) for i, v in enumerate(raw)]
        if any(v is None for v in values):
            return None
        try:
            return frozenset(values)
        except TypeError:
            p.add(path, "must be a list of plain values")
            return None
    if op is Op.BETWEEN:
        if not isinstance(raw, list) or len(raw) != 2:
            p.add(path, f"must be a list of two values [low, high], got {show_value(raw)}")
            return None
        low, high = (_fact_value(v, join_path(path, i), p, kind, fact) for i, v in enumerate(raw))
        if low is None or high is None:
            return None
        try:
            ordered = low <= high
        except TypeError:
            p.add(path, f"must be two values of the same kind, got {show_value(raw)}")
            return None
        if not ordered:
            p.add(path, f"low must not be above high, got {show_value(raw)}")
            return None
        return (low, high)
    if isinstance(raw, list):
        p.add(path, f"takes one value; to compare with several use in: {show_value(raw)}")
        return None
    return _fact_value(raw, path, p, kind, fact)


def _lines_condition(raw: Mapping, path: str, p: Problems) -> Condition | None:
    fields = read_fields(raw, path, p, ("fact", "items", "match", "message"), ("items",))
    if fields is None or "items" not in fields:
        return None
    items = read_selector(fields["items"], join_path(path, "items"), p)
    match = read_choice(fields.get("match", "any"), join_path(path, "match"), p, [m.value for m in Match])
    message = read_text(fields["message"], join_path(path, "message"), p, max_length=300) if "message" in fields else ""
    if items is None or match is None or message is None:
        return None
    return LinesCondition(items, Match(match), message)


_GROUPS = ("all", "any", "not", "fact")


def read_condition(raw: Any, path: str, p: Problems, depth: int = 0) -> Condition | None:
    if depth > MAX_CONDITION_DEPTH:
        p.add(path, f"conditions nest too deeply (more than {MAX_CONDITION_DEPTH} levels)")
        return None
    if isinstance(raw, list):  # a plain list means "all of these"
        return _group(All, raw, path, p, depth, "")
    if not isinstance(raw, Mapping):
        p.add(path, f"must be a condition ({{fact: ...}}, all, any or not), got {show_value(raw)}")
        return None
    present = [key for key in _GROUPS if key in raw]
    if len(present) != 1:
        keys = [k for k in raw if isinstance(k, str)]
        guess = next((suggest(k, _GROUPS) for k in keys if suggest(k, _GROUPS)), "")
        p.add(path, f"must have exactly one of fact, all, any or not{guess}")
        return None
    key = present[0]
    if key == "fact":
        return _fact_condition(raw, path, p)
    fields = read_fields(raw, path, p, (key, "message"))
    if fields is None:
        return None
    message = read_text(fields["message"], join_path(path, "message"), p, max_length=300) if "message" in fields else ""
    if message is None:
        return None
    if key == "not":
        inner = read_condition(fields["not"], join_path(path, "not"), p, depth + 1)
        return Not(inner, message) if inner is not None else None
    return _group(All if key == "all" else AnyOf, fields[key], join_path(path, key), p, depth, message)


def _group(cls: type, raw: Any, path: str, p: Problems, depth: int, message: str) -> Condition | None:
    if not isinstance(raw, list) or not raw:
        p.add(path, f"must be a non-empty list of conditions, got {show_value(raw)}")
        return None
    if len(raw) > 100:
        p.add(path, "must have at most 100 conditions")
        return None
    children = [read_condition(item, join_path(path, i), p, depth + 1) for i, item in enumerate(raw)]
    if any(child is None for child in children):
        return None
    return cls(tuple(children), message)


# ---- timing ----

def read_moment(raw: Any) -> date | datetime | None:
    """A date or date-time as `active: {from, until}` takes it ("2026-11-30", "2026-11-30 18:00",
    or a YAML date); None when it is neither."""
    if isinstance(raw, (date, datetime)):
        return raw
    if isinstance(raw, str) and len(raw) <= 40:
        text = raw.strip()
        try:
            return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            return None
    return None


def _instant(raw: Any, path: str, p: Problems, tz: str, *, end: bool) -> datetime | None:
    """A date (start of day, or for `until` the end of that day) or a date-time, in `tz`
    unless it carries its own offset."""
    value = read_moment(raw)
    if value is None:
        p.add(path, f'must be a date "2026-11-30" or date and time "2026-11-30 18:00", got {show_value(raw)}')
        return None
    try:
        if not isinstance(value, datetime):
            day = value + timedelta(days=1) if end else value
            return datetime.combine(day, time(0), tzinfo=zone(tz))
        if value.tzinfo is None:
            return value.replace(tzinfo=zone(tz))
        return value
    except OverflowError:
        p.add(path, f"is out of range: {show_value(raw)}")
        return None


def read_active(raw: Any, path: str, p: Problems, tz: str) -> tuple[datetime | None, datetime | None]:
    fields = read_fields(raw, path, p, ("from", "until"))
    if fields is None:
        return None, None
    starts = _instant(fields["from"], join_path(path, "from"), p, tz, end=False) if "from" in fields else None
    ends = _instant(fields["until"], join_path(path, "until"), p, tz, end=True) if "until" in fields else None
    if starts is not None and ends is not None and ends <= starts:
        p.add(join_path(path, "until"), "must be after from")
    return starts, ends


def read_schedule(raw: Any, path: str, p: Problems) -> tuple[c.ScheduleSlot, ...]:
    items = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(items, list) or not items or len(items) > 50:
        p.add(path, f"must be a list of {{days, from, until}} slots, got {show_value(raw)}")
        return ()
    slots = []
    for i, item in enumerate(items):
        where = join_path(path, i)
        fields = read_fields(item, where, p, ("days", "from", "until"))
        if fields is None:
            continue
        days = _days(fields["days"], join_path(where, "days"), p) if "days" in fields else EVERY_DAY
        start = _clock(fields["from"], join_path(where, "from"), p) if "from" in fields else time(0)
        end = _clock(fields["until"], join_path(where, "until"), p, allow_midnight_end=True) if "until" in fields else time(0)
        if days is None or start is None or end is None:
            continue
        if start == end and ("from" in fields or "until" in fields):
            p.add(where, "from and until must differ (leave both out for the whole day)")
            continue
        slots.append(c.ScheduleSlot(days, start, end))
    return tuple(slots)
