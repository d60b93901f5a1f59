"""Reading a definition's `effect:` section: one reader per effect type (EFFECTS, by its `type`)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from collections.abc import Callable


from promo.core import campaign as c
from promo.core.domain import CartLine

from promo.format.readers import (
    join_path, Problems, read_amount, read_bool, read_choice, read_fields, read_int, read_money,
    read_optional_selector, read_percent_value, read_selector, read_text, read_texts, show_value, suggest,
)


# ---- effects ----

@dataclass(frozen=True)
class _EffectSpec:
    keys: tuple[str, ...]
    required: tuple[str, ...]
    build: Callable[[dict, str, Problems], Any]


def _build_amount_off_order(f: dict, path: str, p: Problems) -> Any:
    return c.AmountOffOrder(read_amount(f["amount"], join_path(path, "amount"), p))


def _cap(f: dict, path: str, p: Problems) -> int | None:
    return read_money(f["cap"], join_path(path, "cap"), p, minimum=1) if "cap" in f else None


def _build_percent_off_order(f: dict, path: str, p: Problems) -> Any:
    return c.PercentOffOrder(read_percent_value(f["percent"], join_path(path, "percent"), p), _cap(f, path, p))


def _build_amount_each(cls: type) -> Callable[[dict, str, Problems], Any]:
    def build(f: dict, path: str, p: Problems) -> Any:
        return cls(read_amount(f["amount"], join_path(path, "amount"), p), read_optional_selector(f, "items", path, p))
    return build


def _build_amount_split(f: dict, path: str, p: Problems) -> Any:
    by = read_choice(f.get("by", "amount"), join_path(path, "by"), p, ("amount", "quantity"))
    return c.AmountSplit(read_amount(f["amount"], join_path(path, "amount"), p), read_optional_selector(f, "items", path, p), by)


def _build_percent_off_items(f: dict, path: str, p: Problems) -> Any:
    return c.PercentOffItems(
        read_percent_value(f["percent"], join_path(path, "percent"), p),
        read_optional_selector(f, "items", path, p), _cap(f, path, p),
    )


def _build_unit_price(f: dict, path: str, p: Problems) -> Any:
    return c.UnitPrice(read_amount(f["price"], join_path(path, "price"), p, minimum=0), read_optional_selector(f, "items", path, p))


def _optional_bool(f: dict, key: str, default: bool, path: str, p: Problems) -> bool | None:
    return read_bool(f[key], join_path(path, key), p) if key in f else default


def _build_bundle_price(f: dict, path: str, p: Problems) -> Any:
    return c.BundlePrice(
        read_int(f["quantity"], join_path(path, "quantity"), p, minimum=2, maximum=1000),
        read_amount(f["price"], join_path(path, "price"), p, minimum=0),
        read_optional_selector(f, "items", path, p),
        _optional_bool(f, "repeat", True, path, p),
    )


PICKS = ("cheapest", "most_expensive")


def _build_cheapest_items(f: dict, path: str, p: Problems) -> Any:
    count = read_int(f.get("count", 1), join_path(path, "count"), p, minimum=1, maximum=1000)
    every = None
    if "every" in f:
        every = read_int(f["every"], join_path(path, "every"), p, minimum=2, maximum=1000)
        if every is not None and count is not None and every <= count:
            p.add(join_path(path, "every"), f"must be greater than count ({count}), got {every}")
    return c.CheapestItems(
        read_percent_value(f["percent"], join_path(path, "percent"), p), count,
        read_optional_selector(f, "items", path, p),
        read_choice(f.get("pick", "cheapest"), join_path(path, "pick"), p, PICKS), every,
    )


def _side(raw: Any, path: str, p: Problems) -> tuple[int | None, c.ItemSelector | None, bool]:
    """`buy:` / `get:` of buy_x_get_y: {quantity, items?}. Returns (quantity, items, has_items)."""
    fields = read_fields(raw, path, p, ("quantity", "items"), ("quantity",))
    if fields is None:
        return None, None, False
    quantity = read_int(fields["quantity"], join_path(path, "quantity"), p, minimum=1, maximum=1000) if "quantity" in fields else None
    items = read_selector(fields["items"], join_path(path, "items"), p) if "items" in fields else c.ItemSelector()
    return quantity, items, "items" in fields


def _build_buy_x_get_y(f: dict, path: str, p: Problems) -> Any:
    buy_quantity, buy_items, _ = _side(f["buy"], join_path(path, "buy"), p)
    get_quantity, get_items, get_has_items = _side(f["get"], join_path(path, "get"), p)
    max_repeats = read_int(f["max_repeats"], join_path(path, "max_repeats"), p, minimum=1) if "max_repeats" in f else None
    percent = read_percent_value(f["percent"], join_path(path, "percent"), p) if "percent" in f else Decimal(100)
    return c.BuyXGetY(
        buy_quantity, get_quantity, buy_items, get_items if get_has_items else None, percent,
        _optional_bool(f, "repeat", True, path, p), max_repeats,
        read_choice(f.get("pick", "cheapest"), join_path(path, "pick"), p, PICKS),
    )


def _build_volume(f: dict, path: str, p: Problems) -> Any:
    return c.Volume(
        read_int(f["buy"], join_path(path, "buy"), p, minimum=1, maximum=1000),
        read_int(f.get("free", 1), join_path(path, "free"), p, minimum=1, maximum=1000),
        read_optional_selector(f, "items", path, p),
        _optional_bool(f, "per_sku", True, path, p),
    )


def _tier(raw: Any, path: str, p: Problems) -> c.Tier | None:
    before = len(p)
    fields = read_fields(raw, path, p, ("min_subtotal", "percent", "amount"), ("min_subtotal",))
    if fields is None:
        return None
    minimum = read_money(fields["min_subtotal"], join_path(path, "min_subtotal"), p) if "min_subtotal" in fields else None
    has_percent, has_amount = "percent" in fields, "amount" in fields
    if has_percent == has_amount:
        p.add(path, "needs exactly one of percent or amount")
    percent = read_percent_value(fields["percent"], join_path(path, "percent"), p) if has_percent else None
    amount = read_amount(fields["amount"], join_path(path, "amount"), p) if has_amount else None
    return c.Tier(minimum, percent, amount) if len(p) == before else None


def _build_tiers(f: dict, path: str, p: Problems) -> Any:
    raw = f["tiers"]
    tiers_path = join_path(path, "tiers")
    tiers: list[c.Tier] = []
    if not isinstance(raw, list) or not raw:
        p.add(tiers_path, f"must be a list of tiers, got {show_value(raw)}")
    elif len(raw) > 50:
        p.add(tiers_path, "must have at most 50 tiers")
    else:
        parsed = [_tier(item, join_path(tiers_path, i), p) for i, item in enumerate(raw)]
        tiers = [tier for tier in parsed if tier is not None]
        if len(tiers) == len(parsed):
            for i in range(1, len(tiers)):
                if tiers[i].min_subtotal <= tiers[i - 1].min_subtotal:
                    p.add(join_path(join_path(tiers_path, i), "min_subtotal"),
                          f"tiers must go up: {tiers[i].min_subtotal} is not above {tiers[i - 1].min_subtotal}")
    basis = read_choice(f.get("basis", "running"), join_path(path, "basis"), p, ("running", "initial"))
    return c.Tiers(tuple(tiers), read_optional_selector(f, "items", path, p), basis)


def _gift(raw: Any, path: str, p: Problems, quantity: int) -> CartLine | None:
    fields = read_fields(raw, path, p, ("sku", "name", "price", "categories", "collections"), ("sku", "name", "price"))
    if fields is None or not {"sku", "name", "price"} <= fields.keys():
        return None
    sku = read_text(fields["sku"], join_path(path, "sku"), p, max_length=64)
    name = read_text(fields["name"], join_path(path, "name"), p)
    price = read_money(fields["price"], join_path(path, "price"), p)
    categories = read_texts(fields["categories"], join_path(path, "categories"), p) if "categories" in fields else frozenset()
    collections = read_texts(fields["collections"], join_path(path, "collections"), p) if "collections" in fields else frozenset()
    if None in (sku, name, price, categories, collections):
        return None
    return CartLine(sku, name, price, quantity, categories, collections)


def _build_free_gift(f: dict, path: str, p: Problems) -> Any:
    quantity = read_int(f.get("quantity", 1), join_path(path, "quantity"), p, minimum=1, maximum=100)
    gift = _gift(f["gift"], join_path(path, "gift"), p, quantity or 1)
    return c.FreeGift(gift, quantity)


def _build_shipping(f: dict, path: str, p: Problems) -> Any:
    if "percent" in f and "amount" in f:
        p.add(path, "give either percent or amount, not both")
    if "amount" in f:
        return c.ShippingDiscount(percent=None, amount=read_amount(f["amount"], join_path(path, "amount"), p))
    percent = read_percent_value(f["percent"], join_path(path, "percent"), p) if "percent" in f else Decimal(100)
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


def read_effect(raw: Any, path: str, p: Problems) -> c.Effect | None:
    if not isinstance(raw, Mapping):
        p.add(path, f"must be a mapping with a type, got {show_value(raw)}")
        return None
    kind = raw.get("type")
    if kind is None:
        p.add(join_path(path, "type"), f"is required; one of: {', '.join(EFFECTS)}")
        return None
    if not isinstance(kind, str) or kind not in EFFECTS:
        hint = suggest(kind, EFFECTS) if isinstance(kind, str) else ""
        p.add(join_path(path, "type"), f"unknown effect type {show_value(kind)}{hint}; one of: {', '.join(EFFECTS)}")
        return None
    spec = EFFECTS[kind]
    fields = read_fields(raw, path, p, ("type", *spec.keys), spec.required)
    if fields is None or not set(spec.required) <= fields.keys():
        return None
    before = len(p)
    effect = spec.build(fields, path, p)
    return effect if len(p) == before else None
