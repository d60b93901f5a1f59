"""The effect types: one module per type, and the registry built from them.

Each module of this package but `base` and `effect_type` is one effect type (its `type:` in a
definition is the module's name). It holds everything about the type: its frozen dataclass,
how it is read (`parse`), what it gives (`apply`), its headline and hint words (`label`,
`unlock`), its banner words and the item selections the campaign index files it under, and
declares them as `TYPE = EffectType(...)`. The parser, the wording, the banners, the index
and the JSON Schema iterate EFFECT_TYPES, so a new effect type is one new module here (plus its
worked example in docs/campaigns.md, which tests/engine/format/test_docs_examples.py requires).

`compute(effect, facts, shipping=...)` answers one question: given the cart as it stands now
(`facts.line_totals`, the running per-line totals after earlier offers), what does this effect
take off each line, off shipping, and which free lines does it add?

Rules every effect follows (docs/discount-policy.md explains them for people):
- integer minor units; a computed discount is rounded half-up once, then split with
  `promo.core.money.allocate` (largest remainder, ties to the earlier line), so shares sum exactly;
- a line's share never exceeds its running total, so no line goes below 0 and an order
  discount never exceeds the items subtotal;
- only ShippingDiscount touches shipping;
- unit-level effects see each line's running total spread over its units by largest
  remainder (`spread_units`): 1000 over 3 units is 334, 333, 333.
"""
from __future__ import annotations

import importlib
import pkgutil

from promo.core.effects.base import Benefit
from promo.core.effects.effect_type import Effect, EffectType
from promo.core.facts import Facts

__all__ = [
    "EFFECT_TYPES", "Benefit", "Effect", "EffectType", "by_name", "compute", "counts_towards_offer_cap", "effect_type",
    "lowers_item_prices",
]

_NOT_TYPES = frozenset({"base", "effect_type"})


def _discover() -> tuple[EffectType, ...]:
    found = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name in _NOT_TYPES:
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        declared = getattr(module, "TYPE", None)
        if not isinstance(declared, EffectType) or declared.name != module_info.name:
            raise ImportError(f"{module.__name__} must declare TYPE = EffectType(name={module_info.name!r}, ...)")
        found.append(declared)
    return tuple(found)


# By name: the order definitions' errors and the JSON Schema list them in.
EFFECT_TYPES: tuple[EffectType, ...] = _discover()
_BY_NAME = {kind.name: kind for kind in EFFECT_TYPES}
_BY_CLASS = {kind.effect: kind for kind in EFFECT_TYPES}


def effect_type(effect: Effect | str) -> EffectType:
    """The type of an effect, or the type of this name; TypeError for neither."""
    try:
        return _BY_NAME[effect] if isinstance(effect, str) else _BY_CLASS[type(effect)]
    except KeyError:
        shown = effect if isinstance(effect, str) else type(effect).__name__
        raise TypeError(f"unknown effect type {shown}") from None


def by_name() -> dict[str, EffectType]:
    return dict(_BY_NAME)


def compute(effect: Effect, facts: Facts, shipping: int = 0) -> Benefit:
    """What `effect` gives on the running totals in `facts`; `shipping` is what is still charged."""
    return effect_type(effect).apply(effect, facts, shipping)


def lowers_item_prices(effect: Effect | None) -> bool:
    """Does this effect lower an item's own price, whatever else is in the cart?"""
    return effect is not None and effect_type(effect).lowers_item_prices


def counts_towards_offer_cap(effect: Effect | None) -> bool:
    """Is an offer with this effect one of those the max-offers cap counts?"""
    return effect is None or effect_type(effect).counts_towards_offer_cap
