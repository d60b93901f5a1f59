"""What shoppers read about an offer before they use it.

effect_label(effect)      -> "20% off, up to $50", "Buy 1 V60 dripper, get 1 filter papers 50% off"
unlock_phrase(effect)     -> "to get 15% off", "for free shipping", "and the cheapest is free" (hint endings)
restrictions(campaign)    -> ["New customers only", "Minimum spend $50", "Ends Nov 30, 2026", ...]

Sentences are English; amounts, dates and times follow the locale (Babel). Item selections
read by their `label` when the definition gives one, else by their category/collection names
or SKUs; a headline also says what else narrows them ("50% off items priced up to $50"), so
it never promises every item when some are left out.
"""
from __future__ import annotations

from decimal import Decimal
from collections.abc import Iterable

from babel.lists import format_list

from promo.core import campaign as c
from promo.core.facts import Facts
from promo.core.formula import Formula
from promo.core.limits import needs_customer
from promo.core.money import format_money
from promo.core.timing import describe_schedule, describe_timeframe

# Sentences are English, so their lists are joined the English way whatever the money locale.
_WORDS_LOCALE = "en"


# ---- small text helpers other modules reuse ----

def money(amount: int, currency: str, locale: str) -> str:
    """A headline amount: "$10", "$12.50", "฿200"."""
    return format_money(amount, currency, locale, trim_zero_minor=True)


# Slugs are lower case; these words are read as initials ("vip" is "VIP customers only").
_INITIALISMS = frozenset({"vip", "vvip", "b2b", "b2c", "eu", "uk", "us"})


def humanize(slug: str) -> str:
    """"single-origin" -> "Single origin", "vip" -> "VIP"; anything with capitals is kept as written."""
    if any(ch.isupper() for ch in slug):
        return slug
    words = slug.replace("_", " ").replace("-", " ").split()
    if not words:
        return slug
    text = " ".join(words).capitalize()
    return " ".join(word.upper() if word.lower() in _INITIALISMS else word for word in text.split(" "))


def join_or(words: Iterable[str]) -> str:
    items = list(words)
    return format_list(items, style="or", locale=_WORDS_LOCALE) if items else ""


def join_and(words: Iterable[str]) -> str:
    items = list(words)
    return format_list(items, locale=_WORDS_LOCALE) if items else ""


def percent_text(percent: Decimal | int) -> str:
    value = Decimal(percent)
    text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def items_phrase(items: c.ItemSelector | None) -> str:
    """The selection as a noun phrase, "" for every item: "Arabica", "V60 dripper", "DRIP-V60"."""
    if items is None:
        return ""
    if items.label:
        return items.label
    names = [humanize(x) for x in sorted(items.categories)]
    names += [humanize(x) for x in sorted(items.collections)]
    names += sorted(items.skus)
    return join_or(names)


def _from(phrase: str) -> str:
    """ " from Arabica", or "" for every item."""
    return f" from {phrase}" if phrase else ""


def _narrowing(items: c.ItemSelector | None, currency: str, locale: str) -> str:
    """What a selection leaves out besides what items_phrase names: " priced up to $50", and,
    when nothing else names the items, " except DRIP-V60"; "" when it leaves out nothing else.
    A headline that left these to the restrictions would promise every item."""
    if items is None:
        return ""
    text = ""
    if items.max_unit_price is not None:
        text += f" priced up to {money(items.max_unit_price, currency, locale)}"
    if items.exclude_skus and not items_phrase(items):
        text += f" except {join_and(sorted(items.exclude_skus))}"
    return text


def selection_phrase(items: c.ItemSelector | None, currency: str = "USD", locale: str = "en_US") -> str:
    """The selection as a headline names it, "" only for every item: "Arabica", "items priced
    up to $50", "coffee bags priced up to $50", "items except DRIP-V60"."""
    narrowing = _narrowing(items, currency, locale)
    phrase = items_phrase(items)
    return f"{phrase or 'items'}{narrowing}" if narrowing else phrase


