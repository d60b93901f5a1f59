"""Read campaign definitions (the YAML/JSON people write) into validated Campaign objects.

    parse_campaign(mapping, timezone="Asia/Bangkok") -> Campaign
    parse_campaigns(list)                           -> list[Campaign]
    load_definitions("campaigns.yaml")              -> list[Campaign]
    read_definitions(yaml_or_json_text)             -> list[Campaign]

The format is documented in docs/campaigns.md. Validation collects every problem, each as
"path: message" ("effect.percent: must be between 0 and 100, got 120"), and raises them
together as DefinitionError. Unknown keys are errors: a misspelt rule must never be ignored.
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable
from zoneinfo import available_timezones

import yaml
from babel import Locale
from babel.numbers import list_currencies

from promo.core import campaign as c
from promo.core.conditions import (
    FACT_NAMES, LINES_FACT, OPERATORS_FOR, All, Any as AnyOf, Condition, FactCondition,
    LinesCondition, Match, Not, Op, Scope, ValueType, fact_spec, scope_of,
)
from promo.core.domain import CartLine
from promo.core.formula import Formula, FormulaError
from promo.core.text import normalise, refusal
from promo.core.timing import EVERY_DAY, WEEKDAYS, WEEKEND, WORKDAYS, zone

MAX_MONEY = 10**12                 # minor units; anything larger is a typo
MAX_COUNT = 10**9
MAX_CONDITION_DEPTH = 16
MAX_LIST = 1000
MIN_RANDOM_CHARACTERS = 6          # '#' in a bulk code pattern: 29^6 ≈ 600 million codes
MAX_VALID_DAYS = 3650              # a code valid for more than ten years is a typo
PAGES = ("home", "category", "product", "cart", "checkout", "deals", "wallet")
KINDS_WITH_SECTION = {c.Kind.GIFT_CARD: "gift_card", c.Kind.LOYALTY: "loyalty", c.Kind.REFERRAL: "referral"}


# ---- errors ----

@dataclass(frozen=True)
class FieldError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DefinitionError(ValueError):
    """Every problem found in a definition, each naming the field's path."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)

    def prefixed(self, prefix: str) -> DefinitionError:
        return DefinitionError(FieldError(_join(prefix, e.path), e.message) for e in self.errors)


