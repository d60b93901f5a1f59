"""Which offer the storefront shows where, and how it states it (shop/storefront/model/offers.py)."""
from datetime import datetime
from zoneinfo import ZoneInfo

from promo.core.domain import CartLine, Context, Customer
from promo.core.reasons import Reason
from promo.core.records import Offer, OfferSource, OfferStatus
from promo.core.results import Evaluation, OfferResult, PricedLine, Status
from promo.format.definition import parse_campaign
from shop.storefront.model import offers as shown

ZONE = "America/New_York"
NOW = datetime(2026, 11, 25, 10, 30, tzinfo=ZoneInfo(ZONE))
CONTEXT = Context(now=NOW, page="category", category="arabica")
BAG = CartLine("ARA-ETH-YIRG", "Ethiopia", 1950, 1, frozenset({"arabica"}), frozenset({"coffee-bags"}))
MUG = CartLine("MERCH-MUG", "Mug", 1600, 1, frozenset({"merch"}))


def campaign(**definition):
    return parse_campaign({"name": definition.get("id", "x").title(), **definition}, timezone=ZONE)


CAMPAIGNS = {
    c.id: c
    for c in (
        campaign(id="three-bags", kind="promotion", effect={
            "type": "cheapest_items", "percent": 100, "every": 3, "items": {"collections": ["coffee-bags"], "label": "coffee bags"}}),
        campaign(id="clearance", kind="promotion", effect={"type": "percent_off_items", "percent": 20, "items": {"skus": ["ARA-ETH-YIRG"]}}),
        campaign(id="tiers", kind="promotion", effect={"type": "tiers", "tiers": [{"min_subtotal": 1000, "percent": 10}]}),
        campaign(id="lovers", kind="coupon", code="LOVERS", visibility={"pages": ["category"], "categories": ["arabica"]},
                 effect={"type": "amount_split", "amount": {"formula": "1000 if customer.new else 500", "fallback": 500},
                         "items": {"skus": ["ARA-ETH-YIRG"]}}),
        campaign(id="happy10", kind="coupon", code="HAPPY10", effect={"type": "percent_off_order", "percent": 10}),
        campaign(id="black-friday", kind="coupon", code="BLCKFRDY", active={"from": "2026-11-01", "until": "2026-11-30"},
                 limits={"per_customer": 1}, effect={"type": "percent_off_order", "percent": 20, "cap": 5000}),
        campaign(id="tote", kind="promotion", eligibility={"fact": "cart.lines", "items": {"categories": ["merch"]}},
                 effect={"type": "free_gift", "gift": {"sku": "TOTE", "name": "Tote", "price": 1800}}),
        campaign(id="sorry", kind="bulk", codes={"pattern": "SORRY-######"}, visibility={"listed": False},
                 effect={"type": "amount_off_order", "amount": 1000}),
    )
}


def offer(campaign_id, *, source=OfferSource.PROMOTION, reason=Reason.NO_MATCHING_ITEMS, visible=True, code=None):
    result = OfferResult(campaign_id, campaign_id, Status.NOT_APPLICABLE, reason, "")
    return Offer(campaign_id=campaign_id, name=campaign_id, kind="promotion", source=source, code=code,
                 status=OfferStatus.NOT_ELIGIBLE, discount=0, reason=reason, message="", hint=None,
                 visible=visible, result=result)


def test_banners_leave_out_what_this_shopper_cannot_get_and_put_their_own_codes_first():
    candidates = [
        offer("three-bags"),
        offer("happy10", source=OfferSource.PUBLIC_CODE, code="HAPPY10"),
        offer("black-friday", source=OfferSource.PUBLIC_CODE, code="BLCKFRDY", reason=Reason.LOGIN_REQUIRED),
        offer("lovers", source=OfferSource.PUBLIC_CODE, code="LOVERS", visible=False),
        offer("win-back", source=OfferSource.PUBLIC_CODE, reason=Reason.CUSTOMER_NOT_ELIGIBLE),
        offer("expired", reason=Reason.EXPIRED),
        offer("sorry", source=OfferSource.WALLET, code="SORRY-ABC234", visible=False),
    ]

    chosen = [o.campaign_id for o in shown.banner_offers(candidates)]

    # A guest can still sign in for Black Friday; a hidden code stays hidden unless it's theirs.
    assert chosen == ["sorry", "happy10", "black-friday", "three-bags"]


def test_product_badges_are_the_offers_that_single_the_product_out():
    candidates = [offer("three-bags"), offer("clearance"), offer("tiers"), offer("tote"),
                  offer("lovers", source=OfferSource.PUBLIC_CODE, code="LOVERS"),
                  offer("happy10", source=OfferSource.PUBLIC_CODE, code="HAPPY10")]

    on_bag = [o.campaign_id for o in shown.product_offers(candidates, CAMPAIGNS, BAG)]
    on_mug = [o.campaign_id for o in shown.product_offers(candidates, CAMPAIGNS, MUG)]

    # Clearance shows as the struck-through price, not as a badge; tiers and HAPPY10 are not
    # about any product in particular.
    assert on_bag == ["three-bags", "lovers"]
    assert on_mug == ["tote"]


