"""Dynamic values: a safe formula over customer and cart facts, with a required fallback.

    amount: {formula: "1000 if customer.new else 500", fallback: 500}

The expression is parsed and checked once, when the definition is loaded: only arithmetic,
comparisons, `x if c else y`, `and`/`or`/`not`, `in`, literals, min/max/abs/round and the
names listed in FORMULA_NAMES are allowed. Evaluation runs through simpleeval (never eval);
anything that goes wrong at run time (a missing value, a type error, a negative or
out-of-range result) gives the fallback, so a formula can never break a checkout.
"""
from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from simpleeval import EvalWithCompoundTypes

from promo.core.facts import Facts

MAX_EXPRESSION_LENGTH = 500
MAX_RESULT = Decimal(10**12)  # no amount (minor units) or percent is this big: a runaway formula

# name -> what it means; the docs list these, the parser accepts nothing else.
FORMULA_NAMES: dict[str, str] = {
    "customer.id": "customer id (None for guests)",
    "customer.new": "True when the customer has no orders yet",
    "customer.is_new": "same as customer.new",
    "customer.guest": "True when the shopper is not signed in",
    "customer.orders_count": "number of orders placed",
    "customer.total_spent": "lifetime spend, minor units",
    "customer.segments": "set of segment slugs: 'vip' in customer.segments",
    "customer.country": "ISO country code",
    "customer.city": "city",
    "customer.dormant_days": "days since the last order (None if never ordered)",
    "customer.days_since_last_order": "same as customer.dormant_days",
    "customer.birthday_today": "True on the customer's birthday",
    "customer.metadata.<key>": "a free-form customer attribute (None when absent)",
    "customer.metadata": "the attributes, for 'key' in customer.metadata",
    "cart.subtotal": "items subtotal after earlier offers, minor units",
    "cart.initial_subtotal": "items subtotal before any offer, minor units",
    "cart.items_count": "number of units in the cart",
    "cart.lines_count": "number of distinct lines",
    "context.page": "page being viewed",
    "context.category": "category being viewed",
    "context.channel": "sales channel (web, app, pos ...)",
    "context.weekday": "mon ... sun",
    "context.hour": "hour of the day, 0-23, store time",
    "item.price": "the line's unit price before any offer, minor units (per-line effects only)",
    "item.cost": "the line's unit cost, minor units (None when the catalogue has none)",
    "item.margin": "item.price - item.cost, minor units (None without a cost)",
    "item.quantity": "units on the line",
}
# Names only effects that compute each line on its own can give a value to.
LINE_NAMES = frozenset(name for name in FORMULA_NAMES if name.startswith("item."))

_FUNCTIONS = {"min": min, "max": max, "abs": abs, "round": round}
_ALLOWED_NODES = (
    ast.Expression, ast.Constant, ast.Name, ast.Attribute, ast.Load, ast.BinOp, ast.UnaryOp,
    ast.BoolOp, ast.Compare, ast.IfExp, ast.Call, ast.Tuple, ast.List,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
    ast.USub, ast.UAdd, ast.Not, ast.And, ast.Or,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class FormulaError(ValueError):
    """The expression cannot be accepted (syntax, a forbidden construct, an unknown name)."""


def _dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _check_name(dotted: str) -> None:
    if dotted in FORMULA_NAMES:
        return
    root, _, rest = dotted.partition(".")
    if root == "customer" and rest.startswith("metadata.") and rest.count(".") == 1:
        return
    suggestion = difflib.get_close_matches(dotted, list(FORMULA_NAMES), n=1)
    hint = f" (did you mean '{suggestion[0]}'?)" if suggestion else ""
    raise FormulaError(f"unknown name '{dotted}'{hint}")


def _validate(tree: ast.Expression) -> None:
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise FormulaError(f"'{type(node).__name__}' is not allowed in a formula")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, str, bool, type(None))):
            raise FormulaError(f"constant {node.value!r} is not allowed in a formula")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS or node.keywords:
                allowed = ", ".join(_FUNCTIONS)
                raise FormulaError(f"only these functions can be called: {allowed}")
    # Names are checked as whole dotted chains (customer.metadata.tier), outermost first.
    seen: set[int] = set()
    for node in ast.walk(tree):
        if id(node) in seen or not isinstance(node, (ast.Attribute, ast.Name)):
            continue
        for inner in ast.walk(node):
            seen.add(id(inner))
        if isinstance(node, ast.Name) and node.id in _FUNCTIONS:
            continue
        if isinstance(node, ast.Name) and node.id in ("True", "False", "None"):
            continue
        dotted = _dotted(node)
        if dotted is None:
            raise FormulaError("attributes can only be read from customer, cart, context or item")
        _check_name(dotted)


