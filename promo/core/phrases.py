"""The words effects are described with: amounts, percents and item selections as shoppers read
them. Each effect type's module (promo.core.effects) builds its labels from these;
promo.core.conditions describes its rules with them.

Sentences are English; amounts follow the locale (Babel). Item selections read by their `label`
when the definition gives one, else by their category/collection names or SKUs.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from babel import Locale
from babel.lists import format_list

from promo.core.domain import ItemSelector
from promo.core.facts import Facts
from promo.core.formula import Amount, Formula, Percent
from promo.core.money import format_money

# Sentences are English, so their lists are joined the English way whatever the money locale.
# Parsed once: Babel parses a locale given by name on every list it joins, at many times the
# cost of the join.
_WORDS_LOCALE = Locale.parse("en")


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


def items_phrase(items: ItemSelector | None) -> str:
    """The selection as a noun phrase, "" for every item: "Arabica", "V60 dripper", "DRIP-V60"."""
    if items is None:
        return ""
    if items.label:
        return items.label
    names = [humanize(x) for x in sorted(items.categories)]
    names += [humanize(x) for x in sorted(items.collections)]
    names += sorted(items.skus)
    return join_or(names)


def from_items(phrase: str) -> str:
    """ " from Arabica", or "" for every item."""
    return f" from {phrase}" if phrase else ""


def narrowing(items: ItemSelector | None, currency: str, locale: str) -> str:
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


def selection_phrase(items: ItemSelector | None, currency: str = "USD", locale: str = "en_US") -> str:
    """The selection as a headline names it, "" only for every item: "Arabica", "items priced
    up to $50", "coffee bags priced up to $50", "items except DRIP-V60"."""
    left_out = narrowing(items, currency, locale)
    phrase = items_phrase(items)
    return f"{phrase or 'items'}{left_out}" if left_out else phrase


def scope_suffix(items: ItemSelector, currency: str, locale: str) -> str:
    phrase = selection_phrase(items, currency, locale)
    return f" on {phrase}" if phrase else ""


def amount_words(value: Amount | None, currency: str, locale: str, facts: Facts | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, Formula):
        if facts is None:
            return None
        value = int(value.evaluate(facts).to_integral_value())
    return money(value, currency, locale)


def percent_words(value: Percent | None, facts: Facts | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, Formula):
        if facts is None:
            return None
        value = value.evaluate(facts)
    return percent_text(value)


def off_words(percent: Percent, facts: Facts | None) -> str:
    """ "50% off", or "free" at 100%."""
    text = percent_words(percent, facts)
    if text is None:
        return "at a personal discount"
    return "free" if text == "100%" else f"{text} off"


def count_of(quantity: int, items: ItemSelector | None, currency: str, locale: str) -> str:
    return f"{quantity} {selection_phrase(items, currency, locale)}".strip()


def unit_noun(items: ItemSelector | None, count: int) -> str:
    """What a shopper adds more of: "coffee bag" / "coffee bags" when the selection's label names
    its units in the plural, else "item" / "items"."""
    label = items.label if items is not None else None
    if label and label.endswith("s") and not label.endswith("ss"):
        return label if count != 1 else label[:-1]
    return "item" if count == 1 else "items"


def to_get(label: str) -> str:
    """The usual end of a near-miss hint, "to get 15% off": headlines start with a capital, and
    mid-sentence these two read in lower case."""
    if label.startswith("Personal discount"):
        label = "a personal discount" + label.removeprefix("Personal discount")
    elif label.startswith("Items for "):
        label = "items" + label.removeprefix("Items")
    return f"to get {label}"
