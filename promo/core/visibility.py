"""Soft conditions: where and to whom an offer is shown (banners, deals page, product pages).

Visibility never decides eligibility: a hidden offer still applies when its code is entered
and its eligibility holds; a visible one can still fail eligibility. Timing is checked by the
caller (promo.core.timing), so an offer can be previewed before it starts. `VisibilityIndex` asks
is_visible of only the campaigns a page could show, for pages that list many offers.
"""
from __future__ import annotations

from collections.abc import Iterable

from promo.core.campaign import Campaign
from promo.core.domain import Cart, Context, Customer
from promo.core.facts import Facts
from promo.core.index import Key, Requirement, all_met, cart_keys, condition_requirements

NO_LINES = Cart(lines=())   # an audience reads only customer and context facts


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


class VisibilityIndex:
    """Listed campaigns filed by the page and the category their visibility names and by a
    segment their audience needs, so that a page listing offers looks only at those it may show
    rather than at every one.

    `shown(customer, context)` is exactly ``[c for c in campaigns if is_visible(c, customer,
    context)]``, in the given order: the index only leaves out campaigns that are unlisted,
    meant for other pages or categories, or for an audience of segments the customer is not in
    (read as promo.core.index reads eligibility), and every campaign it keeps is checked with
    is_visible.
    """

    def __init__(self, campaigns: Iterable[Campaign]):
        self._campaigns: list[Campaign] = []
        self._audience: list[tuple[Requirement, ...]] = []
        # (page, category, segment key) -> positions; None: any page, any category, any customer
        self._buckets: dict[tuple[str | None, str | None, Key | None], list[int]] = {}
        for campaign in campaigns:
            rules = campaign.visibility
            if not rules.listed:
                continue
            position = len(self._campaigns)
            needs = condition_requirements(rules.audience) if rules.audience is not None else ()
            self._campaigns.append(campaign)
            self._audience.append(needs)
            # Filed under the narrowest segment requirement, as promo.core.index files eligibility.
            segments = min(needs, key=len) if needs else (None,)
            for page in rules.pages or (None,):
                for category in rules.categories or (None,):
                    for segment in segments:
                        self._buckets.setdefault((page, category, segment), []).append(position)

    def shown(self, customer: Customer, context: Context) -> list[Campaign]:
        keys = cart_keys(NO_LINES, customer)
        found: set[int] = set()
        for page in (None, (context.page or "").casefold()):
            for category in (None, (context.category or "").casefold()):
                for segment in (None, *keys):
                    found.update(self._buckets.get((page, category, segment), ()))
        return [
            self._campaigns[position]
            for position in sorted(found)
            if all_met(self._audience[position], keys) and is_visible(self._campaigns[position], customer, context)
        ]
