"""Stacking: which offers apply to a cart, in what order, and what each takes off.

The policy (docs/discount-policy.md is the version for people):
- offers apply in order of priority (higher first), then entry order: the candidates' order,
  which evaluate_campaigns makes auto promotions in campaign order, then codes as entered;
- they compound: each offer's conditions are checked again and its effect computed on the
  running totals the offers before it left;
- common offers combine with each other and with always offers; an exclusive offer combines
  only with always offers. On a conflict every feasible combination (all common + always;
  each exclusive + always) is evaluated and the one with the largest total discount kept;
- at most `max_offers` item and order offers apply; shipping offers and always offers sit
  outside that cap (they are never set aside by it, and do not use it up); a candidate whose
  discount would exceed its remaining budget does not apply at all;
- no offer takes a line with a cost below its margin floor (the campaign's `margin_floor`, else
  the store's): each offer is capped on the running totals (promo.core.margin), before its
  budget is checked, so budgets and limits count what was really given.

Pure: no storage, no clock other than `context.now`, no I/O.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from types import MappingProxyType

from promo.core.campaign import AT_COST, Campaign, Effect, Kind, MarginFloor, Stacking
from promo.core.codes import normalise_code  # the one normal form, as storage keeps codes (NFKC, strip, upper)
from promo.core.domain import Cart, Context, Customer
from promo.core.effects import Benefit, compute, counts_towards_offer_cap, effect_type
from promo.core.facts import Facts
from promo.core.margin import capping_note, guard, line_floors
from promo.core.money import format_money
from promo.core.phrases import join_and
from promo.core.reasons import Reason, message_for
from promo.core.results import Evaluation, Hint, OfferResult, PricedLine, Status
from promo.core.timing import check_code_expiry, check_timing
from promo.core.wording import unlock_phrase

DEFAULT_MAX_OFFERS = 5
NOT_DISCOUNT_KINDS = frozenset({Kind.GIFT_CARD, Kind.LOYALTY})
_NO_UNKNOWN_CODES: Mapping[str, Reason] = MappingProxyType({})
_MAX_OFFERS_MESSAGE = message_for(Reason.MAX_OFFERS_REACHED)


@dataclass(frozen=True)
class Candidate:
    """An offer to consider: a campaign, the code that brought it (None for promotions), and
    what storage already knows (a reason it cannot apply, the budget it has left, when the
    code itself stops being valid)."""

    campaign: Campaign
    code: str | None = None
    blocked: Reason | None = None
    remaining_budget: int | None = None
    expires_at: datetime | None = None      # the code's own end, fixed when it was published


# ---- one offer, one step ----

@dataclass(slots=True)
class _Entry:
    """A candidate that passed the checks that do not depend on the cart's running totals.
    Made once per evaluation and read at every step, so what every step asks is kept here."""

    position: int               # in application order
    candidate: Candidate
    campaign: Campaign = field(init=False)
    counted: bool = field(init=False)   # counts towards max_offers (counts_towards_cap)

    def __post_init__(self) -> None:
        self.campaign = self.candidate.campaign
        self.counted = counts_towards_cap(self.campaign)


@dataclass(frozen=True)
class _State:
    """The cart between two steps of stacking."""

    facts: Facts
    shipping: int               # shipping still charged
    applied: int = 0            # offers applied that count towards max_offers
    floor: MarginFloor = AT_COST  # the store's margin floor, for campaigns without their own


@dataclass(slots=True)
class _Step:  # never changed once made (not frozen: one is made per candidate per combination)
    entry: _Entry
    status: Status
    reason: Reason
    message: str = ""                # "" for applied offers: worded once the run is chosen
    hint: Hint | None = None         # as the condition or effect gave it
    hint_effect: Effect | None = None  # what the hint unlocks
    benefit: Benefit | None = None   # set when the offer applied (a set-aside step may have it too)
    facts: Facts | None = None       # the cart as this offer saw it
    capped: tuple[int, ...] = ()     # per line: what the margin floor took off this offer
    note: str = ""                   # where a headline amount was reduced: "$3 on Panama Geisha"


def _finish_hint(hint: Hint, effect: Effect, facts: Facts) -> Hint:
    """"Add $12.50 more" becomes "Add $12.50 more to get 10% off", "Add $20 more for free
    shipping" or "Add 1 more coffee bag and the cheapest is free" (promo.core.wording.unlock_phrase)."""
    ending = unlock_phrase(effect, facts.currency, facts.context.locale, facts)
    return Hint(message=f"{hint.message} {ending}",
                missing_amount=hint.missing_amount, missing_quantity=hint.missing_quantity,
                progress=hint.progress)


