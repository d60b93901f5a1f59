"""Guided campaign forms: a few plain fields for the common kinds, turned into the definition
format (docs/campaigns.md). The engine validates the result; its errors are mapped back onto
the form field they concern, so a marketer sees each message next to what they typed.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from promo.core.money import MoneyError, parse_typed_amount, typed_amount

KINDS = {
    "public_code": "Public code",
    "bulk_codes": "Bulk unique codes",
    "auto": "Automatic promotion",
    "tiers": "Spend tiers",
    "bxgy": "Buy X, get Y",
}
KIND_HELP = {
    "public_code": "One code anyone can type at checkout, like HAPPY10.",
    "bulk_codes": "Many single-use codes made from a pattern, to hand out one per customer.",
    "auto": "Applies by itself to every cart that qualifies; no code needed.",
    "tiers": "The more the cart is worth, the bigger the percentage off.",
    "bxgy": "Buying some items discounts others, e.g. a dripper makes filters half price.",
}
TIER_ROWS = 3
_SLUG = re.compile(r"[^a-z0-9]+")

# Engine error paths -> the form field they are about (first matching prefix wins).
_FIELD_OF_PATH = (
    ("id", "id"), ("name", "name"), ("description", "description"), ("code", "code"),
    ("codes", "pattern"), ("active.from", "starts"), ("active.until", "ends"), ("active", "ends"),
    ("eligibility", "min_subtotal"), ("limits.per_customer", "per_customer"), ("limits.total", "total"),
    ("limits.budget", "budget"), ("priority", "priority"), ("stacking", "stacking"), ("effect.buy.quantity", "buy_quantity"),
    ("effect.buy", "buy_skus"),
    ("effect.get.quantity", "get_quantity"), ("effect.get", "get_skus"),
)


@dataclass
class GuidedForm:
    kind: str
    values: dict[str, str]
    currency: str               # the store's: amounts are typed and stored in it
    locale: str                 # the store's: how amounts are typed ("1,50" is 1.50 in pl_PL)
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.general


def slugify(name: str) -> str:
    return _SLUG.sub("-", name.lower()).strip("-")[:64]


def empty_form(kind: str, *, currency: str, locale: str) -> GuidedForm:
    defaults = {"discount_type": "percent", "get_percent": "100", "buy_quantity": "1", "get_quantity": "1"}
    if kind == "bulk_codes":
        defaults["pattern"] = "PROMO-####-####"
        defaults["per_code"] = "1"
    return GuidedForm(kind, defaults, currency, locale)


def read_form(kind: str, form: Mapping[str, str], *, currency: str,
              locale: str) -> tuple[GuidedForm, dict[str, Any] | None]:
    """The form as typed and, when every field could be read, the definition it describes."""
    guided = GuidedForm(kind, {k: v.strip() for k, v in form.items() if isinstance(v, str)}, currency, locale)
    if kind not in KINDS:
        guided.general.append(f"Choose a campaign type: {', '.join(KINDS.values())}.")
        return guided, None
    name = guided.value("name")
    definition: dict[str, Any] = {
        "id": guided.value("id") or slugify(name),
        "name": name,
        "kind": {"public_code": "coupon", "bulk_codes": "bulk"}.get(kind, "promotion"),
    }
    if guided.value("description"):
        definition["description"] = guided.value("description")
    if kind == "public_code":
        definition["code"] = guided.value("code").upper()
    if kind == "bulk_codes":
        definition["codes"] = {"pattern": guided.value("pattern")}
    effect = _effect(guided)
    if effect is not None:
        definition["effect"] = effect
    minimum = _money(guided, "min_subtotal")
    if minimum:
        definition["eligibility"] = {"fact": "cart.subtotal", "gte": minimum}
    priority = _whole(guided, "priority")
    if priority is not None:
        definition["priority"] = priority
    if guided.value("stacking", "common") != "common":
        definition["stacking"] = guided.value("stacking")
    active = {key: guided.value(name) for key, name in (("from", "starts"), ("until", "ends")) if guided.value(name)}
    if active:
        definition["active"] = active
    limits: dict[str, Any] = {}
    for name in ("per_code", "per_customer", "total"):
        number = _count(guided, name)
        if number is not None:
            limits[name] = number
    budget = _money(guided, "budget")
    if budget is not None:
        limits["budget"] = budget
    if limits:
        definition["limits"] = limits
    return guided, (definition if guided.ok else None)


def _effect(guided: GuidedForm) -> dict[str, Any] | None:
    if guided.kind == "tiers":
        tiers = []
        for row in range(1, TIER_ROWS + 1):
            minimum, percent = guided.value(f"tier_min_{row}"), guided.value(f"tier_percent_{row}")
            if not minimum and not percent:
                continue
            tier = {"min_subtotal": _money(guided, f"tier_min_{row}", required=True),
                    "percent": _number(guided, f"tier_percent_{row}", required=True)}
            tiers.append(tier)
        if not tiers:
            guided.add("tier_min_1", "Give at least one tier: a minimum spend and its percentage.")
        return {"type": "tiers", "tiers": tiers}
    if guided.kind == "bxgy":
        return {
            "type": "buy_x_get_y",
            "buy": {"quantity": _count(guided, "buy_quantity", required=True), "items": _skus(guided, "buy_skus")},
            "get": {"quantity": _count(guided, "get_quantity", required=True), "items": _skus(guided, "get_skus")},
            "percent": _number(guided, "get_percent", required=True),
        }
    if guided.value("discount_type", "percent") == "amount":
        return {"type": "amount_off_order", "amount": _money(guided, "discount_value", required=True)}
    return {"type": "percent_off_order", "percent": _number(guided, "discount_value", required=True)}


def _skus(guided: GuidedForm, name: str) -> dict[str, Any]:
    skus = [s.strip().upper() for s in guided.value(name).split(",") if s.strip()]
    if not skus:
        guided.add(name, "List at least one SKU, separated by commas.")
    return {"skus": skus}


def _number(guided: GuidedForm, name: str, *, required: bool = False) -> int | float | None:
    raw = guided.value(name)
    if not raw:
        if required:
            guided.add(name, "Required.")
        return None
    try:
        number = Decimal(raw.rstrip("%").strip())
    except InvalidOperation:
        guided.add(name, f"Enter a number, not {raw!r}.")
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _count(guided: GuidedForm, name: str, *, required: bool = False) -> int | None:
    raw = guided.value(name)
    if not raw:
        if required:
            guided.add(name, "Required.")
        return None
    if not raw.isdigit() or int(raw) < 1:
        guided.add(name, f"Enter a whole number of at least 1, not {raw!r}.")
        return None
    return int(raw)


def _whole(guided: GuidedForm, name: str) -> int | None:
    """A whole number that may be negative (priorities)."""
    raw = guided.value(name)
    if not raw:
        return None
    if not re.fullmatch(r"-?\d{1,7}", raw):
        guided.add(name, f"Enter a whole number such as 10 or -5, not {raw!r}.")
        return None
    return int(raw)


def _money(guided: GuidedForm, name: str, *, required: bool = False) -> int | None:
    """An amount as typed in the store's currency and locale ("49.99", "$50") -> minor units."""
    raw = guided.value(name).strip()
    if not raw:
        if required:
            guided.add(name, "Required.")
        return None
    try:
        return parse_typed_amount(raw, guided.currency, guided.locale)
    except MoneyError as error:
        guided.add(name, f"Enter an amount like {typed_amount(2550, guided.currency, guided.locale)} ({error}).")
        return None


