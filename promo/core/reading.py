"""The readers every part of a definition is read with: each checks one field and returns its
value, or records a problem ("path: message") and returns None, so one pass reports them all.
Also the definition's errors (FieldError, DefinitionError) and the item selector.

They read plain values (what a YAML or JSON loader gave), so they live in core: each effect
type's module (promo.core.effects) reads its own keys with them. promo.format reads documents."""
from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from babel import Locale
from babel.numbers import list_currencies

from promo.core.domain import ItemSelector
from promo.core.formula import Amount, Formula, FormulaError, Percent
from promo.core.text import normalise, refusal

MAX_MONEY = 10**12                 # minor units; anything larger is a typo
MAX_COUNT = 10**9
MAX_CONDITION_DEPTH = 16
MAX_LIST = 1000
MIN_RANDOM_CHARACTERS = 6          # '#' in a bulk code pattern: 29^6 ≈ 600 million codes
MAX_VALID_DAYS = 3650              # a code valid for more than ten years is a typo
PAGES = ("home", "category", "product", "cart", "checkout", "deals", "wallet")


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
        return DefinitionError(FieldError(join_path(prefix, e.path), e.message) for e in self.errors)


def join_path(path: str, key: str | int) -> str:
    """ "eligibility" + 1 -> "eligibility[1]"; "effect" + "percent" -> "effect.percent"."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if not path or not key:
        return path or key
    return f"{path}{key}" if key.startswith("[") else f"{path}.{key}"


class Problems:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def __len__(self) -> int:
        return len(self.errors)


def suggest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def show_value(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."


# ---- scalar readers: each returns the parsed value, or None after recording a problem ----

def read_fields(raw: Any, path: str, p: Problems, allowed: Iterable[str], required: Iterable[str] = ()) -> dict | None:
    if not isinstance(raw, Mapping):
        p.add(path, f"must be a mapping of keys to values, got {show_value(raw)}")
        return None
    allowed = list(allowed)
    result = {}
    for key, value in raw.items():
        if not isinstance(key, str):
            p.add(path, f"keys must be text, got {show_value(key)}")
        elif key not in allowed:
            p.add(join_path(path, key), f"unknown key{suggest(key, allowed)}; expected one of: {', '.join(allowed)}")
        else:
            result[key] = value
    for key in required:
        if key not in result:
            p.add(join_path(path, key), "is required")
    return result


def read_text(raw: Any, path: str, p: Problems, *, max_length: int = 200, empty: bool = False,
          newlines: bool = False) -> str | None:
    """Every text of a definition (names, descriptions, messages, codes, tags ...) is read
    NFKC-normalised, and refused with its path when it holds a control character, a bidi
    override or isolate, or another invisible format character (promo.core.text). So the console,
    the API and scenario packs all store names as people see them. Only a description may
    span lines (``newlines``)."""
    if not isinstance(raw, str):
        p.add(path, f"must be text, got {show_value(raw)}")
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


def read_bool(raw: Any, path: str, p: Problems) -> bool | None:
    if not isinstance(raw, bool):
        p.add(path, f"must be true or false, got {show_value(raw)}")
        return None
    return raw


def read_int(raw: Any, path: str, p: Problems, *, minimum: int = 0, maximum: int = MAX_COUNT) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, int):
        p.add(path, f"must be a whole number, got {show_value(raw)}")
        return None
    if not minimum <= raw <= maximum:
        p.add(path, f"must be between {minimum} and {maximum}, got {raw}")
        return None
    return raw


def read_money(raw: Any, path: str, p: Problems, *, minimum: int = 0) -> int | None:
    """Money is a whole number of minor units (cents): 5000 is $50.00."""
    if isinstance(raw, bool) or not isinstance(raw, int):
        p.add(path, f"must be a whole number of minor units (cents), e.g. 5000 for $50.00; got {show_value(raw)}")
        return None
    if not minimum <= raw <= MAX_MONEY:
        low = "more than 0" if minimum == 1 else f"at least {minimum}"
        p.add(path, f"must be {low} and at most {MAX_MONEY}, got {raw}")
        return None
    return raw


def read_percent(raw: Any, path: str, p: Problems) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        p.add(path, f"must be a number of percent (0-100), got {show_value(raw)}")
        return None
    try:
        value = Decimal(raw) if isinstance(raw, int) else Decimal(str(raw))
    except (InvalidOperation, ValueError, OverflowError):
        p.add(path, f"must be a number of percent (0-100), got {show_value(raw)}")
        return None
    if not value.is_finite() or not 0 < value <= 100:
        p.add(path, f"must be between 0 and 100, got {raw}")
        return None
    return value


def read_choice(raw: Any, path: str, p: Problems, choices: Sequence[str]) -> str | None:
    if not isinstance(raw, str) or raw not in choices:
        hint = suggest(raw, choices) if isinstance(raw, str) else ""
        p.add(path, f"must be one of {', '.join(choices)}, got {show_value(raw)}{hint}")
        return None
    return raw


def read_texts(raw: Any, path: str, p: Problems, *, max_length: int = 100) -> frozenset[str] | None:
    """A list of texts (a single text is a list of one)."""
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        p.add(path, f"must be a list of texts, got {show_value(raw)}")
        return None
    if len(items) > MAX_LIST:
        p.add(path, f"must have at most {MAX_LIST} entries")
        return None
    values = [read_text(item, join_path(path, i), p, max_length=max_length) for i, item in enumerate(items)]
    if any(v is None for v in values):
        return None
    return frozenset(v for v in values if v is not None)


def read_formula(raw: Mapping, path: str, p: Problems, read_fallback: Callable[..., Any],
             maximum: Decimal | None) -> Formula | None:
    fields = read_fields(raw, path, p, ("formula", "fallback"), ("formula", "fallback"))
    if fields is None or "formula" not in fields or "fallback" not in fields:
        return None
    expression = read_text(fields["formula"], join_path(path, "formula"), p, max_length=500)
    fallback = read_fallback(fields["fallback"], join_path(path, "fallback"), p)
    if expression is None or fallback is None:
        return None
    try:
        return Formula(expression, Decimal(fallback), maximum)
    except FormulaError as exc:
        p.add(join_path(path, "formula"), str(exc))
        return None


def read_amount(raw: Any, path: str, p: Problems, *, minimum: int = 1) -> Amount | None:
    """A money amount, or {formula, fallback} computing one."""
    if isinstance(raw, Mapping):
        return read_formula(raw, path, p, lambda v, pa, pr: read_money(v, pa, pr, minimum=0), None)
    return read_money(raw, path, p, minimum=minimum)


def read_percent_value(raw: Any, path: str, p: Problems) -> Percent | None:
    if isinstance(raw, Mapping):
        return read_formula(raw, path, p, read_percent, Decimal(100))
    return read_percent(raw, path, p)


# ---- item selection ----

SELECTOR_KEYS = ("skus", "categories", "collections", "exclude_skus", "max_unit_price", "label")


def read_selector(raw: Any, path: str, p: Problems) -> ItemSelector | None:
    fields = read_fields(raw, path, p, SELECTOR_KEYS)
    if fields is None:
        return None
    before = len(p)
    values: dict[str, Any] = {}
    for key in ("skus", "categories", "collections", "exclude_skus"):
        if key in fields:
            values[key] = read_texts(fields[key], join_path(path, key), p)
    if "max_unit_price" in fields:
        values["max_unit_price"] = read_money(fields["max_unit_price"], join_path(path, "max_unit_price"), p)
    if "label" in fields:
        values["label"] = read_text(fields["label"], join_path(path, "label"), p, max_length=80)
    if len(p) > before:
        return None
    return ItemSelector(**values)


def read_optional_selector(fields: dict, key: str, path: str, p: Problems) -> ItemSelector | None:
    if key not in fields:
        return ItemSelector()
    return read_selector(fields[key], join_path(path, key), p)


# ---- what the world has: zones, currencies, countries ----

@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


@lru_cache(maxsize=1)
def known_countries() -> frozenset[str]:
    territories = Locale.parse("en").territories   # typed with any key: the codes are strings
    return frozenset(code for code in territories if isinstance(code, str) and len(code) == 2 and code.isalpha())