def _join(path: str, key: str | int) -> str:
    """ "eligibility" + 1 -> "eligibility[1]"; "effect" + "percent" -> "effect.percent"."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if not path or not key:
        return path or key
    return f"{path}{key}" if key.startswith("[") else f"{path}.{key}"


class _Problems:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def __len__(self) -> int:
        return len(self.errors)


def _suggest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."


# ---- scalar readers: each returns the parsed value, or None after recording a problem ----

def _fields(raw: Any, path: str, p: _Problems, allowed: Iterable[str], required: Iterable[str] = ()) -> dict | None:
    if not isinstance(raw, Mapping):
        p.add(path, f"must be a mapping of keys to values, got {_show(raw)}")
        return None
    allowed = list(allowed)
    result = {}
    for key, value in raw.items():
        if not isinstance(key, str):
            p.add(path, f"keys must be text, got {_show(key)}")
        elif key not in allowed:
            p.add(_join(path, key), f"unknown key{_suggest(key, allowed)}; expected one of: {', '.join(allowed)}")
        else:
            result[key] = value
    for key in required:
        if key not in result:
            p.add(_join(path, key), "is required")
    return result


def _text(raw: Any, path: str, p: _Problems, *, max_length: int = 200, empty: bool = False,
          newlines: bool = False) -> str | None:
    """Every text of a definition (names, descriptions, messages, codes, tags ...) is read
    NFKC-normalised, and refused with its path when it holds a control character, a bidi
    override or isolate, or another invisible format character (promo.core.text). So the console,
    the API and scenario packs all store names as people see them. Only a description may
    span lines (``newlines``)."""
    if not isinstance(raw, str):
        p.add(path, f"must be text, got {_show(raw)}")
        return None
    value = normalise(raw)
    refused = refusal(value, allow_newlines=newlines)
    if refused is not None:
        p.add(path, refused)
        return None
    if not value and not empty:
        p.add(path, "must not be empty")
        return None
    if len(value) > max_length:
        p.add(path, f"must be at most {max_length} characters")
        return None
    return value


def _bool(raw: Any, path: str, p: _Problems) -> bool | None:
    if not isinstance(raw, bool):
        p.add(path, f"must be true or false, got {_show(raw)}")
        return None
    return raw


def _int(raw: Any, path: str, p: _Problems, *, minimum: int = 0, maximum: int = MAX_COUNT) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, int):
        p.add(path, f"must be a whole number, got {_show(raw)}")
        return None
    if not minimum <= raw <= maximum:
        p.add(path, f"must be between {minimum} and {maximum}, got {raw}")
        return None
    return raw


def _money(raw: Any, path: str, p: _Problems, *, minimum: int = 0) -> int | None:
    """Money is a whole number of minor units (cents): 5000 is $50.00."""
    if isinstance(raw, bool) or not isinstance(raw, int):
        p.add(path, f"must be a whole number of minor units (cents), e.g. 5000 for $50.00; got {_show(raw)}")
        return None
    if not minimum <= raw <= MAX_MONEY:
        low = "more than 0" if minimum == 1 else f"at least {minimum}"
        p.add(path, f"must be {low} and at most {MAX_MONEY}, got {raw}")
        return None
    return raw


def _percent(raw: Any, path: str, p: _Problems) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        p.add(path, f"must be a number of percent (0-100), got {_show(raw)}")
        return None
    try:
        value = Decimal(raw) if isinstance(raw, int) else Decimal(str(raw))
    except (InvalidOperation, ValueError, OverflowError):
        p.add(path, f"must be a number of percent (0-100), got {_show(raw)}")
        return None
    if not value.is_finite() or not 0 < value <= 100:
        p.add(path, f"must be between 0 and 100, got {raw}")
        return None
    return value


def _choice(raw: Any, path: str, p: _Problems, choices: Sequence[str]) -> str | None:
    if not isinstance(raw, str) or raw not in choices:
        hint = _suggest(raw, choices) if isinstance(raw, str) else ""
        p.add(path, f"must be one of {', '.join(choices)}, got {_show(raw)}{hint}")
        return None
    return raw


def _texts(raw: Any, path: str, p: _Problems, *, max_length: int = 100) -> frozenset[str] | None:
    """A list of texts (a single text is a list of one)."""
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        p.add(path, f"must be a list of texts, got {_show(raw)}")
        return None
    if len(items) > MAX_LIST:
        p.add(path, f"must have at most {MAX_LIST} entries")
        return None
    values = [_text(item, _join(path, i), p, max_length=max_length) for i, item in enumerate(items)]
    if any(v is None for v in values):
        return None
    return frozenset(v for v in values if v is not None)


def _formula(raw: Mapping, path: str, p: _Problems, read_fallback: Callable[..., Any],
             maximum: Decimal | None) -> Formula | None:
    fields = _fields(raw, path, p, ("formula", "fallback"), ("formula", "fallback"))
    if fields is None or "formula" not in fields or "fallback" not in fields:
        return None
    expression = _text(fields["formula"], _join(path, "formula"), p, max_length=500)
    fallback = read_fallback(fields["fallback"], _join(path, "fallback"), p)
    if expression is None or fallback is None:
        return None
    try:
        return Formula(expression, Decimal(fallback), maximum)
    except FormulaError as exc:
        p.add(_join(path, "formula"), str(exc))
        return None


def _amount(raw: Any, path: str, p: _Problems, *, minimum: int = 1) -> c.Amount | None:
    """A money amount, or {formula, fallback} computing one."""
    if isinstance(raw, Mapping):
        return _formula(raw, path, p, lambda v, pa, pr: _money(v, pa, pr, minimum=0), None)
    return _money(raw, path, p, minimum=minimum)


def _percent_value(raw: Any, path: str, p: _Problems) -> c.Percent | None:
    if isinstance(raw, Mapping):
        return _formula(raw, path, p, _percent, Decimal(100))
    return _percent(raw, path, p)


# ---- item selection ----

SELECTOR_KEYS = ("skus", "categories", "collections", "exclude_skus", "max_unit_price", "label")


def _selector(raw: Any, path: str, p: _Problems) -> c.ItemSelector | None:
    fields = _fields(raw, path, p, SELECTOR_KEYS)
    if fields is None:
        return None
    before = len(p)
    values: dict[str, Any] = {}
    for key in ("skus", "categories", "collections", "exclude_skus"):
        if key in fields:
            values[key] = _texts(fields[key], _join(path, key), p)
    if "max_unit_price" in fields:
        values["max_unit_price"] = _money(fields["max_unit_price"], _join(path, "max_unit_price"), p)
    if "label" in fields:
        values["label"] = _text(fields["label"], _join(path, "label"), p, max_length=80)
    if len(p) > before:
        return None
    return c.ItemSelector(**values)


def _optional_selector(fields: dict, key: str, path: str, p: _Problems) -> c.ItemSelector | None:
    if key not in fields:
        return c.ItemSelector()
    return _selector(fields[key], _join(path, key), p)


# ---- effects ----

@dataclass(frozen=True)
class _EffectSpec:
    keys: tuple[str, ...]
    required: tuple[str, ...]
    build: Callable[[dict, str, _Problems], Any]


def _build_amount_off_order(f: dict, path: str, p: _Problems) -> Any:
    return c.AmountOffOrder(_amount(f["amount"], _join(path, "amount"), p))


def _cap(f: dict, path: str, p: _Problems) -> int | None:
    return _money(f["cap"], _join(path, "cap"), p, minimum=1) if "cap" in f else None


def _build_percent_off_order(f: dict, path: str, p: _Problems) -> Any:
    return c.PercentOffOrder(_percent_value(f["percent"], _join(path, "percent"), p), _cap(f, path, p))


def _build_amount_each(cls: type) -> Callable[[dict, str, _Problems], Any]:
    def build(f: dict, path: str, p: _Problems) -> Any:
        return cls(_amount(f["amount"], _join(path, "amount"), p), _optional_selector(f, "items", path, p))
    return build


def _build_amount_split(f: dict, path: str, p: _Problems) -> Any:
    by = _choice(f.get("by", "amount"), _join(path, "by"), p, ("amount", "quantity"))
    return c.AmountSplit(_amount(f["amount"], _join(path, "amount"), p), _optional_selector(f, "items", path, p), by)


def _build_percent_off_items(f: dict, path: str, p: _Problems) -> Any:
    return c.PercentOffItems(
        _percent_value(f["percent"], _join(path, "percent"), p),
        _optional_selector(f, "items", path, p), _cap(f, path, p),
    )


def _build_unit_price(f: dict, path: str, p: _Problems) -> Any:
    return c.UnitPrice(_amount(f["price"], _join(path, "price"), p, minimum=0), _optional_selector(f, "items", path, p))


def _optional_bool(f: dict, key: str, default: bool, path: str, p: _Problems) -> bool | None:
    return _bool(f[key], _join(path, key), p) if key in f else default


def _build_bundle_price(f: dict, path: str, p: _Problems) -> Any:
    return c.BundlePrice(
        _int(f["quantity"], _join(path, "quantity"), p, minimum=2, maximum=1000),
        _amount(f["price"], _join(path, "price"), p, minimum=0),
        _optional_selector(f, "items", path, p),
        _optional_bool(f, "repeat", True, path, p),
    )


PICKS = ("cheapest", "most_expensive")


def _build_cheapest_items(f: dict, path: str, p: _Problems) -> Any:
    count = _int(f.get("count", 1), _join(path, "count"), p, minimum=1, maximum=1000)
    every = None
    if "every" in f:
        every = _int(f["every"], _join(path, "every"), p, minimum=2, maximum=1000)
        if every is not None and count is not None and every <= count:
            p.add(_join(path, "every"), f"must be greater than count ({count}), got {every}")
    return c.CheapestItems(
        _percent_value(f["percent"], _join(path, "percent"), p), count,
        _optional_selector(f, "items", path, p),
        _choice(f.get("pick", "cheapest"), _join(path, "pick"), p, PICKS), every,
    )


def _side(raw: Any, path: str, p: _Problems) -> tuple[int | None, c.ItemSelector | None, bool]:
    """`buy:` / `get:` of buy_x_get_y: {quantity, items?}. Returns (quantity, items, has_items)."""
    fields = _fields(raw, path, p, ("quantity", "items"), ("quantity",))
    if fields is None:
        return None, None, False
    quantity = _int(fields["quantity"], _join(path, "quantity"), p, minimum=1, maximum=1000) if "quantity" in fields else None
    items = _selector(fields["items"], _join(path, "items"), p) if "items" in fields else c.ItemSelector()
    return quantity, items, "items" in fields


def _build_buy_x_get_y(f: dict, path: str, p: _Problems) -> Any:
    buy_quantity, buy_items, _ = _side(f["buy"], _join(path, "buy"), p)
    get_quantity, get_items, get_has_items = _side(f["get"], _join(path, "get"), p)
    max_repeats = _int(f["max_repeats"], _join(path, "max_repeats"), p, minimum=1) if "max_repeats" in f else None
    percent = _percent_value(f["percent"], _join(path, "percent"), p) if "percent" in f else Decimal(100)
    return c.BuyXGetY(
        buy_quantity, get_quantity, buy_items, get_items if get_has_items else None, percent,
        _optional_bool(f, "repeat", True, path, p), max_repeats,
        _choice(f.get("pick", "cheapest"), _join(path, "pick"), p, PICKS),
    )


def _build_volume(f: dict, path: str, p: _Problems) -> Any:
    return c.Volume(
        _int(f["buy"], _join(path, "buy"), p, minimum=1, maximum=1000),
        _int(f.get("free", 1), _join(path, "free"), p, minimum=1, maximum=1000),
        _optional_selector(f, "items", path, p),
        _optional_bool(f, "per_sku", True, path, p),
    )


def _tier(raw: Any, path: str, p: _Problems) -> c.Tier | None:
    before = len(p)
    fields = _fields(raw, path, p, ("min_subtotal", "percent", "amount"), ("min_subtotal",))
    if fields is None:
        return None
    minimum = _money(fields["min_subtotal"], _join(path, "min_subtotal"), p) if "min_subtotal" in fields else None
    has_percent, has_amount = "percent" in fields, "amount" in fields
    if has_percent == has_amount:
        p.add(path, "needs exactly one of percent or amount")
    percent = _percent_value(fields["percent"], _join(path, "percent"), p) if has_percent else None
    amount = _amount(fields["amount"], _join(path, "amount"), p) if has_amount else None
    return c.Tier(minimum, percent, amount) if len(p) == before else None


def _build_tiers(f: dict, path: str, p: _Problems) -> Any:
    raw = f["tiers"]
    tiers_path = _join(path, "tiers")
    tiers: list[c.Tier] = []
    if not isinstance(raw, list) or not raw:
        p.add(tiers_path, f"must be a list of tiers, got {_show(raw)}")
    elif len(raw) > 50:
        p.add(tiers_path, "must have at most 50 tiers")
    else:
        parsed = [_tier(item, _join(tiers_path, i), p) for i, item in enumerate(raw)]
        tiers = [tier for tier in parsed if tier is not None]
        if len(tiers) == len(parsed):
            for i in range(1, len(tiers)):
                if tiers[i].min_subtotal <= tiers[i - 1].min_subtotal:
                    p.add(_join(_join(tiers_path, i), "min_subtotal"),
                          f"tiers must go up: {tiers[i].min_subtotal} is not above {tiers[i - 1].min_subtotal}")
    basis = _choice(f.get("basis", "running"), _join(path, "basis"), p, ("running", "initial"))
    return c.Tiers(tuple(tiers), _optional_selector(f, "items", path, p), basis)


def _gift(raw: Any, path: str, p: _Problems, quantity: int) -> CartLine | None:
    fields = _fields(raw, path, p, ("sku", "name", "price", "categories", "collections"), ("sku", "name", "price"))
    if fields is None or not {"sku", "name", "price"} <= fields.keys():
        return None
    sku = _text(fields["sku"], _join(path, "sku"), p, max_length=64)
    name = _text(fields["name"], _join(path, "name"), p)
    price = _money(fields["price"], _join(path, "price"), p)
    categories = _texts(fields["categories"], _join(path, "categories"), p) if "categories" in fields else frozenset()
    collections = _texts(fields["collections"], _join(path, "collections"), p) if "collections" in fields else frozenset()
    if None in (sku, name, price, categories, collections):
        return None
    return CartLine(sku, name, price, quantity, categories, collections)


def _build_free_gift(f: dict, path: str, p: _Problems) -> Any:
    quantity = _int(f.get("quantity", 1), _join(path, "quantity"), p, minimum=1, maximum=100)
    gift = _gift(f["gift"], _join(path, "gift"), p, quantity or 1)
    return c.FreeGift(gift, quantity)


def _build_shipping(f: dict, path: str, p: _Problems) -> Any:
    if "percent" in f and "amount" in f:
        p.add(path, "give either percent or amount, not both")
    if "amount" in f:
        return c.ShippingDiscount(percent=None, amount=_amount(f["amount"], _join(path, "amount"), p))
    percent = _percent_value(f["percent"], _join(path, "percent"), p) if "percent" in f else Decimal(100)
    return c.ShippingDiscount(percent=percent)


EFFECTS: dict[str, _EffectSpec] = {
    "amount_off_order": _EffectSpec(("amount",), ("amount",), _build_amount_off_order),
    "percent_off_order": _EffectSpec(("percent", "cap"), ("percent",), _build_percent_off_order),
    "amount_off_each_line": _EffectSpec(("amount", "items"), ("amount",), _build_amount_each(c.AmountOffEachLine)),
    "amount_off_each_unit": _EffectSpec(("amount", "items"), ("amount",), _build_amount_each(c.AmountOffEachUnit)),
    "amount_split": _EffectSpec(("amount", "items", "by"), ("amount",), _build_amount_split),
    "percent_off_items": _EffectSpec(("percent", "items", "cap"), ("percent",), _build_percent_off_items),
    "unit_price": _EffectSpec(("price", "items"), ("price",), _build_unit_price),
    "bundle_price": _EffectSpec(("quantity", "price", "items", "repeat"), ("quantity", "price"), _build_bundle_price),
    "cheapest_items": _EffectSpec(("percent", "count", "items", "pick", "every"), ("percent",), _build_cheapest_items),
    "buy_x_get_y": _EffectSpec(("buy", "get", "percent", "repeat", "max_repeats", "pick"), ("buy", "get"), _build_buy_x_get_y),
    "volume": _EffectSpec(("buy", "free", "items", "per_sku"), ("buy",), _build_volume),
    "tiers": _EffectSpec(("tiers", "items", "basis"), ("tiers",), _build_tiers),
    "free_gift": _EffectSpec(("gift", "quantity"), ("gift",), _build_free_gift),
    "shipping": _EffectSpec(("percent", "amount"), (), _build_shipping),
}
EFFECT_TYPES = {
    c.AmountOffOrder: "amount_off_order", c.PercentOffOrder: "percent_off_order",
    c.AmountOffEachLine: "amount_off_each_line", c.AmountOffEachUnit: "amount_off_each_unit",
    c.AmountSplit: "amount_split", c.PercentOffItems: "percent_off_items", c.UnitPrice: "unit_price",
    c.BundlePrice: "bundle_price", c.CheapestItems: "cheapest_items", c.BuyXGetY: "buy_x_get_y",
    c.Volume: "volume", c.Tiers: "tiers", c.FreeGift: "free_gift", c.ShippingDiscount: "shipping",
}


def _effect(raw: Any, path: str, p: _Problems) -> c.Effect | None:
    if not isinstance(raw, Mapping):
        p.add(path, f"must be a mapping with a type, got {_show(raw)}")
        return None
    kind = raw.get("type")
    if kind is None:
        p.add(_join(path, "type"), f"is required; one of: {', '.join(EFFECTS)}")
        return None
    if not isinstance(kind, str) or kind not in EFFECTS:
        hint = _suggest(kind, EFFECTS) if isinstance(kind, str) else ""
        p.add(_join(path, "type"), f"unknown effect type {_show(kind)}{hint}; one of: {', '.join(EFFECTS)}")
        return None
    spec = EFFECTS[kind]
    fields = _fields(raw, path, p, ("type", *spec.keys), spec.required)
    if fields is None or not set(spec.required) <= fields.keys():
        return None
    before = len(p)
    effect = spec.build(fields, path, p)
    return effect if len(p) == before else None


# ---- conditions ----

OPERATOR_KEYS = {"is": Op.EQ, **{op.value: op for op in Op}}


def _fact_value(raw: Any, path: str, p: _Problems, kind: ValueType, fact: str) -> Any:
    """One comparison value of the fact's type, normalised as the condition compares it."""
    if kind is ValueType.MONEY:
        return _money(raw, path, p)
    if kind is ValueType.COUNT:
        return _int(raw, path, p)
    if kind is ValueType.BOOL:
        return _bool(raw, path, p)
    if kind is ValueType.TIME:
        return _clock(raw, path, p)
    if kind is ValueType.COUNTRY:
        code = _text(raw, path, p, max_length=2)
        if code is None:
            return None
        if code.upper() not in _countries():
            p.add(path, f"must be an ISO 3166 country code like TH or PL, got {_show(raw)}")
            return None
        return code.upper()
    if kind in (ValueType.TEXT, ValueType.SEGMENT):
        value = _text(raw, path, p, max_length=100)
        if value is not None and fact == "context.page" and value.casefold() not in PAGES:
            p.add(path, f"unknown page {_show(raw)}{_suggest(value.casefold(), PAGES)}; pages: {', '.join(PAGES)}")
            return None
        return value.casefold() if value is not None else None
    # customer.metadata.<key>: whatever JSON scalar the shop stores
    if isinstance(raw, bool) or isinstance(raw, int) or (isinstance(raw, str) and len(raw) <= 200):
        return raw
    if isinstance(raw, float) and raw == raw and abs(raw) != float("inf"):
        return raw
    p.add(path, f"must be text, a number or true/false, got {_show(raw)}")
    return None