def compile_expression(expression: str) -> ast.Expression:
    if not isinstance(expression, str) or not expression.strip():
        raise FormulaError("must be a non-empty expression")
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise FormulaError(f"must be at most {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"is not a valid expression ({exc.msg})") from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("is not a valid expression") from None
    _validate(tree)
    return tree


class _Metadata:
    """customer.metadata as a formula reads it: `customer.metadata.tier`, None when absent,
    and `'tier' in customer.metadata`. Keys never collide with dict methods (items, get ...)."""

    __slots__ = ("_values",)

    def __init__(self, values: Any) -> None:
        self._values = dict(values)

    def __getattr__(self, name: str) -> Any:
        return self._values.get(name)

    def __contains__(self, key: object) -> bool:
        return key in self._values


def _dotted_names(tree: ast.Expression) -> frozenset[str]:
    names = set()
    seen: set[int] = set()
    for node in ast.walk(tree):
        if id(node) in seen or not isinstance(node, (ast.Attribute, ast.Name)):
            continue
        for inner in ast.walk(node):
            seen.add(id(inner))
        dotted = _dotted(node)
        if dotted is not None:
            names.add(dotted)
    return frozenset(names)


def formula_names(facts: Facts) -> dict[str, Any]:
    """The values a formula sees for these facts."""
    customer = facts.customer
    now = facts.context.now
    dormant = customer.days_since_last_order(now)
    names = _base_names(facts, customer, now, dormant)
    if facts.item is not None:
        item = facts.item
        names["item"] = {"price": item.price, "cost": item.cost, "margin": item.margin,
                         "quantity": item.quantity}
    return names


def _base_names(facts: Facts, customer: Any, now: Any, dormant: int | None) -> dict[str, Any]:
    return {
        "customer": {
            "id": customer.id,
            "new": customer.is_new,
            "is_new": customer.is_new,
            "guest": customer.is_guest,
            "orders_count": customer.orders_count,
            "total_spent": customer.total_spent,
            "segments": customer.segments,
            "country": customer.country,
            "city": customer.city,
            "dormant_days": dormant,
            "days_since_last_order": dormant,
            "birthday_today": customer.is_birthday(now.date()),
            "metadata": _Metadata(customer.metadata),
        },
        "cart": {
            "subtotal": facts.subtotal,
            "initial_subtotal": facts.initial_subtotal,
            "items_count": facts.items_count,
            "lines_count": len(facts.lines),
        },
        "context": {
            "page": facts.context.page,
            "category": facts.context.category,
            "channel": facts.context.channel,
            "weekday": _WEEKDAYS[now.weekday()],
            "hour": now.hour,
        },
    }


def _to_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    try:
        result = Decimal(value) if isinstance(value, int) else Decimal(str(value))
    except (InvalidOperation, ValueError, OverflowError):
        return None
    return result if result.is_finite() else None


@dataclass(frozen=True)
class Formula:
    """A dynamic amount (minor units) or percent. `maximum` bounds percents at 100."""

    expression: str
    fallback: Decimal
    maximum: Decimal | None = None
    _tree: ast.Expression = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_tree", compile_expression(self.expression))

    @property
    def reads_line(self) -> bool:
        """Does it read `item.*`, which only per-line effects give a value to?"""
        return bool(_dotted_names(self._tree) & LINE_NAMES)

    def possible_values(self) -> frozenset[Decimal] | None:
        """Every value the formula can give, when its expression only chooses between numbers
        ("1000 if customer.new else 500", nested choices too), the fallback included; None when
        it computes a value, so only evaluating it for a shopper tells."""
        limit = self.maximum if self.maximum is not None else MAX_RESULT
        values = {self.fallback}
        pending: list[ast.expr] = [self._tree.body]
        while pending:
            node = pending.pop()
            if isinstance(node, ast.IfExp):
                pending += [node.body, node.orelse]
                continue
            if not isinstance(node, ast.Constant):
                return None
            value = _to_decimal(node.value)
            # What evaluate() would refuse in favour of the fallback, which is already in.
            if value is not None and 0 <= value <= limit:
                values.add(value)
        return frozenset(values)

    def evaluate(self, facts: Facts) -> Decimal:
        try:
            evaluator = EvalWithCompoundTypes(
                names=formula_names(facts), functions=dict(_FUNCTIONS)
            )
            value = _to_decimal(evaluator.eval(self.expression, previously_parsed=self._tree.body))
        except Exception:  # noqa: BLE001 - by contract any run-time failure means the fallback
            return self.fallback
        limit = self.maximum if self.maximum is not None else MAX_RESULT
        if value is None or value < 0 or value > limit:
            return self.fallback
        return value


# A value that is either fixed or computed by a formula with a required fallback.
Amount = int | Formula        # minor units
Percent = Decimal | Formula   # 0..100