def _refusal(entry: _Entry, reason: Reason, message: str = "", hint: Hint | None = None,
             hint_effect: Effect | None = None, facts: Facts | None = None) -> _Step:
    return _Step(entry, Status.NOT_APPLICABLE, reason, message or message_for(reason), hint,
                 hint_effect or entry.campaign.effect, facts=facts)


def _assess(entry: _Entry, state: _State, *, set_aside: bool = False) -> _Step:
    """Would this offer apply on the cart as it stands? Conditions, effect, budget.

    With `set_aside` (the max-offers cap is reached and this offer counts towards it) an offer
    that would apply is set aside: the verdict is the same, but nothing only an applied offer
    reports (its capping note, its hint) is worked out.

    Texts (hint endings, "you save ...") are left to the final results: an offer is assessed
    in several combinations but reported once.
    """
    campaign = entry.campaign
    facts = state.facts
    if campaign.eligibility is not None:
        check = campaign.eligibility.evaluate(facts)
        if not check.ok:
            return _refusal(entry, check.reason or Reason.CART_NOT_ELIGIBLE, check.message,
                            check.hint, facts=facts)
    effect = campaign.effect
    if effect is None:  # _precheck refuses these first
        return _refusal(entry, Reason.NO_DISCOUNT)
    floors = _floors(facts, campaign.margin_floor or state.floor)
    if set_aside and not floors and _gives_within_budget(entry, effect, state):
        return _Step(entry, Status.SET_ASIDE, Reason.MAX_OFFERS_REACHED, _MAX_OFFERS_MESSAGE)
    benefit = compute(effect, facts, state.shipping)
    guarded = None
    capped: tuple[int, ...] = ()     # () reads as "the floor took nothing off any line"
    if floors:
        guarded = guard(effect, benefit, facts, floors)
        benefit, capped = guarded.benefit, guarded.capped
    if not benefit.gives_something:
        reason = Reason.AT_LOWEST_PRICE if any(capped) else benefit.reason_if_zero
        return _refusal(entry, reason or Reason.NO_DISCOUNT,
                        hint=benefit.hint, hint_effect=benefit.hint_effect, facts=facts)
    budget = entry.candidate.remaining_budget
    if budget is not None and benefit.total > budget:
        return _refusal(entry, Reason.BUDGET_EXHAUSTED)
    if set_aside:
        return _Step(entry, Status.SET_ASIDE, Reason.MAX_OFFERS_REACHED, _MAX_OFFERS_MESSAGE, benefit=benefit)
    return _Step(entry, Status.APPLIED, Reason.APPLIED, hint=benefit.hint,
                 hint_effect=benefit.hint_effect or campaign.effect, benefit=benefit, facts=facts,
                 capped=capped, note=capping_note(effect, guarded, facts) if guarded is not None else "")


def _gives_within_budget(entry: _Entry, effect: Effect, state: _State) -> bool:
    """Would the effect give something its budget allows, by its type's `total` (no line has a
    margin floor, so that total is what it would give)? False also when the type has no
    `total`, or it gives nothing: the full assessment then says why."""
    total = effect_type(effect).total
    if total is None:
        return False
    given = total(effect, state.facts, state.shipping)
    budget = entry.candidate.remaining_budget
    return given > 0 and (budget is None or given <= budget)


def _floors(facts: Facts, floor: MarginFloor) -> tuple[int | None, ...]:
    """The lines' margin floors, worked out once per floor for every step (facts.by_lines);
    () when no line has one, which promo.core.margin.guard passes over at once."""
    key = ("margin floors", floor)
    floors = facts.by_lines.get(key)
    if floors is None:
        floors = line_floors(facts.lines, floor)
        floors = facts.by_lines[key] = () if all(f is None for f in floors) else floors
    return floors


def counts_towards_cap(campaign: Campaign) -> bool:
    """Shipping offers and always offers sit outside the max-offers cap: a shopper promised free
    shipping over $50 keeps it whatever codes they add (docs/discount-policy.md, Max offers)."""
    return campaign.stacking is not Stacking.ALWAYS and counts_towards_offer_cap(campaign.effect)


def _advance(state: _State, benefit: Benefit, counted: bool) -> _State:
    totals = tuple(t - d for t, d in zip(state.facts.line_totals, benefit.line_discounts, strict=True))
    return _State(state.facts.with_totals(totals), state.shipping - benefit.shipping_discount,
                  state.applied + counted, state.floor)