def _days(raw: Any, path: str, p: _Problems) -> frozenset[int] | None:
    """weekdays | weekends | everyday | mon | [mon, wed, fri] (full names work too)."""
    groups = {"weekdays": WORKDAYS, "weekends": WEEKEND, "everyday": EVERY_DAY, "daily": EVERY_DAY}
    names = {day: i for i, day in enumerate(WEEKDAYS)}
    full = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        p.add(path, f"must be weekdays, weekends, everyday or a list of days (mon ... sun), got {_show(raw)}")
        return None
    chosen: set[int] = set()
    for i, item in enumerate(items):
        where = path if isinstance(raw, str) else _join(path, i)
        word = item.strip().casefold() if isinstance(item, str) else None
        if word in groups:
            chosen |= groups[word]
        elif word in names or word in full:
            chosen.add(names.get(word, full.get(word, 0)))
        else:
            hint = _suggest(word, [*groups, *names]) if word else ""
            p.add(where, f"must be a day (mon ... sun), weekdays, weekends or everyday, got {_show(item)}{hint}")
            return None
    return frozenset(chosen)


_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _clock(raw: Any, path: str, p: _Problems, *, allow_midnight_end: bool = False) -> time | None:
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
    p.add(path, f'must be a time of day like "16:00", got {_show(raw)}')
    return None


