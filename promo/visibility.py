"""Soft conditions: where and to whom an offer is shown (banners, deals page, product pages).

Visibility never decides eligibility: a hidden offer still applies when its code is entered
and its eligibility holds; a visible one can still fail eligibility. Timing is checked by the
caller (promo.timing), so an offer can be previewed before it starts.
"""
from __future__ import annotations

from .campaign import Campaign
from .domain import Context, Customer
from .facts import Facts


def is_visible(campaign: Campaign, customer: Customer, context: Context) -> bool:
    """Show this campaign to `customer` at `context`? Unlisted campaigns (hidden codes) never show."""
    rules = campaign.visibility
    if not rules.listed:
        return False
    page = (context.page or "").casefold()
    if rules.pages and page not in rules.pages:
        return False
    if rules.categories and (context.category or "").casefold() not in rules.categories:
        return False
    if rules.audience is not None:
        # Audience conditions read only customer and context facts (the parser enforces it),
        # so an empty cart is enough to evaluate them.
        facts = Facts.initial(customer, context, (), campaign.currency or "USD")
        return rules.audience.evaluate(facts).ok
    return True
