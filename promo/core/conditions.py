"""Conditions: a tree of All / Any / Not over fact comparisons, evaluated against Facts.

Every node answers two questions:
- evaluate(facts) -> Check: does this cart/customer/context qualify, and if not, why (a reason
  code, a message for the shopper and, for an unmet minimum, a hint "Add $12.50 more");
- describe(currency, locale) -> str: the restriction as the storefront states it up front
  ("Minimum spend $50", "New customers only").

FACTS is the catalogue of what conditions can read; definition.py validates against it and
docs/campaigns.md documents it.
"""
from __future__ import annotations

import typing as t
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache

from babel import Locale
from babel.dates import format_time

from promo.core.campaign import Condition  # the protocol; re-exported for the parsers
from promo.core.domain import ItemSelector
from promo.core.facts import Facts
from promo.core.phrases import humanize, items_phrase, join_or, money
from promo.core.reasons import Reason, message_for
from promo.core.results import Check, Hint
from promo.core.timing import EVERY_DAY, describe_days


class Scope(StrEnum):
    CUSTOMER = "customer"
    CART = "cart"
    CONTEXT = "context"


class ValueType(StrEnum):
    MONEY = "money"        # int, minor units
    COUNT = "count"        # int >= 0
    BOOL = "bool"
    TEXT = "text"          # compared case-insensitively
    SEGMENT = "segment"    # membership in the customer's set of segments
    COUNTRY = "country"    # ISO 3166 alpha-2
    WEEKDAY = "weekday"    # 0 = Monday ... 6 = Sunday
    TIME = "time"          # wall-clock time in the store's zone
    ANY = "any"            # free-form metadata: text, number or bool


class Op(StrEnum):
    EQ = "eq"              # also written `is`
    NE = "ne"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    IN = "in"
    NOT_IN = "not_in"
    BETWEEN = "between"    # inclusive at both ends


_ORDERING = frozenset({Op.GT, Op.GTE, Op.LT, Op.LTE, Op.BETWEEN})
_EQUALITY = frozenset({Op.EQ, Op.NE, Op.IN, Op.NOT_IN})
OPERATORS_FOR: dict[ValueType, frozenset[Op]] = {
    ValueType.MONEY: _ORDERING | _EQUALITY,
    ValueType.COUNT: _ORDERING | _EQUALITY,
    ValueType.BOOL: frozenset({Op.EQ, Op.NE}),
    ValueType.TEXT: _EQUALITY,
    ValueType.SEGMENT: _EQUALITY,
    ValueType.COUNTRY: _EQUALITY,
    ValueType.WEEKDAY: _EQUALITY,
    ValueType.TIME: _ORDERING,
    ValueType.ANY: _ORDERING | _EQUALITY,
}

_NEGATED_OP = {
    Op.EQ: Op.NE, Op.NE: Op.EQ, Op.IN: Op.NOT_IN, Op.NOT_IN: Op.IN,
    Op.GT: Op.LTE, Op.LTE: Op.GT, Op.GTE: Op.LT, Op.LT: Op.GTE,
}


# ---- the fact catalogue ----

Reader = t.Callable[[Facts, "ItemSelector | None"], t.Any]


@dataclass(frozen=True)
class FactSpec:
    name: str
    scope: Scope
    type: ValueType
    read: Reader
    meaning: str
    takes_items: bool = False


def _now(facts: Facts):
    return facts.context.now


def _casefold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _cart_subtotal(facts: Facts, items: ItemSelector | None) -> int:
    return facts.subtotal if items is None else facts.subtotal_of(items)


def _cart_initial_subtotal(facts: Facts, items: ItemSelector | None) -> int:
    return facts.initial_subtotal if items is None else facts.subtotal_of(items, initial=True)


def _cart_quantity(facts: Facts, items: ItemSelector | None) -> int:
    return facts.items_count if items is None else facts.quantity_of(items)


def _one_product(items: ItemSelector | None) -> bool:
    """The selection names exactly one product: its line quantity is "of Kettle", not "of one item"."""
    return items is not None and items.only_sku is not None


def _line_quantity(facts: Facts, items: ItemSelector | None) -> int:
    """The most units on one line (of the selected items): `gte: 3` is "a line of 3 or more"."""
    indices = range(len(facts.lines)) if items is None else facts.matching(items)
    return max((facts.lines[i].quantity for i in indices), default=0)