def _fact_condition(raw: Mapping, path: str, p: _Problems) -> Condition | None:
    name = raw.get("fact")
    fact_path = _join(path, "fact")
    if not isinstance(name, str):
        p.add(fact_path, f"must be a fact name, got {_show(name)}")
        return None
    if name == LINES_FACT:
        return _lines_condition(raw, path, p)
    spec = fact_spec(name)
    if spec is None:
        p.add(fact_path, f"unknown fact '{name}'{_suggest(name, FACT_NAMES)}")
        return None
    allowed = ["fact", "message", *OPERATOR_KEYS, *(["items"] if spec.takes_items else [])]
    fields = _fields(raw, path, p, allowed)
    if fields is None:
        return None
    operators = [key for key in fields if key in OPERATOR_KEYS]
    usable = sorted({op.value for op in OPERATORS_FOR[spec.type]} | ({"is"} if Op.EQ in OPERATORS_FOR[spec.type] else set()))
    if len(operators) != 1:
        found = f"got {', '.join(operators)}" if operators else "got none"
        p.add(path, f"needs exactly one comparison ({', '.join(usable)}), {found}")
        return None
    key = operators[0]
    op, op_path = OPERATOR_KEYS[key], _join(path, key)
    if op not in OPERATORS_FOR[spec.type]:
        p.add(op_path, f"'{key}' does not apply to {name}; use {', '.join(usable)}")
        return None
    before = len(p)
    value = _comparison_value(fields[key], op, op_path, p, spec.type, name)
    items = _selector(fields["items"], _join(path, "items"), p) if "items" in fields else None
    message = _text(fields["message"], _join(path, "message"), p, max_length=300) if "message" in fields else ""
    if len(p) > before:
        return None
    if spec.type is ValueType.WEEKDAY:  # days are sets: "is weekends" means "in {sat, sun}"
        op = Op.IN if op in (Op.EQ, Op.IN) else Op.NOT_IN
    return FactCondition(name, op, value, items, message or "")


