"""What shoppers read about an offer before they use it.

effect_label(effect)      -> "20% off, up to $50", "Buy 1 V60 dripper, get 1 filter papers 50% off"
unlock_phrase(effect)     -> "to get 15% off", "for free shipping", "and the cheapest is free" (hint endings)
restrictions(campaign)    -> ["New customers only", "Minimum spend $50", "Ends Nov 30, 2026", ...]

Each effect type words its own headline and hint ending (its module in promo.core.effects, from
the phrases of promo.core.phrases); a headline also says what else narrows its items ("50% off
items priced up to $50"), so it never promises every item when some are left out. Sentences
are English; amounts, dates and times follow the locale (Babel).
"""
from __future__ import annotations

from promo.core import campaign as c
from promo.core.effects import effect_type
from promo.core.facts import Facts
from promo.core.limits import needs_customer
from promo.core.phrases import items_phrase, join_and, money
from promo.core.timing import describe_schedule, describe_timeframe


def effect_label(
    effect: c.Effect, currency: str = "USD", locale: str = "en_US", facts: Facts | None = None
) -> str:
    """A short headline for the offer, in its type's words. Formulas show their value when
    `facts` are given, otherwise "Personal discount" (the value depends on who is shopping)."""
    return effect_type(effect).label(effect, currency, locale, facts)


def unlock_phrase(
    effect: c.Effect, currency: str = "USD", locale: str = "en_US", facts: Facts | None = None
) -> str:
    """How a near-miss hint ends, worded for the effect: "Add $12.50 more" + " to get 15% off",
    " for free shipping", " and the cheapest is free", " to get a free Canvas Tote"."""
    return effect_type(effect).unlock(effect, currency, locale, facts)


# ---- restrictions ----

def _item_restrictions(effect: c.Effect | None, currency: str, locale: str) -> list[str]:
    # Buy X get Y names both selections in its label; "dripper only" would mislead.
    selector = getattr(effect, "items", None)
    if not isinstance(selector, c.ItemSelector):
        return []
    lines: list[str] = []
    phrase = items_phrase(selector)
    if phrase:
        lines.append(f"{phrase[:1].upper()}{phrase[1:]} only")
    if selector.exclude_skus:
        lines.append(f"Excludes {join_and(sorted(selector.exclude_skus))}")
    if selector.max_unit_price is not None:
        lines.append(f"Items up to {money(selector.max_unit_price, currency, locale)}")
    return lines


_PERIOD_WORDS = {"day": "day", "week": "week", "month": "month"}


def _times(count: int) -> str:
    return {1: "Once", 2: "Twice"}.get(count, f"Up to {count} times")


def _limit_restrictions(limits: c.Limits) -> list[str]:
    lines = []
    if limits.per_customer is not None:
        lines.append(f"{_times(limits.per_customer)} per customer")
    for period in limits.per_customer_periods:
        lines.append(f"{_times(period.count)} per {_PERIOD_WORDS.get(period.period, period.period)}")
    if needs_customer(limits):
        # A guest is refused (login_required) since the limit is counted per customer: say so first.
        lines.append("Signed-in customers only")
    if limits.total is not None:
        lines.append(f"Limited to the first {limits.total:,} orders")
    return lines


def restrictions(campaign: c.Campaign, currency: str | None = None, locale: str = "en_US") -> list[str]:
    """Everything a shopper should know before trying the offer, most important first:
    who, what cart, which items, when, how often, combinability."""
    currency = currency or campaign.currency or "USD"
    lines: list[str] = []
    if campaign.eligibility is not None:
        lines += campaign.eligibility.restrictions(currency, locale)
    lines += _item_restrictions(campaign.effect, currency, locale)
    timeframe = describe_timeframe(campaign, locale)
    if timeframe:
        lines.append(timeframe)
    if campaign.schedule:
        lines.append(describe_schedule(campaign.schedule, locale))
    lines += _limit_restrictions(campaign.limits)
    if campaign.stacking is c.Stacking.EXCLUSIVE:
        lines.append("Can't be combined with other offers")
    # A rule can appear twice (say, in the eligibility and the effect's items); say it once.
    return list(dict.fromkeys(lines))
