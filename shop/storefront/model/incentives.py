"""The wallet's referral and balances sections: the customer's referral code, link and banner,
their gift card balances and points accounts. Nothing here computes money; the engine does."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import url_for

from promo.core import campaign as c
from promo.core.errors import NotFound
from promo.core.incentive_records import GiftCardBalance, PointsAccount, ReferralSummary
from promo.core.wording import effect_label
from shop.storefront.model.product_names import name_products
from shop.storefront.model.showcase import catalogue_names
from shop.web.banner_links import offer_banner_url
from shop.web.extensions import promo_engine


def offer_label(campaign: c.Campaign) -> str:
    engine = promo_engine()
    if campaign.effect is None:
        return campaign.name
    return name_products(effect_label(campaign.effect, campaign.currency or engine.currency, engine.locale), catalogue_names())


@dataclass(frozen=True)
class ReferralPanel:
    summary: ReferralSummary
    campaign: c.Campaign
    label: str                 # what the friend gets, e.g. "$10 off"
    share_url: str | None
    banner_url: str | None


def referral_panel(customer_id: str) -> ReferralPanel | None:
    """The customer's referral code, link, banner and counts; None when no referral runs."""
    engine = promo_engine()
    try:
        summary = engine.referral_summary(customer_id)
        campaign = engine.load_campaign(summary.campaign_id)
    except NotFound:
        return None
    share_url = banner = None
    if summary.code:
        share_url = url_for("incentives.referral_link", code=summary.code, _external=True)
        banner = offer_banner_url(campaign, summary.code, template="square", share_url=share_url)
    return ReferralPanel(summary, campaign, offer_label(campaign), share_url, banner)



@dataclass(frozen=True)
class BalancesPanel:
    gift_cards: tuple[GiftCardBalance, ...]
    programmes: tuple[PointsAccount, ...]
    spend_key: str             # one per rendering, so a double submit spends once

    @property
    def is_empty(self) -> bool:
        return not self.gift_cards and not self.programmes

    @property
    def usable_gift_cards(self) -> tuple[GiftCardBalance, ...]:
        """Active cards with money left: what the folded section's summary adds up."""
        return tuple(card for card in self.gift_cards if card.active and card.balance > 0)

    @property
    def gift_card_total(self) -> int:
        return sum(card.balance for card in self.usable_gift_cards)


def balances_panel(customer_id: str) -> BalancesPanel:
    engine = promo_engine()
    return BalancesPanel(tuple(engine.customer_gift_cards(customer_id)), tuple(engine.points_accounts(customer_id)),
                         secrets.token_hex(16))