def _step(entry: _Entry, state: _State, max_offers: int) -> tuple[_Step, _State]:
    if entry.counted and state.applied >= max_offers:
        # The cap is reached: the offer is set aside if it would apply, and the cart stays as it is.
        return _assess(entry, state, set_aside=True), state
    step = _assess(entry, state)
    if step.status is not Status.APPLIED:
        return step, state
    return step, _advance(state, step.benefit, entry.counted)


@dataclass
class _Run:
    """One combination of offers applied in order."""

    steps: list[_Step] = field(default_factory=list)

    @property
    def applied(self) -> list[_Step]:
        return [s for s in self.steps if s.status is Status.APPLIED]

    @property
    def total(self) -> int:
        return sum(s.benefit.total for s in self.applied)

    def rank(self) -> tuple:
        """Largest total discount first; on a tie the run whose applied offers come earlier."""
        positions = tuple(s.entry.position for s in self.applied)
        return (-self.total, positions + (float("inf"),))


def _run(entries: Iterable[_Entry], state: _State, max_offers: int) -> _Run:
    run = _Run()
    for entry in entries:
        step, state = _step(entry, state, max_offers)
        run.steps.append(step)
    return run


class _AlwaysTrack:
    """The always offers on their own, with the state before each of them.

    Each exclusive offer's combination is "the always offers, with this one slotted in at its
    position". Most exclusive offers do not apply to a given cart; their combination is then
    the always offers' run unchanged, so it is reused instead of recomputed.
    """

    def __init__(self, always: Sequence[_Entry], start: _State, max_offers: int):
        self.always = list(always)
        self.positions = [e.position for e in self.always]
        self.max_offers = max_offers
        self.states = [start]
        self.steps: list[_Step] = []
        state = start
        for entry in self.always:
            step, state = _step(entry, state, max_offers)
            self.steps.append(step)
            self.states.append(state)

    def with_offer(self, entry: _Entry) -> _Run:
        before = bisect_left(self.positions, entry.position)
        step, state = _step(entry, self.states[before], self.max_offers)
        if step.status is not Status.APPLIED:
            return _Run(self.steps[:before] + [step] + self.steps[before:])
        rest = _run(self.always[before:], state, self.max_offers)
        return _Run(self.steps[:before] + [step] + rest.steps)


# ---- choosing the combination ----

def _conflict_message(kept: _Run) -> str:
    applied = kept.applied
    named = [s for s in applied if s.entry.campaign.stacking is not Stacking.ALWAYS] or applied
    if not named:
        return message_for(Reason.EXCLUSIVE_CONFLICT)
    verb = "saves" if len(named) == 1 else "save"
    return f"Can't be combined with {join_and(s.entry.campaign.name for s in named)}, which {verb} you more."


def _resolve(entries: Sequence[_Entry], start: _State, max_offers: int) -> list[_Step]:
    """The steps of the kept combination, plus every offer left out of it, by position."""
    exclusive = [e for e in entries if e.campaign.stacking is Stacking.EXCLUSIVE]
    if not exclusive:
        return _run(entries, start, max_offers).steps
    always = [e for e in entries if e.campaign.stacking is Stacking.ALWAYS]
    track = _AlwaysTrack(always, start, max_offers)
    runs = [_run([e for e in entries if e.campaign.stacking is not Stacking.EXCLUSIVE],
                 start, max_offers)]
    runs += [track.with_offer(entry) for entry in exclusive]
    kept = min(runs, key=_Run.rank)
    in_kept = {s.entry.position for s in kept.steps}
    message = _conflict_message(kept)
    steps = list(kept.steps)
    for run in runs:
        if run is kept:
            continue
        for step in run.steps:
            if step.entry.position in in_kept:
                continue
            in_kept.add(step.entry.position)
            if step.status is not Status.NOT_APPLICABLE:  # it would apply in its own combination
                step = _Step(step.entry, Status.SET_ASIDE, Reason.EXCLUSIVE_CONFLICT, message,
                             benefit=step.benefit)
            steps.append(step)
    return sorted(steps, key=lambda s: s.entry.position)


# ---- checks before stacking ----