def _comparison_value(raw: Any, op: Op, path: str, p: _Problems, kind: ValueType, fact: str) -> Any:
    if kind is ValueType.WEEKDAY:
        return _days(raw, path, p)
    if op in (Op.IN, Op.NOT_IN):
        if not isinstance(raw, list) or not raw or len(raw) > MAX_LIST:
            p.add(path, f"must be a list of values, got {_show(raw)}")
            return None
        values = [_fact_value(v, _join(path, i), p, kind, fact) for i, v in enumerate(raw)]
        if any(v is None for v in values):
            return None
        try:
            return frozenset(values)
        except TypeError:
            p.add(path, "must be a list of plain values")
            return None
    if op is Op.BETWEEN:
        if not isinstance(raw, list) or len(raw) != 2:
            p.add(path, f"must be a list of two values [low, high], got {_show(raw)}")
            return None
        low, high = (_fact_value(v, _join(path, i), p, kind, fact) for i, v in enumerate(raw))
        if low is None or high is None:
            return None
        try:
            ordered = low <= high
        except TypeError:
            p.add(path, f"must be two values of the same kind, got {_show(raw)}")
            return None
        if not ordered:
            p.add(path, f"low must not be above high, got {_show(raw)}")
            return None
        return (low, high)
    if isinstance(raw, list):
        p.add(path, f"takes one value; to compare with several use in: {_show(raw)}")
        return None
    return _fact_value(raw, path, p, kind, fact)


def _lines_condition(raw: Mapping, path: str, p: _Problems) -> Condition | None:
    fields = _fields(raw, path, p, ("fact", "items", "match", "message"), ("items",))
    if fields is None or "items" not in fields:
        return None
    items = _selector(fields["items"], _join(path, "items"), p)
    match = _choice(fields.get("match", "any"), _join(path, "match"), p, [m.value for m in Match])
    message = _text(fields["message"], _join(path, "message"), p, max_length=300) if "message" in fields else ""
    if items is None or match is None or message is None:
        return None
    return LinesCondition(items, Match(match), message)


_GROUPS = ("all", "any", "not", "fact")


def _condition(raw: Any, path: str, p: _Problems, depth: int = 0) -> Condition | None:
    if depth > MAX_CONDITION_DEPTH:
        p.add(path, f"conditions nest too deeply (more than {MAX_CONDITION_DEPTH} levels)")
        return None
    if isinstance(raw, list):  # a plain list means "all of these"
        return _group(All, raw, path, p, depth, "")
    if not isinstance(raw, Mapping):
        p.add(path, f"must be a condition ({{fact: ...}}, all, any or not), got {_show(raw)}")
        return None
    present = [key for key in _GROUPS if key in raw]
    if len(present) != 1:
        keys = [k for k in raw if isinstance(k, str)]
        guess = next((_suggest(k, _GROUPS) for k in keys if _suggest(k, _GROUPS)), "")
        p.add(path, f"must have exactly one of fact, all, any or not{guess}")
        return None
    key = present[0]
    if key == "fact":
        return _fact_condition(raw, path, p)
    fields = _fields(raw, path, p, (key, "message"))
    if fields is None:
        return None
    message = _text(fields["message"], _join(path, "message"), p, max_length=300) if "message" in fields else ""
    if message is None:
        return None
    if key == "not":
        inner = _condition(fields["not"], _join(path, "not"), p, depth + 1)
        return Not(inner, message) if inner is not None else None
    return _group(All if key == "all" else AnyOf, fields[key], _join(path, key), p, depth, message)


def _group(cls: type, raw: Any, path: str, p: _Problems, depth: int, message: str) -> Condition | None:
    if not isinstance(raw, list) or not raw:
        p.add(path, f"must be a non-empty list of conditions, got {_show(raw)}")
        return None
    if len(raw) > 100:
        p.add(path, "must have at most 100 conditions")
        return None
    children = [_condition(item, _join(path, i), p, depth + 1) for i, item in enumerate(raw)]
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


def _instant(raw: Any, path: str, p: _Problems, tz: str, *, end: bool) -> datetime | None:
    """A date (start of day, or for `until` the end of that day) or a date-time, in `tz`
    unless it carries its own offset."""
    value = read_moment(raw)
    if value is None:
        p.add(path, f'must be a date "2026-11-30" or date and time "2026-11-30 18:00", got {_show(raw)}')
        return None
    try:
        if not isinstance(value, datetime):
            day = value + timedelta(days=1) if end else value
            return datetime.combine(day, time(0), tzinfo=zone(tz))
        if value.tzinfo is None:
            return value.replace(tzinfo=zone(tz))
        return value
    except OverflowError:
        p.add(path, f"is out of range: {_show(raw)}")
        return None


def _active(raw: Any, path: str, p: _Problems, tz: str) -> tuple[datetime | None, datetime | None]:
    fields = _fields(raw, path, p, ("from", "until"))
    if fields is None:
        return None, None
    starts = _instant(fields["from"], _join(path, "from"), p, tz, end=False) if "from" in fields else None
    ends = _instant(fields["until"], _join(path, "until"), p, tz, end=True) if "until" in fields else None
    if starts is not None and ends is not None and ends <= starts:
        p.add(_join(path, "until"), "must be after from")
    return starts, ends


def _schedule(raw: Any, path: str, p: _Problems) -> tuple[c.ScheduleSlot, ...]:
    items = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(items, list) or not items or len(items) > 50:
        p.add(path, f"must be a list of {{days, from, until}} slots, got {_show(raw)}")
        return ()
    slots = []
    for i, item in enumerate(items):
        where = _join(path, i)
        fields = _fields(item, where, p, ("days", "from", "until"))
        if fields is None:
            continue
        days = _days(fields["days"], _join(where, "days"), p) if "days" in fields else EVERY_DAY
        start = _clock(fields["from"], _join(where, "from"), p) if "from" in fields else time(0)
        end = _clock(fields["until"], _join(where, "until"), p, allow_midnight_end=True) if "until" in fields else time(0)
        if days is None or start is None or end is None:
            continue
        if start == end and ("from" in fields or "until" in fields):
            p.add(where, "from and until must differ (leave both out for the whole day)")
            continue
        slots.append(c.ScheduleSlot(days, start, end))
    return tuple(slots)


# ---- codes, visibility, limits ----

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")
_CODE_PART = re.compile(r"^[A-Z0-9_-]*$")


def _code(raw: Any, path: str, p: _Problems) -> str | None:
    text = _text(raw, path, p, max_length=32)
    if text is None:
        return None
    code = text.upper()
    if not _CODE.match(code):
        p.add(path, f"must be 3-32 letters, digits, '-' or '_', got {_show(raw)}")
        return None
    return code


CODES_KEYS = ("pattern", "charset", "prefix", "postfix", "valid_days")


