"""qualify(visible_only=True), as the pages that list offers ask it: exactly the offers a full
qualify marks visible for this shopper on this page, plus their own codes, with the same
statuses, counters and order."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from promo.core.domain import Context
from promo.core.errors import InvalidRequest, NotFound
from promo.core.records import OfferSource
from promo.engine import Engine
from promo.storage import create_schema, make_session_factory
from tests.support.dbkit import STORE_TIMEZONE, Clock, start_of_test
from tests.support.promo_testing import KINDS, DatabaseUnavailable, isolated_database
from tests.support.storagekit import CART_40, bulk, coupon, customer, promotion

VIP = {"fact": "customer.segment", "is": "vip"}


def store_with_every_kind_of_visibility(engine) -> None:
    engine.create_campaign(promotion("everywhere", amount=300))
    engine.create_campaign(promotion("cart-only", amount=400, visibility={"pages": ["cart", "checkout"]}))
    engine.create_campaign(promotion("unlisted", amount=500, visibility={"listed": False}))
    engine.create_campaign(promotion("gear-pages", amount=600, visibility={"pages": ["category", "product"],
                                                                           "categories": ["gear"]}))
    engine.create_campaign(promotion("vip-audience", amount=700, visibility={"audience": VIP}))
    engine.create_campaign(promotion("not-vip", amount=800, visibility={"audience": {"not": VIP}}))
    engine.create_campaign(promotion("vip-eligible", amount=900, eligibility=VIP))
    engine.create_campaign(promotion("paused", amount=1000))
    engine.set_campaign_status("paused", "pause")
    engine.create_campaign(promotion("spent", amount=1000, limits={"budget": 1000}))
    engine.create_campaign(coupon("public", "PUBLIC5", amount=500))
    engine.create_campaign(coupon("deals-only", "DEALS7", amount=700, visibility={"pages": ["deals"]}))
    engine.create_campaign(coupon("hidden", "HIDDEN9", amount=900, visibility={"listed": False}))
    engine.create_campaign(coupon("vip-code", "VIPCODE", amount=1100, visibility={"audience": VIP}))
    engine.create_campaign(bulk("sorry", amount=1500, visibility={"listed": False}))
    engine.generate_codes("sorry", 2)
    engine.upsert_customer(customer("ana"))
    engine.upsert_customer(customer("vera", segments=frozenset({"vip"})))
    engine.publish("sorry", "ana")
    engine.redeem(customer("bo"), CART_40, [], order_ref="A-1")  # spends the "spent" budget


@pytest.fixture(scope="module", params=KINDS)
def visibility_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One store_with_every_kind_of_visibility per database for the module's read-only tests:
    qualify writes nothing, so 38 tests need not build 38 identical stores."""
    try:
        with isolated_database(request.param, tmp_path_factory.mktemp("visibility")) as database:
            sql_engine = database.make_engine()
            create_schema(sql_engine)
            engine = Engine(make_session_factory(sql_engine), timezone=STORE_TIMEZONE, currency="USD",
                            clock=Clock(start_of_test()))
            store_with_every_kind_of_visibility(engine)
            yield engine
            sql_engine.dispose()
    except DatabaseUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.mark.parametrize("who", [None, "ana", "vera"])
@pytest.mark.parametrize("page,category", [("home", None), ("deals", None), ("wallet", None),
                                           ("category", "gear"), ("product", "beans"), ("cart", None)])
def test_visible_only_is_the_visible_part_of_a_full_qualify(visibility_store, who, page, category):
    engine = visibility_store
    context = Context(now=engine.now(), page=page, category=category)

    full = engine.qualify(who, CART_40, context)
    listed = engine.qualify(who, CART_40, context, visible_only=True)

    assert listed == [o for o in full if o.visible or o.source is OfferSource.WALLET]
    assert len(listed) < len(full)  # something was left out on every page


def test_what_each_shopper_sees_on_the_home_page(visibility_store):
    engine = visibility_store
    context = Context(now=engine.now(), page="home")

    def shown(who):
        return sorted(o.campaign_id for o in engine.qualify(who, CART_40, context, visible_only=True))

    everyone = ["everywhere", "public", "spent", "vip-eligible"]
    assert shown(None) == sorted([*everyone, "not-vip"])
    assert shown("ana") == sorted([*everyone, "not-vip", "sorry"])   # and her own code
    assert shown("vera") == sorted([*everyone, "vip-audience", "vip-code"])


def test_visible_only_and_touching_cart_are_different_questions(engine):
    with pytest.raises(InvalidRequest):
        engine.qualify(None, CART_40, visible_only=True, touching_cart=True)


def test_load_campaigns_reads_several_at_once(engine):
    engine.create_campaign(promotion("one", amount=100))
    engine.create_campaign(coupon("two", "TWO22", amount=200))

    found = engine.load_campaigns(["two", "one", "two"])

    assert found == {"one": engine.load_campaign("one"), "two": engine.load_campaign("two")}
    assert engine.load_campaigns([]) == {}
    with pytest.raises(NotFound) as error:
        engine.load_campaigns(["one", "nope"])
    assert error.value.details == {"campaign_ids": ["nope"]}


def test_campaign_names_reads_only_the_names_asked_for(engine):
    engine.create_campaign(promotion("one", amount=100))
    engine.create_campaign(coupon("two", "TWO22", amount=200))
    engine.set_campaign_status("two", "archive")

    assert engine.campaign_names(["two", "one", "nope"]) == {"one": "One", "two": "Two"}
    assert engine.campaign_names([]) == {}