def _precheck(candidate: Candidate, cart: Cart, context: Context,
              seen_campaigns: set[str]) -> tuple[Reason, str] | None:
    """A reason the candidate cannot apply whatever else is in the cart, or None."""
    campaign = candidate.campaign
    if candidate.blocked is not None:
        return candidate.blocked, ""
    if campaign.id in seen_campaigns:
        return Reason.CODE_ALREADY_ENTERED, "This offer is already in your cart."
    if campaign.effect is None:
        return Reason.NO_DISCOUNT, "This isn't a discount offer."
    if campaign.currency is not None and campaign.currency != cart.currency:
        return Reason.WRONG_CURRENCY, ""
    if campaign.starts_at is not None or campaign.ends_at is not None or campaign.schedule:
        check = check_timing(campaign, context.now, context.locale)
        if not check.ok:
            return check.reason or Reason.EXPIRED, check.message
    check = check_code_expiry(campaign, candidate.expires_at, context.now, context.locale)
    if not check.ok:
        return Reason.EXPIRED, check.message
    return None


# ---- assembling the evaluation ----

def _result(step: _Step, facts: Facts, line_count: int, added_at: Mapping[int, int],
            order: int | None) -> OfferResult:
    candidate = step.entry.candidate
    campaign = candidate.campaign
    code = normalise_code(candidate.code) if candidate.code is not None else None
    hint = None
    if step.hint is not None and step.hint_effect is not None:
        hint = _finish_hint(step.hint, step.hint_effect, step.facts or facts)
    if step.status is not Status.APPLIED:
        hint = hint if step.status is Status.NOT_APPLICABLE else None
        if hint is None:
            return _unapplied_result(campaign.id, campaign.name, step.status, step.reason, step.message, code)
        return OfferResult(campaign.id, campaign.name, step.status, step.reason, step.message, code=code, hint=hint)
    benefit = step.benefit
    line_discounts = [0] * line_count
    line_discounts[:len(benefit.line_discounts)] = benefit.line_discounts
    first_added = added_at.get(step.entry.position)
    for offset, line in enumerate(benefit.added_lines):
        line_discounts[first_added + offset] = line.subtotal
    line_capped = [0] * line_count
    line_capped[:len(step.capped)] = step.capped
    saved = format_money(benefit.total, facts.currency, facts.context.locale)
    message = f"Applied: you save {saved} ({step.note})." if step.note else f"Applied: you save {saved}."
    return OfferResult(
        campaign.id, campaign.name, Status.APPLIED, Reason.APPLIED, message,
        code=code, hint=hint, discount=benefit.discount,
        shipping_discount=benefit.shipping_discount, line_discounts=tuple(line_discounts),
        added_lines=benefit.added_lines, order=order,
        line_capped=tuple(line_capped), capping_note=step.note,
    )


@lru_cache(maxsize=8192)
def _unapplied_result(campaign_id: str, name: str, status: Status, reason: Reason, message: str,
                      code: str | None) -> OfferResult:
    """A result without a hint is the same on every cart that gets it: a long cart's offers set
    aside past the max-offers cap (dozens, on every change) are made once."""
    return OfferResult(campaign_id, name, status, reason, message, code=code)


def _line_sums(rows: list[tuple[int, ...]], count: int) -> list[int]:
    """Per line, the sum of `rows` (one per applied offer, each at least `count` long)."""
    if not rows:
        return [0] * count
    return [sum(column) for column in zip(*(row[:count] for row in rows), strict=True)]


def _unknown_result(code: str, reason: Reason) -> OfferResult:
    return OfferResult("", code, Status.NOT_APPLICABLE, reason, message_for(reason), code=code)