_SPECS = [
    FactSpec("customer.id", Scope.CUSTOMER, ValueType.TEXT, lambda f, _: _casefold(f.customer.id),
             "the customer's id (none for guests)"),
    FactSpec("customer.new", Scope.CUSTOMER, ValueType.BOOL, lambda f, _: f.customer.is_new,
             "true when the customer has not ordered yet"),
    FactSpec("customer.guest", Scope.CUSTOMER, ValueType.BOOL, lambda f, _: f.customer.is_guest,
             "true when the shopper is not signed in"),
    FactSpec("customer.orders_count", Scope.CUSTOMER, ValueType.COUNT,
             lambda f, _: f.customer.orders_count, "number of orders placed"),
    FactSpec("customer.total_spent", Scope.CUSTOMER, ValueType.MONEY,
             lambda f, _: f.customer.total_spent, "lifetime spend, minor units"),
    FactSpec("customer.segment", Scope.CUSTOMER, ValueType.SEGMENT,
             lambda f, _: frozenset(s.casefold() for s in f.customer.segments),
             "the customer's segments; `is: vip` means member of vip"),
    FactSpec("customer.country", Scope.CUSTOMER, ValueType.COUNTRY,
             lambda f, _: f.customer.country.upper() if f.customer.country else None,
             "ISO country code, e.g. TH"),
    FactSpec("customer.city", Scope.CUSTOMER, ValueType.TEXT,
             lambda f, _: _casefold(f.customer.city), "city"),
    FactSpec("customer.dormant_days", Scope.CUSTOMER, ValueType.COUNT,
             lambda f, _: f.customer.days_since_last_order(_now(f)),
             "days since the last order; no value when never ordered"),
    FactSpec("customer.birthday_today", Scope.CUSTOMER, ValueType.BOOL,
             lambda f, _: f.customer.is_birthday(_now(f).date()),
             "true on the customer's birthday (Feb 29 birthdays: Feb 28 in other years)"),
    FactSpec("cart.subtotal", Scope.CART, ValueType.MONEY, _cart_subtotal,
             "items subtotal after the offers applied before this one", takes_items=True),
    FactSpec("cart.initial_subtotal", Scope.CART, ValueType.MONEY, _cart_initial_subtotal,
             "items subtotal before any offer", takes_items=True),
    FactSpec("cart.items_count", Scope.CART, ValueType.COUNT, lambda f, _: f.items_count,
             "number of units in the cart"),
    FactSpec("cart.quantity", Scope.CART, ValueType.COUNT, _cart_quantity,
             "number of units of the selected items", takes_items=True),
    FactSpec("cart.line_quantity", Scope.CART, ValueType.COUNT, _line_quantity,
             "the most units on one line (of the selected items); 0 without such a line", takes_items=True),
    FactSpec("context.page", Scope.CONTEXT, ValueType.TEXT, lambda f, _: _casefold(f.context.page),
             "page being viewed: home, category, product, cart, checkout, deals, wallet"),
    FactSpec("context.category", Scope.CONTEXT, ValueType.TEXT,
             lambda f, _: _casefold(f.context.category), "category being viewed"),
    FactSpec("context.channel", Scope.CONTEXT, ValueType.TEXT,
             lambda f, _: _casefold(f.context.channel), "sales channel: web, app, pos ..."),
    FactSpec("context.weekday", Scope.CONTEXT, ValueType.WEEKDAY, lambda f, _: _now(f).weekday(),
             "day of the week in the store's zone: mon ... sun, weekdays, weekends"),
    FactSpec("context.time", Scope.CONTEXT, ValueType.TIME,
             lambda f, _: _now(f).time().replace(tzinfo=None), "time of day in the store's zone, \"16:30\""),
]
FACTS: dict[str, FactSpec] = {spec.name: spec for spec in _SPECS}

# cart.lines is a fact of its own shape (match any/every/none over an item selection).
LINES_FACT = "cart.lines"
METADATA_PREFIX = "customer.metadata."
FACT_NAMES = (*FACTS, LINES_FACT, METADATA_PREFIX + "<key>")


@lru_cache(maxsize=256)
def fact_spec(name: str) -> FactSpec | None:
    """The spec for a fact name, including customer.metadata.<key>; None if unknown."""
    if name in FACTS:
        return FACTS[name]
    if name.startswith(METADATA_PREFIX) and len(name) > len(METADATA_PREFIX) and "." not in name[len(METADATA_PREFIX):]:
        key = name[len(METADATA_PREFIX):]
        return FactSpec(name, Scope.CUSTOMER, ValueType.ANY,
                        lambda f, _: f.customer.metadata.get(key), f"customer metadata '{key}'")
    return None