def test_a_badge_follows_visibility_for_this_page():
    hidden_here = [offer("lovers", source=OfferSource.PUBLIC_CODE, code="LOVERS", visible=False)]
    assert shown.product_offers(hidden_here, CAMPAIGNS, BAG) == []
    assert shown.page_offers(hidden_here, CAMPAIGNS) == []
    visible_here = [offer("lovers", source=OfferSource.PUBLIC_CODE, code="LOVERS")]
    assert [o.campaign_id for o in shown.page_offers(visible_here, CAMPAIGNS)] == ["lovers"]


def test_deals_are_the_public_listed_offers_including_ones_that_need_sign_in():
    candidates = [
        offer("three-bags"),
        offer("black-friday", source=OfferSource.PUBLIC_CODE, code="BLCKFRDY", reason=Reason.LOGIN_REQUIRED),
        offer("sorry", source=OfferSource.WALLET, code="SORRY-ABC234"),
        offer("lovers", source=OfferSource.PUBLIC_CODE, code="LOVERS", visible=False),
        offer("old", reason=Reason.EXPIRED),
        offer("paused", reason=Reason.CAMPAIGN_PAUSED),
    ]
    assert [o.campaign_id for o in shown.deal_offers(candidates)] == ["three-bags", "black-friday"]


def test_offer_view_states_value_for_this_customer_restrictions_and_timeframe():
    new = shown.offer_view(CAMPAIGNS["lovers"], kind="code", code="LOVERS", customer=Customer(id="n"),
                           context=CONTEXT, currency="USD")
    regular = shown.offer_view(CAMPAIGNS["lovers"], kind="code", code="LOVERS",
                               customer=Customer(id="r", orders_count=3), context=CONTEXT, currency="USD")
    black_friday = shown.offer_view(CAMPAIGNS["black-friday"], kind="code", code="BLCKFRDY",
                                    customer=Customer(), context=CONTEXT, currency="USD")
    three_bags = shown.offer_view(CAMPAIGNS["three-bags"], kind="auto", code=None, customer=Customer(),
                                  context=CONTEXT, currency="USD")

    assert new.label.startswith("$10 off")
    assert regular.label.startswith("$5 off")
    assert black_friday.label == "20% off, up to $50"
    assert black_friday.restrictions == ("Once per customer", "Signed-in customers only")
    assert black_friday.timeframe == "Valid Nov 1\u2009–\u200930, 2026"
    assert black_friday.all_restrictions == (*black_friday.restrictions, black_friday.timeframe)
    # Item labels written for mid-sentence start a list item with a capital.
    assert three_bags.restrictions == ("Coffee bags only",)
    assert three_bags.timeframe == shown.NO_END
    assert three_bags.all_restrictions == ("Coffee bags only",)


def test_a_personal_code_states_its_own_end_when_it_comes_before_the_campaigns():
    zone = ZoneInfo(ZONE)
    week_code_end = datetime(2026, 11, 28, 0, 0, tzinfo=zone)     # valid through Nov 27
    sorry = shown.offer_view(CAMPAIGNS["sorry"], kind="personal", code="SORRY-ABC234", customer=Customer(id="a"),
                             context=CONTEXT, currency="USD", code_expires_at=week_code_end)
    assert sorry.timeframe == "Expires Nov 27, 2026"
    assert sorry.all_restrictions[-1] == "Expires Nov 27, 2026"

    # A code that would outlive its campaign ends with the campaign, and says that.
    within = shown.offer_view(CAMPAIGNS["black-friday"], kind="personal", code="BLCKFRDY", customer=Customer(),
                              context=CONTEXT, currency="USD", code_expires_at=week_code_end)
    outlives = shown.offer_view(CAMPAIGNS["black-friday"], kind="personal", code="BLCKFRDY", customer=Customer(),
                                context=CONTEXT, currency="USD", code_expires_at=datetime(2026, 12, 9, tzinfo=zone))
    assert within.timeframe == "Expires Nov 27, 2026"
    assert outlives.timeframe == "Valid Nov 1 – 30, 2026"


def test_promotional_price_counts_only_item_price_promotions():
    line = CartLine("GIFT-L", "Gift card", 10000, 1)
    evaluation = Evaluation(
        currency="USD",
        lines=(PricedLine(line, discount=3000),),
        offers=(
            OfferResult("clearance", "Clearance", Status.APPLIED, Reason.APPLIED, "", discount=2000, line_discounts=(2000,)),
            OfferResult("tiers", "Tiers", Status.APPLIED, Reason.APPLIED, "", discount=1000, line_discounts=(1000,)),
        ),
    )

    price = shown.promotional_price(evaluation, CAMPAIGNS)

    # A tier reached by a one-item cart is not the product's price.
    assert (price.regular, price.now, price.lowered_by) == (10000, 8000, ("Clearance",))
    assert price.on_sale and price.percent_off == 20


def test_a_price_without_promotions_is_not_on_sale():
    evaluation = Evaluation(currency="USD", lines=(PricedLine(BAG, discount=0),), offers=())
    price = shown.promotional_price(evaluation, CAMPAIGNS)
    assert (price.regular, price.now, price.on_sale, price.percent_off) == (1950, 1950, False, 0)