def _code_pattern(raw: Any, path: str, p: _Problems) -> c.CodePattern | None:
    fields = _fields(raw, path, p, CODES_KEYS, ("pattern",))
    if fields is None or "pattern" not in fields:
        return None
    before = len(p)
    pattern = _text(fields["pattern"], _join(path, "pattern"), p, max_length=64)
    if pattern is not None:
        pattern = pattern.upper()
        if pattern.count("#") < MIN_RANDOM_CHARACTERS:
            p.add(_join(path, "pattern"), f"needs at least {MIN_RANDOM_CHARACTERS} '#' (random characters) so codes can't be guessed, got {_show(pattern)}")
        elif not _CODE_PART.match(pattern.replace("#", "")):
            p.add(_join(path, "pattern"), "may contain only '#', letters, digits, '-' and '_'")
    charset = c.DEFAULT_CHARSET
    if "charset" in fields:
        charset = _text(fields["charset"], _join(path, "charset"), p, max_length=64) or ""
        if charset and (len(set(charset)) != len(charset) or len(charset) < 10 or not charset.isalnum() or not charset.isascii()):
            p.add(_join(path, "charset"), "must be at least 10 different letters or digits")
    affixes = {}
    for key in ("prefix", "postfix"):
        if key in fields:
            value = _text(fields[key], _join(path, key), p, max_length=20, empty=True)
            if value is not None and not _CODE_PART.match(value.upper()):
                p.add(_join(path, key), "may contain only letters, digits, '-' and '_'")
            affixes[key] = (value or "").upper()
    if len(p) > before or pattern is None:
        return None
    return c.CodePattern(pattern, charset, **affixes)


def _code_valid_days(raw: Any, path: str, kind: c.Kind | None, p: _Problems) -> int | None:
    """`codes.valid_days`: how long each code lasts once published (problems with the rest of
    `codes` are _code_pattern's)."""
    if not isinstance(raw, Mapping) or "valid_days" not in raw:
        return None
    where = _join(path, "valid_days")
    if kind is not None and kind is not c.Kind.BULK:
        p.add(where, f"is only for kind bulk (codes published to one customer each), not {kind.value}")
        return None
    return _int(raw["valid_days"], where, p, minimum=1, maximum=MAX_VALID_DAYS)


def _visibility(raw: Any, path: str, p: _Problems) -> c.Visibility:
    fields = _fields(raw, path, p, ("pages", "categories", "audience", "listed"))
    if fields is None:
        return c.Visibility()
    pages: frozenset[str] = frozenset()
    if "pages" in fields:
        pages = frozenset(x.casefold() for x in (_texts(fields["pages"], _join(path, "pages"), p) or ()))
        for page in sorted(pages - set(PAGES)):
            p.add(_join(path, "pages"), f"unknown page '{page}'{_suggest(page, PAGES)}; pages: {', '.join(PAGES)}")
    categories = frozenset(
        x.casefold() for x in (_texts(fields["categories"], _join(path, "categories"), p) or ())
    ) if "categories" in fields else frozenset()
    audience = None
    if "audience" in fields:
        audience = _condition(fields["audience"], _join(path, "audience"), p)
        if audience is not None:
            cart_facts = sorted({n for n in audience.fact_names() if scope_of(n) is Scope.CART})
            if cart_facts:
                p.add(_join(path, "audience"),
                      f"can read only customer and context facts, not {', '.join(cart_facts)} (cart rules belong in eligibility)")
    listed = _bool(fields["listed"], _join(path, "listed"), p) if "listed" in fields else True
    return c.Visibility(pages, categories, audience, True if listed is None else listed)


def _limits(raw: Any, path: str, p: _Problems) -> c.Limits:
    keys = ("per_code", "per_customer", "per_customer_per", "total", "budget", "order_value_budget")
    fields = _fields(raw, path, p, keys)
    if fields is None:
        return c.Limits()
    values: dict[str, Any] = {}
    for key in ("per_code", "per_customer", "total"):
        if key in fields:
            values[key] = _int(fields[key], _join(path, key), p, minimum=1)
    for key in ("budget", "order_value_budget"):
        if key in fields:
            values[key] = _money(fields[key], _join(path, key), p, minimum=1)
    if "per_customer_per" in fields:
        where = _join(path, "per_customer_per")
        periods = _fields(fields["per_customer_per"], where, p, ("day", "week", "month"))
        if periods is not None:
            counts = {key: _int(periods[key], _join(where, key), p, minimum=1) for key in ("day", "week", "month") if key in periods}
            values["per_customer_periods"] = tuple(
                c.PeriodLimit(key, count) for key, count in counts.items() if count is not None
            )
    return c.Limits(**{k: v for k, v in values.items() if v is not None})


# ---- kind-specific sections (gift cards, loyalty, referral): shape only for now ----

def _gift_card_section(raw: Any, path: str, p: _Problems) -> dict:
    fields = _fields(raw, path, p, ("balance",), ("balance",))
    if not fields or "balance" not in fields:
        return {}
    return {"balance": _money(fields["balance"], _join(path, "balance"), p, minimum=1)}


def _loyalty_section(raw: Any, path: str, p: _Problems) -> dict:
    fields = _fields(raw, path, p, ("points_per_unit", "unit", "multipliers", "rewards"), ("points_per_unit",))
    if not fields or "points_per_unit" not in fields:
        return {}
    section: dict[str, Any] = {
        "points_per_unit": _int(fields["points_per_unit"], _join(path, "points_per_unit"), p, minimum=1),
        "unit": _money(fields.get("unit", 100), _join(path, "unit"), p, minimum=1),
        "multipliers": {},
        "rewards": (),
    }
    if "multipliers" in fields:
        where = _join(path, "multipliers")
        raw_multipliers = fields["multipliers"]
        if not isinstance(raw_multipliers, dict) or len(raw_multipliers) > 100:
            p.add(where, f"must map category slugs to whole-number multipliers, got {_show(raw_multipliers)}")
        else:
            section["multipliers"] = {
                str(category).casefold(): _int(factor, _join(where, str(category)), p, minimum=1, maximum=100)
                for category, factor in raw_multipliers.items()
            }
    if "rewards" in fields:
        where = _join(path, "rewards")
        raw_rewards = fields["rewards"]
        if not isinstance(raw_rewards, list) or len(raw_rewards) > 100:
            p.add(where, f"must be a list of {{name, points, effect}}, got {_show(raw_rewards)}")
        else:
            rewards = []
            for i, item in enumerate(raw_rewards):
                reward = _fields(item, _join(where, i), p, ("name", "points", "effect"), ("name", "points", "effect"))
                if reward is None or not {"name", "points", "effect"} <= reward.keys():
                    continue
                rewards.append({
                    "name": _text(reward["name"], _join(_join(where, i), "name"), p),
                    "points": _int(reward["points"], _join(_join(where, i), "points"), p, minimum=1),
                    "effect": _effect(reward["effect"], _join(_join(where, i), "effect"), p),
                })
            section["rewards"] = tuple(rewards)
    return section