def scope_of(name: str) -> Scope:
    return Scope(name.split(".", 1)[0])


# ---- comparing ----

def _compare(kind: ValueType, op: Op, actual: t.Any, expected: t.Any) -> bool:
    if actual is None:
        # No value (never ordered, missing metadata, guest id): only "is not" holds.
        return op in (Op.NE, Op.NOT_IN)
    if kind is ValueType.SEGMENT:
        if op is Op.EQ:
            return expected in actual
        if op is Op.NE:
            return expected not in actual
        if op is Op.IN:
            return bool(actual & expected)
        return not (actual & expected)
    try:
        if op is Op.EQ:
            return actual == expected
        if op is Op.NE:
            return actual != expected
        if op is Op.IN:
            return actual in expected
        if op is Op.NOT_IN:
            return actual not in expected
        if op is Op.GT:
            return actual > expected
        if op is Op.GTE:
            return actual >= expected
        if op is Op.LT:
            return actual < expected
        if op is Op.LTE:
            return actual <= expected
        low, high = expected
        return low <= actual <= high
    except TypeError:  # metadata of another type than the condition's value
        return False


def _lower_bound(op: Op, expected: t.Any) -> int | None:
    """The smallest passing value of a 'more than' comparison, for hints."""
    if op is Op.GTE:
        return expected
    if op is Op.GT:
        return expected + 1
    if op is Op.BETWEEN:
        return expected[0]
    return None


def _failure_reason(scope: Scope, facts: Facts) -> Reason:
    if scope is Scope.CUSTOMER:
        return Reason.LOGIN_REQUIRED if facts.customer.is_guest else Reason.CUSTOMER_NOT_ELIGIBLE
    if scope is Scope.CART:
        return Reason.CART_NOT_ELIGIBLE
    return Reason.CONTEXT_NOT_ELIGIBLE


def _failure(reason: Reason, message: str, hint: Hint | None = None) -> Check:
    return Check(ok=False, reason=reason, message=message, hint=hint)


@dataclass(frozen=True)
class FactCondition:
    """`fact` `op` `value`, e.g. cart.subtotal gte 5000. For IN/NOT_IN `value` is a frozenset,
    for BETWEEN a (low, high) tuple. Text values are stored case-folded, countries upper-case."""

    fact: str
    op: Op
    value: t.Any
    items: ItemSelector | None = None
    message: str = ""

    def __post_init__(self) -> None:
        # Conditions built in code (tests, storage) fail here, not in the middle of a checkout.
        spec = fact_spec(self.fact)
        if spec is None:
            raise ValueError(f"unknown fact {self.fact!r}")
        object.__setattr__(self, "op", Op(self.op))
        if self.op not in OPERATORS_FOR[spec.type]:
            raise ValueError(f"{self.op.value} does not apply to {self.fact}")

    @property
    def spec(self) -> FactSpec:
        return t.cast(FactSpec, fact_spec(self.fact))

    def evaluate(self, facts: Facts) -> Check:
        spec = self.spec
        actual = spec.read(facts, self.items)
        if _compare(spec.type, self.op, actual, self.value):
            return Check.passed()
        hint = self._hint(spec, actual, facts)
        if hint is not None:
            return _failure(Reason.MINIMUM_NOT_MET, self.message or self.describe(facts.currency, facts.context.locale), hint)
        reason = _failure_reason(spec.scope, facts)
        if reason is Reason.LOGIN_REQUIRED and not self.message:
            return _failure(reason, message_for(reason))
        return _failure(reason, self.message or self.describe(facts.currency, facts.context.locale))

    @property
    def minimum(self) -> int | None:
        """The least value that passes an "at least" comparison (gte, gt, between); else None."""
        return _lower_bound(self.op, self.value)

    def holds(self, facts: Facts) -> bool:
        """Whether the condition holds, without the message and hint `evaluate` writes."""
        spec = self.spec
        return _compare(spec.type, self.op, spec.read(facts, self.items), self.value)

    def _hint(self, spec: FactSpec, actual: t.Any, facts: Facts) -> Hint | None:
        if spec.scope is not Scope.CART or spec.type not in (ValueType.MONEY, ValueType.COUNT):
            return None
        target = _lower_bound(self.op, self.value)
        if target is None or actual is None or actual >= target:
            return None
        missing = target - actual
        progress = float(Fraction(max(actual, 0), target)) if target > 0 else 1.0
        phrase = items_phrase(self.items)
        if spec.type is ValueType.MONEY:
            amount = money(missing, facts.currency, facts.context.locale)
            text = f"Add {amount} more" + (f" of {phrase}" if phrase else "")
            return Hint(message=text, missing_amount=missing, progress=progress)
        if self.fact == "cart.line_quantity":
            # The units must go on one line: more of the same item ("of Arabica" would promise that
            # any arabica counts; three different bags are not three of one).
            if _one_product(self.items):
                text = f"Add {missing} more of {phrase}"
            else:
                text = f"Add {missing} more of the same item" + (f" from {phrase}" if phrase else "")
            return Hint(message=text, missing_quantity=missing, progress=progress)
        noun = "item" if missing == 1 else "items"
        text = f"Add {missing} more {noun}" + (f" from {phrase}" if phrase else "")
        return Hint(message=text, missing_quantity=missing, progress=progress)

    def describe(self, currency: str = "USD", locale: str = "en_US") -> str:
        if self.message:
            return self.message
        return _describe_fact(self, currency, locale)

    def restrictions(self, currency: str = "USD", locale: str = "en_US") -> list[str]:
        return [self.describe(currency, locale)]

    def fact_names(self) -> t.Iterator[str]:
        yield self.fact

    def negation(self) -> FactCondition | None:
        if self.op not in _NEGATED_OP:
            return None
        return FactCondition(self.fact, _NEGATED_OP[self.op], self.value, self.items)