def _scope_suffix(items: c.ItemSelector, currency: str, locale: str) -> str:
    phrase = selection_phrase(items, currency, locale)
    return f" on {phrase}" if phrase else ""


# ---- effect labels ----

def _amount(value: c.Amount | None, currency: str, locale: str, facts: Facts | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, Formula):
        if facts is None:
            return None
        value = int(value.evaluate(facts).to_integral_value())
    return money(value, currency, locale)


def _percent(value: c.Percent | None, facts: Facts | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, Formula):
        if facts is None:
            return None
        value = value.evaluate(facts)
    return percent_text(value)


def _off(percent: c.Percent, facts: Facts | None) -> str:
    """ "50% off", or "free" at 100%."""
    text = _percent(percent, facts)
    if text is None:
        return "at a personal discount"
    return "free" if text == "100%" else f"{text} off"


def _count_of(quantity: int, items: c.ItemSelector | None, currency: str, locale: str) -> str:
    return f"{quantity} {selection_phrase(items, currency, locale)}".strip()


def _what_you_get(effect: c.BuyXGetY, currency: str, locale: str) -> str:
    """ "1 filter papers", or just "1" when the free units are more of what was bought."""
    if effect.get_items is None:
        return str(effect.get_quantity)
    return _count_of(effect.get_quantity, effect.get_items, currency, locale)


def effect_label(
    effect: c.Effect, currency: str = "USD", locale: str = "en_US", facts: Facts | None = None
) -> str:
    """A short headline for the offer. Formulas show their value when `facts` are given,
    otherwise "Personal discount" (the value depends on who is shopping)."""
    if isinstance(effect, c.AmountOffOrder):
        amount = _amount(effect.amount, currency, locale, facts)
        return f"{amount} off" if amount else "Personal discount"
    if isinstance(effect, c.PercentOffOrder):
        percent = _percent(effect.percent, facts)
        label = f"{percent} off" if percent else "Personal discount"
        if effect.cap is not None:
            label += f", up to {money(effect.cap, currency, locale)}"
        return label
    if isinstance(effect, (c.AmountOffEachLine, c.AmountOffEachUnit, c.AmountSplit)):
        amount = _amount(effect.amount, currency, locale, facts)
        phrase = selection_phrase(effect.items, currency, locale)
        if amount is None:
            return f"Personal discount on {phrase}" if phrase else "Personal discount"
        if isinstance(effect, c.AmountSplit):
            return f"{amount} off {phrase}" if phrase else f"{amount} off"
        noun = "product" if isinstance(effect, c.AmountOffEachLine) else "item"
        return f"{amount} off each {noun}{_from(items_phrase(effect.items))}{_narrowing(effect.items, currency, locale)}"
    if isinstance(effect, c.PercentOffItems):
        percent = _percent(effect.percent, facts)
        label = f"{percent} off" if percent else "Personal discount"
        label += f" {selection_phrase(effect.items, currency, locale) or 'all items'}"
        if effect.cap is not None:
            label += f", up to {money(effect.cap, currency, locale)}"
        return label
    if isinstance(effect, c.UnitPrice):
        price = _amount(effect.price, currency, locale, facts) or "a personal price"
        phrase = items_phrase(effect.items) or "Items"
        return f"{phrase}{_narrowing(effect.items, currency, locale)} for {price} each"
    if isinstance(effect, c.BundlePrice):
        price = _amount(effect.price, currency, locale, facts) or "a personal price"
        return f"{effect.quantity} for {price}{_scope_suffix(effect.items, currency, locale)}"
    if isinstance(effect, c.CheapestItems):
        which = "cheapest" if effect.pick == "cheapest" else "most expensive"
        off = _off(effect.percent, facts)
        if effect.every:
            phrase = selection_phrase(effect.items, currency, locale) or "items"
            return f"Buy {effect.every} {phrase}, get the {which} {effect.count} {off}"
        subject = f"{which.capitalize()} item" if effect.count == 1 else f"{effect.count} {which} items"
        return f"{subject}{_from(items_phrase(effect.items))}{_narrowing(effect.items, currency, locale)} {off}"
    if isinstance(effect, c.BuyXGetY):
        buy = _count_of(effect.buy_quantity, effect.buy_items, currency, locale)
        return f"Buy {buy}, get {_what_you_get(effect, currency, locale)} {_off(effect.percent, facts)}"
    if isinstance(effect, c.Volume):
        return f"Buy {effect.buy}, get {effect.free} free{_scope_suffix(effect.items, currency, locale)}"
    if isinstance(effect, c.Tiers):
        steps = []
        for tier in effect.tiers:
            value = _percent(tier.percent, facts) if tier.percent is not None else _amount(tier.amount, currency, locale, facts)
            steps.append(f"spend {money(tier.min_subtotal, currency, locale)}, get {value or 'a personal discount'} off")
        text = "; ".join(steps)
        return text[:1].upper() + text[1:] + _scope_suffix(effect.items, currency, locale)
    if isinstance(effect, c.FreeGift):
        name = effect.gift.name or effect.gift.sku
        return f"Free {name}" if effect.quantity == 1 else f"{effect.quantity} free {name}"
    if isinstance(effect, c.ShippingDiscount):
        if effect.amount is not None:
            amount = _amount(effect.amount, currency, locale, facts)
            return f"{amount} off shipping" if amount else "Shipping discount"
        percent = _percent(effect.percent, facts)
        if percent == "100%":
            return "Free shipping"
        return f"{percent} off shipping" if percent else "Shipping discount"
    raise TypeError(f"unknown effect {type(effect).__name__}")


