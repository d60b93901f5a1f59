"""The referred friend's side of a referral: the friend's code, carried into their cart as the
referral link does (shop.storefront.model.sharing), and shown in their wallet with what it does.

A customer whose profile says who referred them (``metadata.referred_by``, as the demo's
"Referred friend" persona) gets the advocate's referral code in the cart when they start
shopping as that persona, so the $10 off is there without typing, as it would be for a friend
who opened the link.
"""
from __future__ import annotations

from dataclasses import dataclass

from promo.core import campaign as c
from promo.core.domain import Customer
from promo.core.errors import NotFound
from promo.core.wording import effect_label
from shop.storefront.model.priced_cart import CodeView, PricedCart
from shop.storefront.model.sharing import remember_referral, shareable_code
from shop.web.extensions import promo_engine


def advocate_code(customer: Customer) -> str | None:
    """The referral code of the customer who referred this one, if they hold one."""
    advocate = customer.metadata.get("referred_by") if customer.metadata else None
    if not isinstance(advocate, str) or not advocate:
        return None
    engine = promo_engine()
    try:
        held = engine.customer_codes(advocate)
    except NotFound:
        return None
    referral_campaigns = {info.campaign_id for info in held
                          if engine.load_campaign(info.campaign_id).kind is c.Kind.REFERRAL}
    return next((info.code for info in held if info.campaign_id in referral_campaigns), None)


def bring_friends_code(customer: Customer) -> None:
    """Put the advocate's referral code in the cart, as opening their link would."""
    code = advocate_code(customer)
    shared = shareable_code(code) if code else None
    if shared is not None:
        remember_referral(shared)


@dataclass(frozen=True)
class FriendOffer:
    code: CodeView
    advocate_name: str
    label: str            # "$10 off"


def friend_offer(customer: Customer, priced: PricedCart) -> FriendOffer | None:
    """The friend's code as the cart prices it, when it is in the cart."""
    code = advocate_code(customer)
    view = next((v for v in priced.codes if v.code == code), None) if code else None
    if view is None:
        return None
    engine = promo_engine()
    advocate_id = str(customer.metadata.get("referred_by"))
    try:
        name = (engine.get_customer(advocate_id).name or "").split(" ")[0]
    except NotFound:
        name = ""
    campaign = engine.load_campaign(engine.get_code(view.code).campaign_id)
    label = effect_label(campaign.effect, engine.currency, engine.locale) if campaign.effect else campaign.name
    return FriendOffer(view, name or "your friend", label)