class Match(StrEnum):
    ANY = "any"
    EVERY = "every"
    NONE = "none"


@dataclass(frozen=True)
class LinesCondition:
    """Whether any, every or no cart line matches an item selection (fact `cart.lines`)."""

    items: ItemSelector
    match: Match = Match.ANY
    message: str = ""

    def evaluate(self, facts: Facts) -> Check:
        matching = [self.items.matches(line) for line in facts.lines]
        if self.match is Match.ANY:
            ok = any(matching)
        elif self.match is Match.EVERY:
            ok = bool(matching) and all(matching)
        else:
            ok = not any(matching)
        if ok:
            return Check.passed()
        reason = Reason.NO_MATCHING_ITEMS if self.match is Match.ANY else Reason.CART_NOT_ELIGIBLE
        return _failure(reason, self.describe(facts.currency, facts.context.locale))

    def describe(self, currency: str = "USD", locale: str = "en_US") -> str:
        if self.message:
            return self.message
        phrase = items_phrase(self.items) or "items"
        if self.match is Match.ANY:
            return f"Cart must include {phrase}"
        if self.match is Match.EVERY:
            return f"Only {phrase} in the cart"
        return f"Not with {phrase} in the cart"

    def restrictions(self, currency: str = "USD", locale: str = "en_US") -> list[str]:
        return [self.describe(currency, locale)]

    def fact_names(self) -> t.Iterator[str]:
        yield LINES_FACT

    def negation(self) -> LinesCondition | None:
        flipped = {Match.ANY: Match.NONE, Match.NONE: Match.ANY}.get(self.match)
        return LinesCondition(self.items, flipped) if flipped else None


def _pick_failure(failures: list[Check]) -> Check:
    """The most useful of several failures: one the shopper cannot fix by adding to the cart
    comes first (a hint would mislead), otherwise the first."""
    for check in failures:
        if check.reason is not Reason.MINIMUM_NOT_MET:
            return check
    return failures[0]


def _with_message(check: Check, message: str) -> Check:
    if not message or check.ok:
        return check
    return Check(ok=False, reason=check.reason, message=message, hint=check.hint)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


@dataclass(frozen=True)
class All:
    conditions: tuple[Condition, ...]
    message: str = ""

    def evaluate(self, facts: Facts) -> Check:
        failures = [check for check in (c.evaluate(facts) for c in self.conditions) if not check.ok]
        if not failures:
            return Check.passed()
        return _with_message(_pick_failure(failures), self.message)

    def describe(self, currency: str = "USD", locale: str = "en_US") -> str:
        return self.message or "; ".join(self.restrictions(currency, locale))

    def restrictions(self, currency: str = "USD", locale: str = "en_US") -> list[str]:
        if self.message:
            return [self.message]
        return [text for c in self.conditions for text in c.restrictions(currency, locale)]

    def fact_names(self) -> t.Iterator[str]:
        for c in self.conditions:
            yield from c.fact_names()

    def negation(self) -> Condition | None:
        negated = [c.negation() for c in self.conditions]
        if any(n is None for n in negated):
            return None
        return Any(tuple(t.cast(list, negated)))