def _referral_section(raw: Any, path: str, p: _Problems) -> dict:
    fields = _fields(raw, path, p, ("reward", "bonuses", "conversion"), ("reward",))
    if not fields or "reward" not in fields:
        return {}
    section: dict[str, Any] = {"reward": _effect(fields["reward"], _join(path, "reward"), p), "bonuses": (),
                               "conversion": "order_paid"}
    if "conversion" in fields:
        event = _text(fields["conversion"], _join(path, "conversion"), p, max_length=64)
        if event is not None and not _ID.match(event):
            p.add(_join(path, "conversion"), f"must be order_paid or an event name (a lower-case slug), got {_show(event)}")
        section["conversion"] = event
    if "bonuses" in fields:
        where = _join(path, "bonuses")
        raw_bonuses = fields["bonuses"]
        if not isinstance(raw_bonuses, list) or len(raw_bonuses) > 100:
            p.add(where, f"must be a list of {{referrals, reward}}, got {_show(raw_bonuses)}")
        else:
            bonuses = []
            for i, item in enumerate(raw_bonuses):
                bonus = _fields(item, _join(where, i), p, ("referrals", "reward"), ("referrals", "reward"))
                if bonus is None or not {"referrals", "reward"} <= bonus.keys():
                    continue
                bonuses.append({
                    "referrals": _int(bonus["referrals"], _join(_join(where, i), "referrals"), p, minimum=1),
                    "reward": _effect(bonus["reward"], _join(_join(where, i), "reward"), p),
                })
            section["bonuses"] = tuple(bonuses)
    return section


_SECTION_READERS = {"gift_card": _gift_card_section, "loyalty": _loyalty_section, "referral": _referral_section}


# ---- campaigns ----

CAMPAIGN_KEYS = (
    "id", "name", "kind", "description", "code", "auto_apply", "codes", "timezone", "active", "schedule",
    "priority", "stacking", "eligibility", "visibility", "effect", "limits", "currency", "tags",
    "banner", "gift_card", "loyalty", "referral",
)
# A banner's discount box holds this much (promo.banners.MAX_DISCOUNT; a test keeps them equal,
# without the engine importing Pillow).
BANNER_LABEL_LENGTH = 32
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return frozenset(code for code in Locale.parse("en").territories if len(code) == 2 and code.isalpha())


def _timezone(raw: Any, path: str, p: _Problems) -> str | None:
    if not isinstance(raw, str) or raw not in _timezones():
        hint = _suggest(raw, _timezones()) if isinstance(raw, str) and len(raw) < 64 else ""
        p.add(path, f"must be an IANA time zone like Asia/Bangkok, got {_show(raw)}{hint}")
        return None
    return raw


def _kind_rules(kind: c.Kind, fields: dict, p: _Problems) -> None:
    """Which keys each kind needs or forbids."""
    if kind is c.Kind.COUPON and "code" not in fields:
        p.add("code", "is required for a coupon (the code shoppers type)")
    if kind is not c.Kind.COUPON and "code" in fields:
        p.add("code", f"is only for kind coupon; {kind.value} " + ("uses codes: {pattern: ...}" if kind is not c.Kind.PROMOTION else "applies without a code"))
    if kind is not c.Kind.COUPON and "auto_apply" in fields:
        p.add("auto_apply", "is only for kind coupon (a public code applied for the shopper); "
                            + ("a promotion applies by itself already" if kind is c.Kind.PROMOTION
                               else f"{kind.value} codes are personal"))
    if kind is c.Kind.BULK and "codes" not in fields:
        p.add("codes", 'is required for bulk codes, e.g. {pattern: "SORRY-####-####"}')
    if kind in (c.Kind.COUPON, c.Kind.PROMOTION) and "codes" in fields:
        p.add("codes", f"is not used by kind {kind.value}")
    needs_effect = kind not in (c.Kind.GIFT_CARD, c.Kind.LOYALTY)
    if needs_effect and "effect" not in fields:
        p.add("effect", "is required")
    if not needs_effect and "effect" in fields:
        p.add("effect", f"is not used by kind {kind.value}; see the {kind.value} section")
    for section_kind, section in KINDS_WITH_SECTION.items():
        if kind is section_kind and section not in fields:
            p.add(section, f"is required for kind {kind.value}")
        if kind is not section_kind and section in fields:
            p.add(section, f"is only for kind {section_kind.value}")


def _banner_label(raw: Any, path: str, p: _Problems) -> str | None:
    fields = _fields(raw, path, p, ("label",), ("label",))
    if fields is None or "label" not in fields:
        return None
    return _text(fields["label"], _join(path, "label"), p, max_length=BANNER_LABEL_LENGTH)


def _campaign(raw: Any, p: _Problems, default_timezone: str) -> c.Campaign | None:
    fields = _fields(raw, "", p, CAMPAIGN_KEYS, ("id", "name", "kind"))
    if fields is None:
        return None
    before = len(p)
    values: dict[str, Any] = {}
    if "id" in fields:
        identifier = _text(fields["id"], "id", p, max_length=64)
        if identifier is not None and not _ID.match(identifier):
            p.add("id", f"must be a lower-case slug (letters, digits, '-', '_'), got {_show(identifier)}")
        values["id"] = identifier
    if "name" in fields:
        values["name"] = _text(fields["name"], "name", p)
    kind = None
    if "kind" in fields:
        kind_text = _choice(fields["kind"], "kind", p, [k.value for k in c.Kind])
        kind = c.Kind(kind_text) if kind_text else None
        values["kind"] = kind
    if kind is not None:
        _kind_rules(kind, fields, p)
    tz = _timezone(fields["timezone"], "timezone", p) if "timezone" in fields else default_timezone
    values["timezone"] = tz or default_timezone
    if "description" in fields:
        values["description"] = _text(fields["description"], "description", p, max_length=2000, empty=True,
                                      newlines=True)
    if "code" in fields:
        values["code"] = _code(fields["code"], "code", p)
    if "auto_apply" in fields:
        values["auto_apply"] = _bool(fields["auto_apply"], "auto_apply", p)
    if "codes" in fields:
        values["code_pattern"] = _code_pattern(fields["codes"], "codes", p)
        values["code_valid_days"] = _code_valid_days(fields["codes"], "codes", kind, p)
    if "active" in fields:
        values["starts_at"], values["ends_at"] = _active(fields["active"], "active", p, values["timezone"])
    if "schedule" in fields:
        values["schedule"] = _schedule(fields["schedule"], "schedule", p)
    if "priority" in fields:
        values["priority"] = _int(fields["priority"], "priority", p, minimum=-10**6, maximum=10**6)
    if "stacking" in fields:
        stacking = _choice(fields["stacking"], "stacking", p, [s.value for s in c.Stacking])
        values["stacking"] = c.Stacking(stacking) if stacking else None
    if "eligibility" in fields:
        values["eligibility"] = _condition(fields["eligibility"], "eligibility", p)
    if "visibility" in fields:
        values["visibility"] = _visibility(fields["visibility"], "visibility", p)
    values["effect"] = _effect(fields["effect"], "effect", p) if "effect" in fields else None
    if "limits" in fields:
        values["limits"] = _limits(fields["limits"], "limits", p)
    if "currency" in fields:
        currency = _text(fields["currency"], "currency", p, max_length=3)
        if currency is not None and currency.upper() not in _currencies():
            p.add("currency", f"must be an ISO 4217 currency code like USD or THB, got {_show(currency)}")
        values["currency"] = currency.upper() if currency else None
    if "tags" in fields:
        values["tags"] = _texts(fields["tags"], "tags", p, max_length=50)
    if "banner" in fields:
        values["banner_label"] = _banner_label(fields["banner"], "banner", p)
    options = {}
    for section, read in _SECTION_READERS.items():
        if section in fields and kind is not None and KINDS_WITH_SECTION.get(kind) == section:
            options[section] = read(fields[section], section, p)
    if len(p) > before or any(key not in values for key in ("id", "name", "kind")):
        return None
    return c.Campaign(options=options, **values)


