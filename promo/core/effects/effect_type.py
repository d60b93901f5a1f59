"""What an effect type is: everything the engine knows about one `type:` of effect, declared by
its own module in promo.core.effects and gathered into the registry there; and the Benefit
every type's calculation returns."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from promo.core.domain import CartLine, ItemSelector
from promo.core.formula import Amount, Percent
from promo.core.json_schema import Schema
from promo.core.reasons import Reason
from promo.core.results import Hint

if TYPE_CHECKING:
    from promo.core.facts import Facts
    from promo.core.reading import Problems


# How the margin floor (promo.core.margin) guards an effect's benefit.
PER_LINE = "per_line"      # a guarded line just gets less
PER_UNIT = "per_unit"      # the same, and the shopper reads what each unit still gets
POOLED = "pooled"          # one amount over lines: what a capped line cannot take goes to the others
UNGUARDED = "unguarded"    # given away on purpose (a gift) or not an item (shipping)


class Effect:
    """What a campaign gives: the frozen dataclass of one effect type derives from this."""

    __slots__ = ()


@dataclass(frozen=True)
class Benefit:
    """What one effect gives on the cart as it stands."""

    line_discounts: tuple[int, ...]           # per line of facts.lines
    shipping_discount: int = 0
    added_lines: tuple[CartLine, ...] = ()    # free gifts, each given at 100% off
    reason_if_zero: Reason | None = None      # why nothing was given
    hint: Hint | None = None                  # "Add 2 more items" (the applicator finishes it)
    hint_effect: Effect | None = None         # what the hint unlocks, when not the effect itself

    @property
    def added_value(self) -> int:
        return sum(line.subtotal for line in self.added_lines)

    @property
    def discount(self) -> int:
        """Off the items, free gift lines included."""
        return sum(self.line_discounts) + self.added_value

    @property
    def total(self) -> int:
        return self.discount + self.shipping_discount

    @property
    def gives_something(self) -> bool:
        return self.total > 0 or bool(self.added_lines)


class BannerText(Protocol):
    """How a banner's discount box writes numbers (promo.banners.labels gives one per currency
    and locale). Each returns None when a formula computes the value from a shopper's facts."""

    def amount(self, value: Amount | None) -> str | None:
        """"$10", or "$5–$10" for a formula choosing between fixed amounts."""

    def percent(self, value: Percent | None) -> str | None:
        """"20%", or "10%–20%"."""

    def off(self, percent: Percent | None) -> str | None:
        """"FREE" at 100%, else "50% OFF"."""

    def off_label(self, text: str) -> str:
        """The locale's "{text} OFF" ("20% OFF", "−20 %")."""

    def top_amount(self, value: Amount | None) -> str | None:
        """The largest amount a value can take: what "up to" promises."""

    def top_percent(self, value: Percent | None) -> str | None:
        """The largest percent a value can take."""

    def fits(self, label: str) -> bool:
        """Does the box hold these words (length and the font's glyphs)?"""


Label = Callable[[Any, str, str, "Facts | None"], str]

# What a headline takes off, and from what (Headline.kind and Headline.scope).
PERCENT_OFF, AMOUNT_OFF, FIXED_PRICE, FREE_ITEMS = "percent_off", "amount_off", "fixed_price", "free_items"
ORDER, ITEMS, EACH_LINE, EACH_UNIT, SPLIT, SHIPPING = "order", "items", "each_line", "each_unit", "split", "shipping"


@dataclass(frozen=True)
class Headline:
    """The one discount an effect states, in the terms discount APIs share, for a dialect that
    describes an offer without computing it (shop/voucherify maps these, never effect classes).

    `kind`: PERCENT_OFF, AMOUNT_OFF, FIXED_PRICE (each item at `value`) or FREE_ITEMS (`value`
    units of `sku` added); `scope`: what it comes off: the ORDER, the ITEMS, EACH_LINE or
    EACH_UNIT of them, an amount SPLIT over them, or SHIPPING; `value`: a number or a formula
    (Amount, Percent); `cap`: the most a percent takes off."""

    kind: str
    scope: str
    value: Any
    cap: int | None = None
    sku: str | None = None


def no_headline(effect: Any) -> Headline | None:
    """No single discount states it (tiers, volume, buy X get Y...): dialects report what it computed."""
    return None


def no_selectors(effect: Any, hints: bool) -> tuple[ItemSelector, ...]:
    return ()


def no_banner_number(effect: Any) -> dict[str, Any] | None:
    return None


@dataclass(frozen=True)
class EffectType:
    """One effect type.

    - `name`: its `type:` in a definition; `effect`: its dataclass;
    - `fields`: the keys it takes, each with its JSON Schema; `required`: the keys it needs;
      `schema_extra`: further JSON Schema for the whole `effect:` mapping;
    - `parse(fields, path, problems)`: the dataclass from the checked keys (problems recorded);
    - `apply(effect, facts, shipping)`: its Benefit on the cart as it stands;
    - `label(effect, currency, locale, facts)`: the headline shoppers read ("20% off");
    - `unlock(effect, currency, locale, facts)`: how a near-miss hint ends ("to get 20% off");
    - `banner_words(effect, text)`: its banner's discount box ("20% OFF");
    - `banner_number(effect)`: {"percent": 20} or {"amount_minor": 500} when one fixed number
      states it fairly, so the banner formats the number itself; None otherwise;
    - `selectors(effect, hints)`: the item selections a cart needs a line of for it to give
      anything (with `hints`: to give anything or hint at what to add), for the campaign index;
    - `lowers_item_prices`: it lowers an item's own price, whatever else is in the cart, so a
      product page may strike the old price through;
    - `counts_towards_offer_cap`: it is one of the offers the max-offers cap counts
      (docs/discount-policy.md, Max offers); shipping offers are not;
    - `margin_guard`: how the margin floor guards its benefit (PER_LINE, PER_UNIT, POOLED or
      UNGUARDED; promo.core.margin);
    - `per_line_formulas`: it computes each line on its own, so its formulas may read the line
      (`item.price`, `item.cost`, `item.margin`, `item.quantity`);
    - `headline(effect)`: the one discount it states (a Headline), or None when none does;
    - `on_order`: what it gives is a discount on the order as a whole, not on its items (a
      dialect reports it as the order's discount);
    - `total(effect, facts, shipping)`: what `apply` gives in all (its Benefit's `total`),
      worked out without splitting it over the lines, for a type that can; None otherwise. The
      applicator asks it for offers it sets aside past the max-offers cap, where only that
      total is read.
    """

    name: str
    effect: type[Effect]
    fields: dict[str, Schema]
    required: tuple[str, ...]
    parse: Callable[[dict[str, Any], str, Problems], Effect | None]
    apply: Callable[[Any, Facts, int], Benefit]
    label: Label
    unlock: Label
    banner_words: Callable[[Any, BannerText], str]
    banner_number: Callable[[Any], dict[str, Any] | None] = no_banner_number
    selectors: Callable[[Any, bool], tuple[ItemSelector, ...]] = no_selectors
    lowers_item_prices: bool = False
    counts_towards_offer_cap: bool = True
    margin_guard: str = PER_LINE
    per_line_formulas: bool = False
    headline: Callable[[Any], Headline | None] = no_headline
    on_order: bool = False
    schema_extra: Schema = field(default_factory=dict)
    total: Callable[[Any, Facts, int], int] | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.fields)