@dataclass(frozen=True)
class Any:
    conditions: tuple[Condition, ...]
    message: str = ""

    def evaluate(self, facts: Facts) -> Check:
        failures = []
        for condition in self.conditions:
            check = condition.evaluate(facts)
            if check.ok:
                return check
            failures.append(check)
        if not failures:
            return Check.passed()
        # The alternative closest to being met is the one worth a hint.
        hinted = [f for f in failures if f.hint is not None]
        best = max(hinted, key=lambda f: f.hint.progress) if hinted else failures[0]
        message = self.message or self.describe(facts.currency, facts.context.locale)
        return Check(ok=False, reason=best.reason, message=message, hint=best.hint)

    def describe(self, currency: str = "USD", locale: str = "en_US") -> str:
        if self.message:
            return self.message
        texts = [c.describe(currency, locale) for c in self.conditions]
        return join_or([texts[0], *(_lower_first(x) for x in texts[1:])]) if texts else ""

    def restrictions(self, currency: str = "USD", locale: str = "en_US") -> list[str]:
        return [self.describe(currency, locale)]

    def fact_names(self) -> t.Iterator[str]:
        for c in self.conditions:
            yield from c.fact_names()

    def negation(self) -> Condition | None:
        negated = [c.negation() for c in self.conditions]
        if any(n is None for n in negated):
            return None
        return All(tuple(t.cast(list, negated)))


@dataclass(frozen=True)
class Not:
    condition: Condition
    message: str = ""

    def evaluate(self, facts: Facts) -> Check:
        if not self.condition.evaluate(facts).ok:
            return Check.passed()
        first = next(self.condition.fact_names(), "context.page")
        reason = _failure_reason(scope_of(first), facts)
        if reason is Reason.LOGIN_REQUIRED:
            reason = Reason.CUSTOMER_NOT_ELIGIBLE  # signing in would not change a "not" rule
        return _failure(reason, self.describe(facts.currency, facts.context.locale))

    def describe(self, currency: str = "USD", locale: str = "en_US") -> str:
        if self.message:
            return self.message
        negated = self.condition.negation()
        if negated is not None:
            return negated.describe(currency, locale)
        return f"Not valid when: {_lower_first(self.condition.describe(currency, locale))}"

    def restrictions(self, currency: str = "USD", locale: str = "en_US") -> list[str]:
        if self.message:
            return [self.message]
        negated = self.condition.negation()
        if negated is not None:
            return negated.restrictions(currency, locale)
        return [self.describe(currency, locale)]

    def fact_names(self) -> t.Iterator[str]:
        yield from self.condition.fact_names()

    def negation(self) -> Condition | None:
        return self.condition


# ---- restriction wording ----

_NUMERIC_WORDS = {Op.GTE: "at least {}", Op.GT: "more than {}", Op.LTE: "at most {}",
                  Op.LT: "less than {}", Op.EQ: "exactly {}", Op.NE: "other than {}"}


def _values(condition: FactCondition, currency: str, locale: str) -> list[str]:
    """The condition's value(s) as shoppers read them."""
    kind = condition.spec.type
    raw = condition.value
    items = sorted(raw, key=str) if isinstance(raw, frozenset) else list(raw) if isinstance(raw, tuple) else [raw]

    def one(value: t.Any) -> str:
        if kind is ValueType.MONEY:
            return money(value, currency, locale)
        if kind is ValueType.TIME:
            return format_time(value, format="short", locale=locale)
        if kind is ValueType.COUNTRY:
            return Locale.parse("en").territories.get(value, value)
        if kind in (ValueType.SEGMENT, ValueType.TEXT) and condition.fact != "customer.city":
            return humanize(value)
        if kind is ValueType.TEXT:
            return value.title()
        return str(value).lower() if isinstance(value, bool) else str(value)

    return [one(v) for v in items]


def _comparison(condition: FactCondition, currency: str, locale: str) -> str:
    """ "at least $50", "between 2 and 5", "is gold", "is gold or silver"."""
    values = _values(condition, currency, locale)
    op = condition.op
    if op is Op.BETWEEN:
        return f"between {values[0]} and {values[1]}"
    numeric = condition.spec.type in (ValueType.MONEY, ValueType.COUNT) or (
        condition.spec.type is ValueType.ANY and op in _ORDERING
    )
    if numeric and op in _NUMERIC_WORDS:
        return _NUMERIC_WORDS[op].format(values[0])
    if op is Op.EQ:
        return f"is {values[0]}"
    if op is Op.NE:
        return f"is not {values[0]}"
    if op is Op.IN:
        return f"is {join_or(values)}"
    return f"is not {join_or(values)}"


