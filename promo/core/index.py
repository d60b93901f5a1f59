"""Candidate indexing: which campaigns could possibly apply to a cart, without evaluating them all.

A campaign can only apply when every one of its *requirements* is met, and most campaigns have
some: an effect on particular SKUs, categories or collections gives nothing unless a cart line
is one of them (each effect type names its selections, promo.core.effects); an eligibility
rule "the cart has a coffee bag" or "VIP customers only" fails otherwise. `CampaignIndex`
files each campaign under the keys of one requirement (SKU, category, collection or segment)
and answers `candidates(cart, customer)` from the keys the cart and customer have, then
checks the campaign's other requirements against the same keys. Campaigns without a
requirement (storewide offers, free shipping, free gifts) sit in an "always consider" bucket.
Public codes are indexed too (`for_code`).

The index only ever leaves out campaigns that could not apply; the applicator still checks
every condition of the candidates it gets. Requirements are read conservatively: only rules
that must hold (the eligibility itself or the parts of a top-level All); an Any or a Not never
narrows anything.

Campaigns gated on what the customer is (orders placed, lifetime spend, segment, country, ...)
are checked against the customer before anything else: such a *gate* is a customer fact
condition that must hold (the eligibility or a part of a top-level All) and reads nothing but
the customer, so a customer who fails it gets neither the offer nor a hint from it. Gates are
checked once per distinct condition and call, and campaigns that need a minimum number of
orders or lifetime spend are kept sorted by it, so a store with a thousand "10th order" or
"spent $1,000" campaigns looks only at those the customer reaches.

`CampaignIndex(campaigns, hints=True)` answers a wider question, for nudges: which campaigns
could apply *or* tell the shopper what to add ("Add 1 more item", "Add $12.50 more"). It keeps
only the requirements whose failure never carries such a hint: segments, "the cart has one of
these" rules, and an effect's items when no cart minimum in the eligibility could hint first;
buy X get Y needs only its "buy" items (with them, a missing "get" item is a hint).

Pure: no storage, no clock.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from promo.core.campaign import Campaign, ItemSelector
from promo.core.codes import normalise_code
from promo.core.conditions import All, Any, FactCondition, LinesCondition, Match, Not, Op
from promo.core.domain import Cart, Context, Customer
from promo.core.effects import effect_type
from promo.core.facts import Facts

# A key a cart or customer can have: ("sku", "BLD-HOUSE"), ("category", "coffee"),
# ("collection", "autumn"), ("segment", "vip").
Key = tuple[str, str]
Requirement = frozenset[Key]   # met when the cart/customer has at least one of these keys

# Facts about the selected items whose condition cannot hold while no line is selected.
_ITEM_AMOUNT_FACTS = frozenset({"cart.subtotal", "cart.initial_subtotal", "cart.quantity", "cart.line_quantity"})
# Customer facts read from the customer alone (not the clock, not the cart): a gate on one of
# them has the same answer for every cart of this customer.
_GATE_FACTS = frozenset({"customer.id", "customer.new", "customer.guest", "customer.orders_count",
                         "customer.total_spent", "customer.segment", "customer.country", "customer.city"})
# Gates with a minimum on these are kept sorted by it.
_MINIMUM_FACTS = ("customer.orders_count", "customer.total_spent")
# Gates read the customer only; Facts wants a context, which they never look at.
_NO_CONTEXT = Context(now=datetime(2000, 1, 1, tzinfo=UTC))


def selector_keys(selector: ItemSelector) -> Requirement | None:
    """The keys one of which a line must have to match `selector`; None when any line can."""
    if not (selector.skus or selector.categories or selector.collections):
        return None
    return frozenset(
        [("sku", sku) for sku in selector.skus]
        + [("category", category) for category in selector.categories]
        + [("collection", collection) for collection in selector.collections]
    )


def _effect_requirements(campaign: Campaign, hints: bool) -> Iterator[Requirement]:
    effect = campaign.effect
    if hints and _may_hint(campaign.eligibility):
        return  # "Add $12.50 more to get ..." comes from the eligibility before the effect is tried
    if effect is None:
        return
    # Each effect type names the selections a cart needs a line of (its module's `selectors`).
    for selector in effect_type(effect).selectors(effect, hints):
        keys = selector_keys(selector)
        if keys is not None:
            yield keys


def _may_hint(condition: object) -> bool:
    """Could this condition fail with "Add ... more" (a cart amount or count with a minimum)?"""
    if isinstance(condition, (All, Any, Not)):
        children = condition.conditions if isinstance(condition, (All, Any)) else (condition.condition,)
        return any(_may_hint(child) for child in children)
    return isinstance(condition, FactCondition) and condition.fact.startswith("cart.")


def _needs_selected_items(condition: FactCondition) -> bool:
    """cart.subtotal/quantity of some items above zero: false while no line is selected."""
    if condition.items is None or condition.fact not in _ITEM_AMOUNT_FACTS:
        return False
    op, value = condition.op, condition.value
    if op is Op.GT:
        return value >= 0
    if op is Op.GTE or op is Op.EQ:
        return value > 0
    if op is Op.BETWEEN:
        return value[0] > 0
    if op is Op.IN:
        return all(v > 0 for v in value)
    return False


def _condition_requirements(condition: object, hints: bool) -> Iterator[Requirement]:
    if isinstance(condition, All):
        for child in condition.conditions:
            yield from _condition_requirements(child, hints)
    elif isinstance(condition, LinesCondition):
        keys = selector_keys(condition.items) if condition.match is Match.ANY else None
        if keys is not None:
            yield keys
    elif isinstance(condition, FactCondition):
        if condition.fact == "customer.segment" and condition.op in (Op.EQ, Op.IN):
            values = condition.value if condition.op is Op.IN else (condition.value,)
            yield frozenset(("segment", str(v).casefold()) for v in values)
        elif not hints and _needs_selected_items(condition):
            keys = selector_keys(condition.items)
            if keys is not None:
                yield keys


def requirements(campaign: Campaign, *, hints: bool = False) -> tuple[Requirement, ...]:
    """Everything that must be true of the cart's keys for `campaign` to apply (with `hints`:
    to apply or to give a hint about what to add)."""
    return _unique([*_effect_requirements(campaign, hints), *_condition_requirements(campaign.eligibility, hints)])


def condition_requirements(condition: object) -> tuple[Requirement, ...]:
    """What must be true of the cart's and customer's keys for `condition` to hold, e.g. a
    visibility audience's segments."""
    return _unique(_condition_requirements(condition, hints=False))