def parse_campaign(data: Mapping[str, Any], *, timezone: str = "UTC") -> c.Campaign:
    """Validate one definition. `timezone` is the store's zone for dates and schedules
    (a definition may name its own with `timezone:`). Raises DefinitionError listing every problem."""
    problems = _Problems()
    if _timezone(timezone, "timezone", problems) is None:
        raise DefinitionError(problems.errors)
    campaign = _campaign(data, problems, timezone)
    if problems.errors or campaign is None:
        raise DefinitionError(problems.errors or [FieldError("", "is not a valid campaign")])
    return campaign


def parse_campaigns(data: Sequence[Any], *, timezone: str = "UTC", prefix: str = "") -> list[c.Campaign]:
    """Validate a list of definitions; ids and public codes must be unique across it.
    Errors are prefixed with the position: "[2].effect.percent"."""
    if not isinstance(data, list):
        raise DefinitionError([FieldError(prefix, f"must be a list of campaigns, got {_show(data)}")])
    errors: list[FieldError] = []
    parsed: list[tuple[int, c.Campaign]] = []
    for index, item in enumerate(data):
        try:
            parsed.append((index, parse_campaign(item, timezone=timezone)))
        except DefinitionError as exc:
            errors += exc.prefixed(_join(prefix, index)).errors
    first_with_id: dict[str, int] = {}
    first_with_code: dict[str, int] = {}
    for index, campaign in parsed:
        where = _join(prefix, index)
        if campaign.id in first_with_id:
            errors.append(FieldError(_join(where, "id"), f"'{campaign.id}' is already used by {_join(prefix, first_with_id[campaign.id])}"))
        first_with_id.setdefault(campaign.id, index)
        if campaign.code:
            if campaign.code in first_with_code:
                errors.append(FieldError(_join(where, "code"), f"'{campaign.code}' is already used by {_join(prefix, first_with_code[campaign.code])}"))
            first_with_code.setdefault(campaign.code, index)
    if errors:
        raise DefinitionError(errors)
    return [campaign for _, campaign in parsed]


# ---- files and text ----

class _StrictLoader(yaml.SafeLoader):
    """YAML as people mean it: 16:00 stays "16:00" (not 960), NO stays "NO" (not false),
    a date that does not exist (2026-11-31) stays the text written, so the field reading it
    reports it with its path, and a key written twice is an error instead of silently
    keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:
                    continue  # unhashable keys are reported by the base constructor
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping", node.start_mark, f"found the key {key!r} twice", key_node.start_mark
                    )
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A YAML date or date-time, or, when it looks like one but does not exist (2026-11-31,
    1990-02-30), its text: the field then says what it must be instead of the whole file
    failing with "day is out of range for month" and no path."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def load_yaml(text: str, source: str = "<text>") -> Any:
    """Parse YAML (or JSON) text with the strict loader; syntax problems become DefinitionError."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        raise DefinitionError([FieldError(source, f"{where}: {exc.problem or exc}")]) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise DefinitionError([FieldError(source, f"is not valid YAML: {exc}")]) from None


def _campaign_list(data: Any, timezone: str) -> list[c.Campaign]:
    if isinstance(data, list):
        return parse_campaigns(data, timezone=timezone)
    if isinstance(data, Mapping) and "campaigns" in data:
        extra = [k for k in data if k != "campaigns"]
        if extra:
            raise DefinitionError([FieldError(str(k), "unknown key; a definitions file holds `campaigns:` only") for k in extra])
        return parse_campaigns(data["campaigns"], timezone=timezone, prefix="campaigns")
    if isinstance(data, Mapping):
        return [parse_campaign(data, timezone=timezone)]
    raise DefinitionError([FieldError("", "expected a campaign, a list of campaigns or {campaigns: [...]}")])


def read_definitions(text: str, *, timezone: str = "UTC", source: str = "<text>") -> list[c.Campaign]:
    """Campaigns from YAML or JSON text (one campaign, a list, or {campaigns: [...]})."""
    return _campaign_list(load_yaml(text, source), timezone)


def load_definitions(path: str | Path, *, timezone: str = "UTC") -> list[c.Campaign]:
    """Campaigns from a .yaml/.yml/.json file."""
    file = Path(path)
    if file.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise DefinitionError([FieldError(str(file), "must be a .yaml, .yml or .json file")])
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([FieldError(str(file), f"cannot be read: {exc}")]) from None
    if file.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DefinitionError([FieldError(str(file), f"line {exc.lineno}, column {exc.colno}: {exc.msg}")]) from None
        except RecursionError:
            raise DefinitionError([FieldError(str(file), "is nested too deeply")]) from None
        return _campaign_list(data, timezone)
    return _campaign_list(load_yaml(text, str(file)), timezone)


def parse_condition(raw: Any, path: str = "if") -> Condition:
    """Read one condition in the eligibility format on its own (distribution rules' `if:`).
    Raises DefinitionError naming each problem's path under `path`."""
    problems = _Problems()
    condition = _condition(raw, path, problems)
    if problems.errors or condition is None:
        raise DefinitionError(problems.errors or [FieldError(path, "is not a valid condition")])
    return condition