def _positive(condition: FactCondition) -> bool:
    return condition.op in (Op.EQ, Op.IN)


def _describe_fact(condition: FactCondition, currency: str, locale: str) -> str:
    name, op = condition.fact, condition.op
    spec = condition.spec
    values = _values(condition, currency, locale)
    listed = join_or(values)
    phrase = items_phrase(condition.items)

    if spec.type is ValueType.BOOL:
        truth = condition.value if op is Op.EQ else not condition.value
        return _BOOL_TEXTS[name][truth]
    if name in ("cart.subtotal", "cart.initial_subtotal"):
        where = f" on {phrase}" if phrase else ""
        when = " before discounts" if name == "cart.initial_subtotal" else ""
        if op is Op.GTE:
            return f"Minimum spend {values[0]}{where}{when}"
        if op is Op.GT:
            return f"Spend more than {values[0]}{where}{when}"
        subject = f"{phrase} subtotal" if phrase else "Cart subtotal"
        return f"{subject}{when} {_comparison(condition, currency, locale)}"
    if name == "cart.line_quantity":
        comparison = _comparison(condition, currency, locale).removeprefix("is ")
        which = phrase if _one_product(condition.items) else "one item" + (f" from {phrase}" if phrase else "")
        return f"{comparison.capitalize()} of {which} in the cart"
    if name in ("cart.quantity", "cart.items_count"):
        comparison = _comparison(condition, currency, locale)
        noun = "item" if values[-1] == "1" and op in (Op.GTE, Op.EQ, Op.LTE) else "items"
        comparison = comparison.removeprefix("is ")
        where = f" from {phrase}" if phrase else ""
        return f"{comparison.capitalize()} {noun}{where} in the cart"
    if name == "customer.orders_count":
        return f"Customers with {_comparison(condition, currency, locale).removeprefix('is ')} orders"
    if name == "customer.total_spent":
        return f"Customers who have spent {_comparison(condition, currency, locale).removeprefix('is ')}"
    if name == "customer.dormant_days":
        if op is Op.GTE:
            return f"Customers who haven't ordered for {values[0]} days"
        if op is Op.GT:
            return f"Customers who haven't ordered for more than {values[0]} days"
        if op in (Op.LT, Op.LTE):
            return f"Customers who ordered in the last {values[0]} days"
        return f"Customers whose last order was {_comparison(condition, currency, locale).removeprefix('is ')} days ago"
    if name == "customer.segment":
        return f"{listed} customers only" if _positive(condition) else f"Not for {listed} customers"
    if name in ("customer.country", "customer.city"):
        return f"Customers in {listed} only" if _positive(condition) else f"Not available in {listed}"
    if name == "customer.id":
        return "Selected customers only" if _positive(condition) else "Not for selected customers"
    if name == "context.page":
        pages = join_or(v.lower() for v in values)
        return f"On {pages} pages only" if _positive(condition) else f"Not on {pages} pages"
    if name == "context.category":
        return f"On {listed} pages only" if _positive(condition) else f"Not on {listed} pages"
    if name == "context.channel":
        channels = join_or(v.lower() for v in values)
        return f"Only through {channels}" if _positive(condition) else f"Not through {channels}"
    if name == "context.weekday":
        days = condition.value if isinstance(condition.value, frozenset) else frozenset({condition.value})
        if not _positive(condition):
            days = EVERY_DAY - days
        return f"{describe_days(days, locale)} only"
    if name == "context.time":
        return _TIME_WORDS[op].format(*values)
    key = name.removeprefix(METADATA_PREFIX)
    return f"Customer {humanize(key).lower()} {_comparison(condition, currency, locale)}"


_BOOL_TEXTS = {
    "customer.new": {True: "New customers only", False: "Returning customers only"},
    "customer.guest": {True: "Guests only", False: "Signed-in customers only"},
    "customer.birthday_today": {True: "On your birthday only", False: "Not valid on your birthday"},
}
_TIME_WORDS = {Op.GTE: "From {}", Op.GT: "After {}", Op.LT: "Before {}", Op.LTE: "Until {}",
               Op.BETWEEN: "Between {} and {}"}
