"""The discount box of a campaign's banner: a number the banner formats ("20% OFF") or a short
offer in words for effects one number cannot state ("UP TO 15% OFF", "FREE CANVAS TOTE",
"BUY 3, CHEAPEST FREE", "FREE SHIPPING", "$5–$10 OFF" for a formula).

promo.core.wording.effect_label writes the sentence a cart shows; a banner needs a headline of a
few words. Words are English, as effect_label's are; amounts and percents follow the locale.
Each effect type words its box (its module in promo.core.effects); a campaign's own
`banner: {label: ...}` replaces the words (see docs/campaigns.md).
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from promo.core import campaign as c
from promo.core.effects import effect_type
from promo.core.formula import Amount, Formula, Percent
from promo.core.money import round_half_up

from .errors import InvalidField
from .fields import MAX_DISCOUNT
from .fonts import can_draw
from .texts import amount_text, off_label, percent_text

RANGE_DASH = "\u2013"


def _fixed_values(value: Amount | Percent | None) -> list[Decimal] | None:
    """The values a fixed number or a formula can take, smallest first; None when a formula
    computes its value (only a shopper's facts tell it)."""
    if value is None:
        return None
    if isinstance(value, Formula):
        possible = value.possible_values()
        return sorted(possible) if possible else None
    return [Decimal(value)]


def _amount_texts(values: list[Decimal], currency: str, locale: str) -> list[str]:
    """Formula amounts are rounded half-up to whole minor units, as the effects round them."""
    minor = [round_half_up(Fraction(value)) for value in values]
    return [amount_text(amount, currency, locale) for amount in minor if amount > 0]


def _percent_texts(values: list[Decimal], locale: str) -> list[str]:
    return [percent_text(value, locale) for value in values if 0 < value <= 100]


def _span(texts: list[str]) -> str | None:
    """"$10", or "$5–$10" from the smallest to the largest; None when there is nothing to show."""
    if not texts:
        return None
    return texts[0] if texts[0] == texts[-1] else f"{texts[0]}{RANGE_DASH}{texts[-1]}"


def _top(value: Amount | Percent | None, texts: Callable[[list[Decimal]], list[str]]) -> str | None:
    """The largest value: what "up to" promises."""
    values = _fixed_values(value)
    shown = texts(values[-1:]) if values else []
    return shown[-1] if shown else None


class _Text:
    """How the discount box writes numbers, for one currency and locale (promo.core.effects'
    BannerText): each effect type's module words its box with these."""

    def __init__(self, currency: str, locale: str) -> None:
        self.currency, self.locale = currency, locale

    def amount(self, value: Amount | None) -> str | None:
        values = _fixed_values(value)
        return None if values is None else _span(_amount_texts(values, self.currency, self.locale))

    def percent(self, value: Percent | None) -> str | None:
        values = _fixed_values(value)
        return None if values is None else _span(_percent_texts(values, self.locale))

    def off(self, percent: Percent | None) -> str | None:
        """"FREE" at 100%, else "50% OFF"; None when a formula decides."""
        if _fixed_values(percent) == [Decimal(100)]:
            return "FREE"
        text = self.percent(percent)
        return None if text is None else f"{text} OFF"

    def off_label(self, text: str) -> str:
        return off_label(text, self.locale)

    def top_amount(self, value: Amount | None) -> str | None:
        return _top(value, lambda values: _amount_texts(values, self.currency, self.locale))

    def top_percent(self, value: Percent | None) -> str | None:
        return _top(value, lambda values: _percent_texts(values, self.locale))

    def fits(self, label: str) -> bool:
        return len(label) <= MAX_DISCOUNT and can_draw(label)


def offer_label(effect: c.Effect, currency: str, locale: str = "en_US") -> str:
    """The effect as a banner's discount box says it, at most MAX_DISCOUNT characters:
    "20% OFF", "20% OFF, UP TO $50", "UP TO 15% OFF", "FREE CANVAS TOTE", "BUY 3, CHEAPEST FREE", "3 FOR 2",
    "FREE SHIPPING", "$5–$10 OFF" (a formula choosing between fixed amounts). A formula that
    computes its value reads "PERSONAL DISCOUNT"."""
    label = effect_type(effect).banner_words(effect, _Text(currency, locale))
    if len(label) > MAX_DISCOUNT:
        # Rare combinations only: "BUY 12, 2 MOST EXPENSIVE 12.5% OFF".
        return "SPECIAL OFFER"
    return label


def banner_discount(campaign: c.Campaign, currency: str, locale: str = "en_US") -> dict[str, Any]:
    """The discount keywords of banner_params for a campaign: the campaign's own banner label
    if it has one, `percent` or `amount_minor` + `currency` when one fixed number states the
    offer, else `offer` in words. Raises InvalidField for a campaign without an offer (gift
    cards, loyalty) or a label the banner font cannot draw."""
    if campaign.banner_label:
        return {"offer": campaign.banner_label}
    effect = campaign.effect
    if effect is None:
        raise InvalidField(f"a {campaign.kind.value.replace('_', ' ')} campaign has no offer to put on a banner")
    number = effect_type(effect).banner_number(effect)
    if number is None:
        return {"offer": offer_label(effect, currency, locale)}
    return {**number, "currency": currency} if "amount_minor" in number else number