# ---- near-miss hints ----

def unit_noun(items: c.ItemSelector | None, count: int) -> str:
    """What a shopper adds more of: "coffee bag" / "coffee bags" when the selection's label names
    its units in the plural, else "item" / "items"."""
    label = items.label if items is not None else None
    if label and label.endswith("s") and not label.endswith("ss"):
        return label if count != 1 else label[:-1]
    return "item" if count == 1 else "items"


def unlock_phrase(
    effect: c.Effect, currency: str = "USD", locale: str = "en_US", facts: Facts | None = None
) -> str:
    """How a near-miss hint ends, worded for the effect: "Add $12.50 more" + " to get 15% off",
    " for free shipping", " and the cheapest is free", " to get a free Canvas Tote"."""
    if isinstance(effect, c.ShippingDiscount):
        label = effect_label(effect, currency, locale, facts)
        if label == "Free shipping":
            return "for free shipping"
        return "for a shipping discount" if label == "Shipping discount" else f"to get {label}"
    if isinstance(effect, c.CheapestItems):
        which = "cheapest" if effect.pick == "cheapest" else "most expensive"
        if effect.every:
            subject = f"the {which}" if effect.count == 1 else f"the {effect.count} {which}"
        else:
            subject = f"the {which} item" if effect.count == 1 else f"the {effect.count} {which} items"
            subject += _from(items_phrase(effect.items)) + _narrowing(effect.items, currency, locale)
        return f"and {subject} {'is' if effect.count == 1 else 'are'} {_off(effect.percent, facts)}"
    if isinstance(effect, c.BuyXGetY):
        return f"to get {_what_you_get(effect, currency, locale)} {_off(effect.percent, facts)}"
    if isinstance(effect, c.Volume):
        return f"to get {effect.free} free"
    if isinstance(effect, c.FreeGift):
        name = effect.gift.name or effect.gift.sku
        return f"to get a free {name}" if effect.quantity == 1 else f"to get {effect.quantity} free {name}"
    label = effect_label(effect, currency, locale, facts)
    if isinstance(effect, c.Tiers):
        return f"for the tiered discount ({label[:1].lower()}{label[1:]})"
    # Headlines start with a capital; mid-sentence these two read in lower case.
    if label.startswith("Personal discount"):
        label = "a personal discount" + label.removeprefix("Personal discount")
    elif label.startswith("Items for "):
        label = "items" + label.removeprefix("Items")
    return f"to get {label}"


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
