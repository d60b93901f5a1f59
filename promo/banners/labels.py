"""The discount box of a campaign's banner: a number the banner formats ("20% OFF") or a short
offer in words for effects one number cannot state ("UP TO 15% OFF", "FREE CANVAS TOTE",
"BUY 3, CHEAPEST FREE", "FREE SHIPPING", "$5–$10 OFF" for a formula).

promo.core.wording.effect_label writes the sentence a cart shows; a banner needs a headline of a
few words. Words are English, as effect_label's are; amounts and percents follow the locale.
A campaign's own `banner: {label: ...}` replaces the words (see docs/campaigns.md).
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any
from collections.abc import Callable

from promo.core import campaign as c
from promo.core.formula import Formula
from promo.core.money import round_half_up

from .errors import InvalidField
from .fields import MAX_DISCOUNT
from .fonts import can_draw
from .texts import amount_text, off_label, percent_text

# Effects one fixed number states fairly: the banner gets the number, formatted by texts.py.
_PERCENT_EFFECTS = (c.PercentOffOrder, c.PercentOffItems)
_AMOUNT_EFFECTS = (c.AmountOffOrder, c.AmountOffEachLine, c.AmountOffEachUnit, c.AmountSplit)

RANGE_DASH = "\u2013"


def _fixed_values(value: c.Amount | c.Percent | None) -> list[Decimal] | None:
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


def _amount(value: c.Amount | None, currency: str, locale: str) -> str | None:
    values = _fixed_values(value)
    return None if values is None else _span(_amount_texts(values, currency, locale))


def _percent(value: c.Percent | None, locale: str) -> str | None:
    values = _fixed_values(value)
    return None if values is None else _span(_percent_texts(values, locale))


def _top(value: c.Amount | c.Percent | None, texts: Callable[[list[Decimal]], list[str]]) -> str | None:
    """The largest value: what "up to" promises."""
    values = _fixed_values(value)
    shown = texts(values[-1:]) if values else []
    return shown[-1] if shown else None


def _off(percent: c.Percent, locale: str) -> str | None:
    """"FREE" at 100%, else "50% OFF"; None when a formula decides."""
    if _fixed_values(percent) == [Decimal(100)]:
        return "FREE"
    text = _percent(percent, locale)
    return None if text is None else f"{text} OFF"


def _cheapest_label(effect: c.CheapestItems, locale: str) -> str:
    off = _off(effect.percent, locale) or "SPECIAL PRICE"
    which = "CHEAPEST" if effect.pick == "cheapest" else "MOST EXPENSIVE"
    if effect.every:
        chosen = which if effect.count == 1 else f"{effect.count} {which}"
        return f"BUY {effect.every}, {chosen} {off}"
    return f"{which} ITEM {off}" if effect.count == 1 else f"{effect.count} {which} ITEMS {off}"


def _tiers_label(effect: c.Tiers, currency: str, locale: str) -> str:
    top = effect.tiers[-1]
    if top.percent is not None:
        value = _top(top.percent, lambda values: _percent_texts(values, locale))
    else:
        value = _top(top.amount, lambda values: _amount_texts(values, currency, locale))
    if value is None:
        return "SPEND MORE, SAVE MORE"
    return f"{value} OFF" if len(effect.tiers) == 1 else f"UP TO {value} OFF"


def _gift_label(effect: c.FreeGift) -> str:
    name = (effect.gift.name or effect.gift.sku).upper()
    label = f"FREE {name}" if effect.quantity == 1 else f"FREE {name} \u00d7{effect.quantity}"
    if len(label) <= MAX_DISCOUNT and can_draw(label):
        return label
    return "FREE GIFT" if effect.quantity == 1 else f"{effect.quantity} FREE GIFTS"


def _shipping_label(effect: c.ShippingDiscount, currency: str, locale: str) -> str:
    if effect.amount is not None:
        amount = _amount(effect.amount, currency, locale)
        return f"{amount} OFF SHIPPING" if amount else "SHIPPING DISCOUNT"
    off = _off(effect.percent, locale)
    return f"{off} SHIPPING" if off else "SHIPPING DISCOUNT"


def _volume_label(effect: c.Volume) -> str:
    # "3 FOR 2" is how shops say it while the numbers are small; "11 FOR 10" would puzzle.
    if effect.buy + effect.free <= 5:
        return f"{effect.buy + effect.free} FOR {effect.buy}"
    return f"BUY {effect.buy}, GET {effect.free} FREE"


def _words(effect: c.Effect, currency: str, locale: str) -> str:
    if isinstance(effect, _PERCENT_EFFECTS):
        percent = _percent(effect.percent, locale)
        label = off_label(percent, locale) if percent else "PERSONAL DISCOUNT"
        # A capped percentage promises less than its number alone: "20% OFF, UP TO $50".
        return f"{label}, UP TO {amount_text(effect.cap, currency, locale)}" if effect.cap is not None else label
    if isinstance(effect, _AMOUNT_EFFECTS):
        amount = _amount(effect.amount, currency, locale)
        return off_label(amount, locale) if amount else "PERSONAL DISCOUNT"
    if isinstance(effect, c.UnitPrice):
        price = _amount(effect.price, currency, locale)
        return f"NOW {price} EACH" if price else "SPECIAL PRICE"
    if isinstance(effect, c.BundlePrice):
        price = _amount(effect.price, currency, locale)
        return f"{effect.quantity} FOR {price}" if price else f"BUNDLE OF {effect.quantity}"
    if isinstance(effect, c.CheapestItems):
        return _cheapest_label(effect, locale)
    if isinstance(effect, c.BuyXGetY):
        off = _off(effect.percent, locale) or "AT A SPECIAL PRICE"
        return f"BUY {effect.buy_quantity}, GET {effect.get_quantity} {off}"
    if isinstance(effect, c.Volume):
        return _volume_label(effect)
    if isinstance(effect, c.Tiers):
        return _tiers_label(effect, currency, locale)
    if isinstance(effect, c.FreeGift):
        return _gift_label(effect)
    if isinstance(effect, c.ShippingDiscount):
        return _shipping_label(effect, currency, locale)
    raise TypeError(f"no banner label for effect {type(effect).__name__}")


def offer_label(effect: c.Effect, currency: str, locale: str = "en_US") -> str:
    """The effect as a banner's discount box says it, at most MAX_DISCOUNT characters:
    "20% OFF", "20% OFF, UP TO $50", "UP TO 15% OFF", "FREE CANVAS TOTE", "BUY 3, CHEAPEST FREE", "3 FOR 2",
    "FREE SHIPPING", "$5–$10 OFF" (a formula choosing between fixed amounts). A formula that
    computes its value reads "PERSONAL DISCOUNT"."""
    label = _words(effect, currency, locale)
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
    if isinstance(effect, _PERCENT_EFFECTS) and isinstance(effect.percent, Decimal) and effect.cap is None:
        percent = effect.percent
        return {"percent": int(percent) if percent == percent.to_integral_value() else percent}
    if isinstance(effect, _AMOUNT_EFFECTS) and isinstance(effect.amount, int):
        return {"amount_minor": effect.amount, "currency": currency}
    return {"offer": offer_label(effect, currency, locale)}

