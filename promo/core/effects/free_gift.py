"""`free_gift`: a product given free, added to the cart when it is not there already."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from promo.core.domain import CartLine
from promo.core.effects.base import MOST_EXPENSIVE, Benefit, ranked, take_units, unit_groups, units_in
from promo.core.effects.effect_type import FREE_ITEMS, ITEMS, UNGUARDED, BannerText, Effect, EffectType, Headline
from promo.core.facts import Facts
from promo.core.json_schema import closed, money, ref, text, whole
from promo.core.reading import Problems, join_path, read_fields, read_int, read_money, read_text, read_texts
from promo.core.reasons import Reason


@dataclass(frozen=True)
class FreeGift(Effect):
    gift: CartLine                          # added at 100% off when missing from the cart
    quantity: int = 1


def _gift(raw: Any, path: str, p: Problems, quantity: int) -> CartLine | None:
    fields = read_fields(raw, path, p, ("sku", "name", "price", "categories", "collections"), ("sku", "name", "price"))
    if fields is None or not {"sku", "name", "price"} <= fields.keys():
        return None
    sku = read_text(fields["sku"], join_path(path, "sku"), p, max_length=64)
    name = read_text(fields["name"], join_path(path, "name"), p)
    price = read_money(fields["price"], join_path(path, "price"), p)
    categories = read_texts(fields["categories"], join_path(path, "categories"), p) if "categories" in fields else frozenset()
    collections = read_texts(fields["collections"], join_path(path, "collections"), p) if "collections" in fields else frozenset()
    if sku is None or name is None or price is None or categories is None or collections is None:
        return None
    return CartLine(sku, name, price, quantity, categories, collections)


def parse(fields: dict[str, Any], path: str, p: Problems) -> FreeGift | None:
    quantity = read_int(fields.get("quantity", 1), join_path(path, "quantity"), p, minimum=1, maximum=100)
    gift = _gift(fields["gift"], join_path(path, "gift"), p, quantity or 1)
    return None if gift is None or quantity is None else FreeGift(gift, quantity)


def apply(effect: FreeGift, facts: Facts, shipping: int) -> Benefit:
    """The gift's units already in the cart become free; any still missing are added, free."""
    sku = effect.gift.sku
    present = [i for i, line in enumerate(facts.lines) if line.sku == sku]
    groups = take_units(ranked(unit_groups(facts, present), MOST_EXPENSIVE), effect.quantity)
    shares: dict[int, int] = {}
    for group in groups:
        shares[group.line] = shares.get(group.line, 0) + group.price * group.count
    missing = effect.quantity - units_in(groups)
    added = (replace(effect.gift, quantity=missing),) if missing > 0 else ()
    discounts = [0] * len(facts.lines)
    for index, amount in shares.items():
        discounts[index] = amount
    benefit = Benefit(tuple(discounts), added_lines=added)
    if not benefit.gives_something:
        return replace(benefit, reason_if_zero=Reason.NO_DISCOUNT)
    return benefit


def _name(effect: FreeGift) -> str:
    return effect.gift.name or effect.gift.sku


def label(effect: FreeGift, currency: str, locale: str, facts: Facts | None) -> str:
    return f"Free {_name(effect)}" if effect.quantity == 1 else f"{effect.quantity} free {_name(effect)}"


def unlock(effect: FreeGift, currency: str, locale: str, facts: Facts | None) -> str:
    return f"to get a free {_name(effect)}" if effect.quantity == 1 else f"to get {effect.quantity} free {_name(effect)}"


def banner_words(effect: FreeGift, words: BannerText) -> str:
    name = _name(effect).upper()
    label = f"FREE {name}" if effect.quantity == 1 else f"FREE {name} \u00d7{effect.quantity}"
    if words.fits(label):
        return label
    return "FREE GIFT" if effect.quantity == 1 else f"{effect.quantity} FREE GIFTS"


_GIFT = closed({"sku": text(64), "name": text(), "price": money(), "categories": ref("texts"),
                "collections": ref("texts")}, ("sku", "name", "price"))

def headline(effect: FreeGift) -> Headline:
    return Headline(FREE_ITEMS, ITEMS, effect.quantity, sku=effect.gift.sku)


TYPE = EffectType(
    name="free_gift", effect=FreeGift, fields={"gift": _GIFT, "quantity": whole(1, 100)}, required=("gift",),
    parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words,
    margin_guard=UNGUARDED,
    headline=headline,
)
