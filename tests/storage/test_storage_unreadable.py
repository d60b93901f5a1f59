"""A stored definition the parser no longer accepts (written by an older version, or edited in the
database) takes only its own campaign out: every other campaign still prices carts and orders,
its code is refused with a reason, and a valid definition brings it back."""
from __future__ import annotations

import logging

import pytest

from promo.core.errors import RedemptionRefused, UnreadableDefinition
from promo.core.reasons import Reason
from tests.support.definitionkit import OLD_EFFECT, OLD_EFFECT_PROBLEM, store_unreadable
from tests.support.storagekit import CART_100, bulk, coupon, customer, promotion


@pytest.fixture
def store(engine):
    engine.create_campaign(promotion("five-off", amount=500))
    engine.create_campaign(promotion("old-promo", amount=700))
    engine.create_campaign(coupon("happy", "HAPPY", amount=1000))
    engine.create_campaign(coupon("old-coupon", "OLDCODE", amount=900))
    engine.upsert_customer(customer("ana"))
    engine.validate(customer("ana"), CART_100, ["HAPPY"])   # both parsed and cached before the edit
    return engine


def test_other_campaigns_still_price_the_cart_and_the_order(store, db_engine):
    store_unreadable(db_engine, "old-promo")

    evaluation = store.validate(customer("ana"), CART_100, ["HAPPY"])
    result = store.redeem(customer("ana"), CART_100, ["HAPPY"], order_ref="A-1")

    assert sorted(o.campaign_id for o in evaluation.applied) == ["five-off", "happy"]
    assert evaluation.discount == 1500
    assert result.order.discount == 1500
    assert "old-promo" not in {item.campaign_id for item in result.items}


def test_an_entered_code_of_an_unreadable_campaign_is_refused_with_a_reason(store, db_engine):
    store_unreadable(db_engine, "old-coupon")

    evaluation = store.validate(customer("ana"), CART_100, ["OLDCODE", "HAPPY"])
    with pytest.raises(RedemptionRefused) as refused:
        store.redeem(customer("ana"), CART_100, ["OLDCODE"], order_ref="A-1")

    assert evaluation.codes["OLDCODE"].reason is Reason.OFFER_UNAVAILABLE
    assert evaluation.codes["OLDCODE"].message == "This offer can't be used right now."
    assert evaluation.codes["HAPPY"].total_discount == 1000
    assert refused.value.code == "offer_unavailable"
    assert store.list_redemptions() == []


def test_the_deals_and_the_wallet_leave_it_out(store, db_engine):
    store.create_campaign(bulk("old-sorry"))
    store.create_campaign(bulk("sorry", pattern="OK-########"))
    store.generate_codes("old-sorry", 1)
    store.generate_codes("sorry", 1)
    store.publish("old-sorry", "ana")
    store.publish("sorry", "ana")
    store_unreadable(db_engine, "old-sorry")
    store_unreadable(db_engine, "old-coupon")

    listed = {offer.campaign_id for offer in store.qualify(customer("ana"), CART_100)}
    nudges = {offer.campaign_id for offer in store.qualify(customer("ana"), CART_100, touching_cart=True)}

    assert listed == nudges == {"five-off", "old-promo", "happy", "sorry"}


def test_a_loyalty_programme_that_cannot_be_read_earns_nothing_and_blocks_no_order(store, db_engine):
    store.create_campaign({"id": "club", "name": "Club", "kind": "loyalty",
                           "loyalty": {"points_per_unit": 1, "unit": 100,
                                       "rewards": [{"name": "$5", "points": 500,
                                                    "effect": {"type": "amount_off_order", "amount": 500}}]}})
    store_unreadable(db_engine, "club", loyalty={"points": "lots"})

    result = store.redeem(customer("ana"), CART_100, order_ref="A-1")

    assert result.order.discount == 1200
    assert store.points_accounts("ana") == []


def test_the_problem_is_logged_once_and_reported_with_every_path(store, db_engine, caplog):
    store_unreadable(db_engine, "old-promo", effect=OLD_EFFECT, limits=[1])

    with caplog.at_level(logging.WARNING, logger="promo.engine"):
        store.validate(customer("ana"), CART_100)
        store.validate(None, CART_100)
    with pytest.raises(UnreadableDefinition) as unreadable:
        store.load_campaign("old-promo")
    errors = store.definition_errors(store.get_campaign("old-promo"))

    [logged] = [r.getMessage() for r in caplog.records if "old-promo" in r.getMessage()]
    assert OLD_EFFECT_PROBLEM in logged
    assert unreadable.value.code == "definition_unreadable"
    assert unreadable.value.http_status == 409
    assert [e["path"] for e in errors] == [e["path"] for e in unreadable.value.details["errors"]]
    assert {"effect.type", "limits"} <= {e["path"] for e in errors}
    assert store.definition_errors(store.get_campaign("five-off")) == []


def test_saving_a_valid_definition_brings_it_back(store, db_engine):
    store_unreadable(db_engine, "old-coupon")

    store.update_campaign("old-coupon", coupon("old-coupon", "NEWCODE", amount=900))

    evaluation = store.validate(customer("ana"), CART_100, ["NEWCODE", "OLDCODE"])
    assert evaluation.codes["NEWCODE"].total_discount == 900
    assert evaluation.codes["OLDCODE"].reason is Reason.CODE_DISABLED   # the old public code is retired as usual


def test_an_offer_can_be_withdrawn_after_its_campaign_stopped_parsing(store, db_engine):
    result = store.redeem(customer("ana"), CART_100, ["OLDCODE"], order_ref="A-1")
    [coupon_item] = [item for item in result.items if item.code == "OLDCODE"]
    store_unreadable(db_engine, "old-coupon")

    after = store.rollback(result.id, item_id=coupon_item.id, reason="price match instead")

    assert after.order.discount == result.order.discount - 900