def _unique(found: Iterable[Requirement]) -> tuple[Requirement, ...]:
    unique: list[Requirement] = []
    for requirement in found:
        if requirement not in unique:
            unique.append(requirement)
    return tuple(unique)


def gates(campaign: Campaign) -> tuple[FactCondition, ...]:
    """The customer fact conditions that must hold for `campaign` to apply or hint."""
    eligibility = campaign.eligibility
    found: dict[FactCondition, None] = {}
    for part in eligibility.conditions if isinstance(eligibility, All) else (eligibility,):
        if isinstance(part, FactCondition) and (part.fact in _GATE_FACTS or part.fact.startswith("customer.metadata.")):
            found[part] = None
    return tuple(found)


def _minimum(gate: FactCondition) -> int | None:
    """The least value of an orders-count or spend gate "at least ..." (None for other gates)."""
    return gate.minimum if gate.fact in _MINIMUM_FACTS else None


class _Gates:
    """One customer's answers to the gates, each distinct condition checked once."""

    def __init__(self, customer: Customer):
        self.facts = Facts.initial(customer, _NO_CONTEXT, ())
        self._answers: dict[FactCondition, bool] = {}

    def pass_all(self, conditions: tuple[FactCondition, ...]) -> bool:
        for condition in conditions:
            answer = self._answers.get(condition)
            if answer is None:
                answer = self._answers[condition] = condition.holds(self.facts)
            if not answer:
                return False
        return True


