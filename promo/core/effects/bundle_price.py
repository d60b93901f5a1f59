"""`bundle_price`: N matching units for a set price, repeated while the cart has enough."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from promo.core.domain import ItemSelector
from promo.core.effects.base import (
    MOST_EXPENSIVE,
    Benefit,
    UnitGroup,
    benefit_of,
    item_selectors,
    nothing,
    quantity_hint,
    ranked,
    read_flag,
    resolve_amount,
    unit_groups,
    units_in,
)
from promo.core.effects.effect_type import BannerText, Effect, EffectType
from promo.core.facts import Facts
from promo.core.formula import Amount
from promo.core.json_schema import ref, whole
from promo.core.money import allocate
from promo.core.phrases import amount_words, scope_suffix, to_get
from promo.core.reading import Problems, join_path, read_amount, read_int, read_optional_selector
from promo.core.reasons import Reason


@dataclass(frozen=True)
class BundlePrice(Effect):
    quantity: int
    price: Amount
    items: ItemSelector = ItemSelector()
    repeat: bool = True


def parse(fields: dict[str, Any], path: str, p: Problems) -> BundlePrice | None:
    quantity = read_int(fields["quantity"], join_path(path, "quantity"), p, minimum=2, maximum=1000)
    price = read_amount(fields["price"], join_path(path, "price"), p, minimum=0)
    items = read_optional_selector(fields, "items", path, p)
    repeat = read_flag(fields, "repeat", True, path, p)
    if quantity is None or price is None or items is None or repeat is None:
        return None
    return BundlePrice(quantity, price, items, repeat)


def apply(effect: BundlePrice, facts: Facts, shipping: int) -> Benefit:
    """N units for a fixed price, built from the dearest units first (the customer's best deal)."""
    indices = facts.matching(effect.items)
    groups = ranked(unit_groups(facts, indices), MOST_EXPENSIVE)
    size = effect.quantity
    units = units_in(groups)
    if units == 0:
        return nothing(facts, Reason.NO_MATCHING_ITEMS)
    if units < size:
        return nothing(facts, Reason.MINIMUM_NOT_MET, quantity_hint(size - units, units, size, effect.items))
    price = resolve_amount(effect.price, facts)
    bundles = units // size if effect.repeat else 1
    shares: dict[int, int] = {}

    def give(parts: list[UnitGroup], copies: int) -> None:
        weights = [p.price * p.count for p in parts]
        saving = sum(weights) - price
        if saving <= 0:
            return
        for part, share in zip(parts, allocate(saving, weights), strict=True):
            shares[part.line] = shares.get(part.line, 0) + share * copies

    queue = [UnitGroup(g.line, g.price, g.count) for g in groups]
    position = 0
    while bundles and position < len(queue):
        head = queue[position]
        if head.count >= size:
            # Whole bundles inside one group are identical: price them once.
            copies = min(bundles, head.count // size)
            give([UnitGroup(head.line, head.price, size)], copies)
            bundles -= copies
            left = head.count - copies * size
            queue[position] = UnitGroup(head.line, head.price, left)
            if left == 0:
                position += 1
            continue
        parts: list[UnitGroup] = []
        needed = size
        while needed and position < len(queue):
            group = queue[position]
            n = min(group.count, needed)
            parts.append(UnitGroup(group.line, group.price, n))
            needed -= n
            queue[position] = UnitGroup(group.line, group.price, group.count - n)
            if queue[position].count == 0:
                position += 1
        give(parts, 1)
        bundles -= 1
    return benefit_of(facts, shares)


def label(effect: BundlePrice, currency: str, locale: str, facts: Facts | None) -> str:
    price = amount_words(effect.price, currency, locale, facts) or "a personal price"
    return f"{effect.quantity} for {price}{scope_suffix(effect.items, currency, locale)}"


def unlock(effect: BundlePrice, currency: str, locale: str, facts: Facts | None) -> str:
    return to_get(label(effect, currency, locale, facts))


def banner_words(effect: BundlePrice, text: BannerText) -> str:
    price = text.amount(effect.price)
    return f"{effect.quantity} FOR {price}" if price else f"BUNDLE OF {effect.quantity}"


TYPE = EffectType(
    name="bundle_price", effect=BundlePrice,
    fields={"quantity": whole(2, 1000), "price": ref("price"), "items": ref("items"), "repeat": {"type": "boolean"}},
    required=("quantity", "price"), parse=parse, apply=apply, label=label, unlock=unlock, banner_words=banner_words,
    selectors=item_selectors,
)