def place_engine_errors(guided: GuidedForm, errors: list[dict[str, str]]) -> None:
    """Put each engine error ({path, message}) on the field it is about."""
    for error in errors:
        path, message = error.get("path", ""), error["message"]
        target = _field_for(guided.kind, path)
        if target is None:
            guided.general.append(f"{path}: {message}" if path else message)
        else:
            guided.add(target, message)


def _field_for(kind: str, path: str) -> str | None:
    tier = re.match(r"effect\.tiers\[(\d+)\]\.(min_subtotal|percent)", path)
    if tier and int(tier.group(1)) < TIER_ROWS:
        return f"tier_{'min' if tier.group(2) == 'min_subtotal' else 'percent'}_{int(tier.group(1)) + 1}"
    if path.startswith("effect.tiers"):
        return "tier_min_1"
    if path in ("effect.percent", "effect.amount"):
        return "get_percent" if kind == "bxgy" else "discount_value"
    for prefix, name in _FIELD_OF_PATH:
        if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
            return name
    return None


# ---- editing: a stored definition back into the form ---------------------------------------------

_FORM_KEYS = {"id", "name", "kind", "description", "code", "codes", "effect", "eligibility", "active", "limits",
              "priority", "stacking"}
STACKING = {"common": "Combines with others", "exclusive": "Never combined", "always": "Always applies"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _typed(amount: Any, currency: str, locale: str) -> str:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise _NotGuided
    return typed_amount(amount, currency, locale)


class _NotGuided(Exception):
    """The definition uses something the guided form cannot show; edit it as text instead."""


def _exact(mapping: Any, allowed: set[str], required: set[str] = frozenset()) -> dict[str, Any]:
    if not isinstance(mapping, dict) or not set(mapping) <= allowed or not required <= set(mapping):
        raise _NotGuided
    return mapping


def form_from_definition(definition: Mapping[str, Any], *, currency: str, locale: str) -> GuidedForm | None:
    """The guided form showing this definition, or None when it uses anything the form lacks
    (the raw editor then is the way to edit it), so saving the form never drops a rule."""
    try:
        data = _exact(dict(definition), _FORM_KEYS, {"id", "name", "kind", "effect"})
        effect = _exact(data["effect"], {"type", "percent", "amount", "tiers", "buy", "get"}, {"type"})
        values: dict[str, str] = {"id": data["id"], "name": data["name"], "description": data.get("description", "")}
        kind = _guided_kind(data, effect)
        if kind == "tiers":
            tiers = _exact(effect, {"type", "tiers"})["tiers"]
            if not isinstance(tiers, list) or len(tiers) > TIER_ROWS:
                raise _NotGuided
            for row, tier in enumerate(tiers, start=1):
                tier = _exact(tier, {"min_subtotal", "percent"}, {"min_subtotal", "percent"})
                values[f"tier_min_{row}"] = _typed(tier["min_subtotal"], currency, locale)
                values[f"tier_percent_{row}"] = str(tier["percent"])
        elif kind == "bxgy":
            _exact(effect, {"type", "buy", "get", "percent"}, {"buy", "get", "percent"})
            for side in ("buy", "get"):
                part = _exact(effect[side], {"quantity", "items"}, {"quantity", "items"})
                items = _exact(part["items"], {"skus"}, {"skus"})
                values[f"{side}_skus"] = ", ".join(items["skus"])
                values[f"{side}_quantity"] = str(part["quantity"])
            values["get_percent"] = str(effect["percent"])
        elif effect["type"] == "percent_off_order":
            values.update(discount_type="percent", discount_value=str(_exact(effect, {"type", "percent"})["percent"]))
        elif effect["type"] == "amount_off_order":
            amount = _exact(effect, {"type", "amount"})["amount"]
            values.update(discount_type="amount", discount_value=_typed(amount, currency, locale))
        else:
            raise _NotGuided
        if kind == "public_code":
            values["code"] = data["code"]
        if kind == "bulk_codes":
            values["pattern"] = _exact(data["codes"], {"pattern"}, {"pattern"})["pattern"]
        if "eligibility" in data:
            rule = _exact(data["eligibility"], {"fact", "gte"}, {"fact", "gte"})
            if rule["fact"] != "cart.subtotal":
                raise _NotGuided
            values["min_subtotal"] = _typed(rule["gte"], currency, locale)
        if "priority" in data:
            if not isinstance(data["priority"], int) or isinstance(data["priority"], bool):
                raise _NotGuided
            values["priority"] = str(data["priority"])
        if "stacking" in data:
            if data["stacking"] not in STACKING:
                raise _NotGuided
            values["stacking"] = data["stacking"]
        for key, name in (("from", "starts"), ("until", "ends")):
            day = _exact(data.get("active", {}), {"from", "until"}).get(key)
            if day is not None:
                if not isinstance(day, str) or not _DATE.match(day):
                    raise _NotGuided
                values[name] = day
        limits = _exact(data.get("limits", {}), {"per_code", "per_customer", "total", "budget"})
        if "per_code" in limits and kind != "bulk_codes":
            raise _NotGuided
        for name in ("per_code", "per_customer", "total"):
            if name in limits:
                values[name] = str(limits[name])
        if "budget" in limits:
            values["budget"] = _typed(limits["budget"], currency, locale)
    except (_NotGuided, KeyError, TypeError):
        return None
    return GuidedForm(kind, values, currency, locale)


def _guided_kind(data: dict[str, Any], effect: dict[str, Any]) -> str:
    if data["kind"] == "coupon" and "code" in data and "codes" not in data:
        return "public_code"
    if data["kind"] == "bulk" and "codes" in data and "code" not in data:
        return "bulk_codes"
    if data["kind"] == "promotion" and "code" not in data and "codes" not in data:
        return {"tiers": "tiers", "buy_x_get_y": "bxgy"}.get(effect["type"], "auto")
    raise _NotGuided
