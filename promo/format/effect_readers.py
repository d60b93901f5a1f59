"""Reading a definition's `effect:` section: one reader per effect type (EFFECTS, by its `type`)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable


from promo.core import campaign as c
from promo.core.domain import CartLine

from promo.format.readers import _Problems, _amount, _bool, _choice, _fields, _int, _join, _money, _optional_selector, _percent_value, _selector, _show, _suggest, _text, _texts


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