def all_met(requirements: Iterable[Requirement], keys: frozenset[Key]) -> bool:
    """Does `keys` have at least one key of every requirement?"""
    return all(not keys.isdisjoint(requirement) for requirement in requirements)


def cart_keys(cart: Cart, customer: Customer | None) -> frozenset[Key]:
    """The keys this cart and customer have."""
    if customer is None or not customer.segments:
        return cart.item_keys
    return cart.item_keys | {("segment", segment.casefold()) for segment in customer.segments}


@dataclass(frozen=True)
class _Entry:
    position: int
    campaign: Campaign
    requirements: tuple[Requirement, ...]
    gates: tuple[FactCondition, ...] = ()

    def met_by(self, keys: frozenset[Key]) -> bool:
        return all_met(self.requirements, keys)


class CampaignIndex:
    """Campaigns filed by the keys they need, in their given order (which candidates keep)."""

    def __init__(self, campaigns: Iterable[Campaign], *, hints: bool = False):
        self._entries: list[_Entry] = []
        self._always: list[int] = []
        self._by_key: dict[Key, list[int]] = {}
        self._by_code: dict[str, int] = {}
        # fact -> (minimums ascending, positions in the same order): "always" campaigns whose gate
        # asks at least that many orders or that much spend.
        minimums: dict[str, list[tuple[int, int]]] = {}
        for position, campaign in enumerate(campaigns):
            entry = _Entry(position, campaign, requirements(campaign, hints=hints), gates(campaign))
            self._entries.append(entry)
            if campaign.code:
                self._by_code.setdefault(normalise_code(campaign.code), position)
            if not entry.requirements:
                floor = next((m for m in map(_minimum, entry.gates) if m is not None), None)
                if floor is None:
                    self._always.append(position)
                else:
                    fact = next(g.fact for g in entry.gates if _minimum(g) == floor)
                    minimums.setdefault(fact, []).append((floor, position))
                continue
            # File under the narrowest requirement: fewest keys, so fewest carts look at it.
            for key in min(entry.requirements, key=len):
                self._by_key.setdefault(key, []).append(position)
        self._by_minimum = {fact: ([m for m, _ in sorted(found)], [p for _, p in sorted(found)])
                            for fact, found in minimums.items()}

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def campaigns(self) -> list[Campaign]:
        return [entry.campaign for entry in self._entries]

    def candidates(self, cart: Cart, customer: Customer | None = None) -> list[Campaign]:
        """The campaigns that could apply to this cart for this customer, in index order."""
        keys = cart_keys(cart, customer)
        gate = _Gates(customer or Customer())
        entries = self._entries
        found = {position for position in self._always if gate.pass_all(entries[position].gates)}
        for fact, (floors, positions) in self._by_minimum.items():
            reached = getattr(gate.facts.customer, fact.removeprefix("customer."))
            for position in positions[:bisect_right(floors, reached)]:
                if gate.pass_all(entries[position].gates):
                    found.add(position)
        for key in keys:
            for position in self._by_key.get(key, ()):
                if position not in found and entries[position].met_by(keys) and gate.pass_all(entries[position].gates):
                    found.add(position)
        return [entries[position].campaign for position in sorted(found)]

    def for_code(self, code: str) -> Campaign | None:
        """The campaign whose public code this is (matched like shoppers type it)."""
        position = self._by_code.get(normalise_code(code))
        return None if position is None else self._entries[position].campaign


def touching(campaigns: Sequence[Campaign], cart: Cart, customer: Customer | None = None) -> list[Campaign]:
    """`campaigns` that could apply to this cart (a one-off CampaignIndex)."""
    return CampaignIndex(campaigns).candidates(cart, customer)
