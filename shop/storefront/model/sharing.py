"""Which codes may have a public share page, and putting a referral code in the visitor's cart."""
from __future__ import annotations

from dataclasses import dataclass

from flask import session

from promo.core import campaign as c
from promo.core.codes import MAX_CODE_LENGTH, normalise_code
from promo.core.errors import NotFound
from promo.core.records import CampaignStatus, CodeStatus
from shop.storefront.model import cart_state
from shop.storefront.model.customer import current_customer_id
from shop.web.banner_links import is_shared_kind
from shop.web.extensions import promo_engine


@dataclass(frozen=True)
class SharedCode:
    code: str
    campaign: c.Campaign
    holder_id: str | None   # the advocate, for a referral code


def shareable_code(raw_code: str) -> SharedCode | None:
    """The code and its campaign if the share page may show them, else None.

    Only live codes of live campaigns, and only public listed coupons or referral codes that
    were given to an advocate. Bulk and personal codes never get a page, so the page cannot
    confirm that someone else's code exists (nor serve as a way to test guessed codes).
    """
    if not raw_code or len(raw_code) > MAX_CODE_LENGTH:
        return None
    engine = promo_engine()
    try:
        info = engine.get_code(raw_code)
        campaign_status = engine.get_campaign(info.campaign_id).status
        campaign = engine.load_campaign(info.campaign_id)
    except NotFound:
        return None
    if info.status != CodeStatus.ACTIVE or campaign_status != CampaignStatus.ACTIVE:
        return None
    if campaign.ends_at is not None and engine.now() >= campaign.ends_at:
        return None
    if campaign.kind is c.Kind.REFERRAL:
        shareable = info.holder_id is not None
    else:
        is_public_code = info.holder_id is None and info.code == normalise_code(campaign.code or "")
        shareable = is_shared_kind(campaign) and is_public_code
    return SharedCode(info.code, campaign, info.holder_id) if shareable else None


def remember_referral(shared: SharedCode) -> str:
    """Put a referral code in the visitor's cart, so checkout applies it without typing.

    Returns what happened: "saved", "full" (the cart has no room for another code) or "own"
    (the advocate opened their own link; it is theirs to share, not to use).
    """
    if shared.holder_id is not None and shared.holder_id == current_customer_id():
        return "own"
    cart = cart_state.load(session)
    if shared.code in cart.codes:
        return "saved"
    try:
        cart_state.save(session, cart_state.with_code(cart, shared.code))
    except cart_state.CartInputError:
        return "full"
    return "saved"