def evaluate(
    candidates: Sequence[Candidate],
    cart: Cart,
    customer: Customer,
    context: Context,
    *,
    unknown_codes: Mapping[str, Reason] = _NO_UNKNOWN_CODES,
    max_offers: int = DEFAULT_MAX_OFFERS,
    shipping: int | None = None,
    margin_floor: MarginFloor = AT_COST,
) -> Evaluation:
    """Apply the candidates to the cart by the stacking policy.

    `candidates` are in entry order. `unknown_codes` are codes that matched no campaign,
    with the reason to report. `shipping` overrides cart.shipping. `margin_floor` is the
    store's, for campaigns without their own.
    """
    shipping_charged = cart.shipping if shipping is None else shipping
    entered = {normalise_code(c.code) for c in candidates if c.code is not None}
    entered |= {normalise_code(code) for code in unknown_codes}
    facts = Facts.initial(customer, context, cart.lines, cart.currency, frozenset(entered))

    ordered = sorted(range(len(candidates)),
                     key=lambda i: (-candidates[i].campaign.priority, i))
    entries: list[_Entry] = []
    refused: list[_Step] = []
    seen_campaigns: set[str] = set()
    for position, index in enumerate(ordered):
        candidate = candidates[index]
        entry = _Entry(position, candidate)
        problem = _precheck(candidate, cart, context, seen_campaigns)
        if problem is not None:
            refused.append(_refusal(entry, *problem))
            continue
        seen_campaigns.add(candidate.campaign.id)
        entries.append(entry)

    steps = _resolve(entries, _State(facts, shipping_charged, floor=margin_floor), max_offers)
    applied = [s for s in steps if s.status is Status.APPLIED]
    others = sorted([s for s in steps if s.status is not Status.APPLIED] + refused,
                    key=lambda s: s.entry.position)

    # Free gifts are appended after the cart's lines, in application order.
    cart_lines = len(cart.lines)
    gifts: list[PricedLine] = []
    added_at: dict[int, int] = {}
    for step in applied:
        if step.benefit.added_lines:
            added_at[step.entry.position] = cart_lines + len(gifts)
            for line in step.benefit.added_lines:
                gifts.append(PricedLine(line, line.subtotal, added_by=step.entry.campaign.id))

    line_count = cart_lines + len(gifts)
    applied_results = [_result(s, facts, line_count, added_at, order) for order, s in enumerate(applied, 1)]
    results = applied_results + [_result(s, facts, line_count, added_at, None) for s in others]
    # Each cart line's discount and capped amount: the applied offers' shares of it, summed.
    discounts = _line_sums([r.line_discounts for r in applied_results], cart_lines)
    capped = _line_sums([r.line_capped for r in applied_results], cart_lines)
    lines = [PricedLine(line, discount, capped=cut)
             for line, discount, cut in zip(cart.lines, discounts, capped, strict=True)] + gifts

    codes: dict[str, OfferResult] = {}
    for result in results:
        if result.code is not None:
            codes.setdefault(result.code, result)
    for code, reason in unknown_codes.items():
        codes.setdefault(normalise_code(code), _unknown_result(normalise_code(code), reason))

    return Evaluation(
        currency=cart.currency,
        lines=tuple(lines),
        offers=tuple(results),
        shipping=shipping_charged,
        shipping_discount=sum(r.shipping_discount for r in results),
        codes=codes,
    )


def evaluate_campaigns(
    campaigns: Iterable[Campaign],
    cart: Cart,
    customer: Customer,
    context: Context,
    codes: Iterable[str] = (),
    *,
    max_offers: int = DEFAULT_MAX_OFFERS,
    shipping: int | None = None,
    margin_floor: MarginFloor = AT_COST,
) -> Evaluation:
    """Evaluate auto promotions and the public codes entered, without storage.

    Promotions apply in campaign order; codes follow in the order entered, matched to a
    campaign's public code as storage matches it (promo.core.codes.normalise_code: NFKC, so a
    full-width ＨＡＰＰＹ１０ is HAPPY10, ignoring case and surrounding spaces). A code that matches nothing
    is CODE_NOT_FOUND; a code entered again is CODE_ALREADY_ENTERED (the first entry keeps
    its result in Evaluation.codes, the repeat is listed among the offers). Gift cards and
    loyalty campaigns are not discounts and are ignored here.
    """
    discount_campaigns = [c for c in campaigns if c.kind not in NOT_DISCOUNT_KINDS]
    by_code: dict[str, Campaign] = {}
    for campaign in discount_campaigns:
        if campaign.code:
            by_code.setdefault(normalise_code(campaign.code), campaign)

    candidates = [Candidate(c) for c in discount_campaigns if c.kind is Kind.PROMOTION]
    unknown: dict[str, Reason] = {}
    order: list[str] = []
    for typed in codes:
        code = normalise_code(typed)
        if not code:
            continue
        if code in order:
            campaign = by_code.get(code)
            if campaign is not None:
                candidates.append(Candidate(campaign, code, blocked=Reason.CODE_ALREADY_ENTERED))
            continue
        order.append(code)
        campaign = by_code.get(code)
        if campaign is None:
            unknown[code] = Reason.CODE_NOT_FOUND
        else:
            candidates.append(Candidate(campaign, code))

    evaluation = evaluate(candidates, cart, customer, context, unknown_codes=unknown,
                          max_offers=max_offers, shipping=shipping, margin_floor=margin_floor)
    # Report codes in the order they were entered.
    return replace(evaluation, codes={code: evaluation.codes[code] for code in order})
