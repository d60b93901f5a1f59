"""A bulk code's own validity (codes: {valid_days: N}): its end is fixed when it is published,
and validating or redeeming it after that end is refused as expired."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from promo.core.errors import Conflict, NotFound, RedemptionRefused
from promo.core.reasons import Reason
from promo.core.records import OfferSource, OfferStatus
from promo.delivery.events import list_events
from tests.support.storagekit import CART_40, bulk, customer

NEW_YORK = ZoneInfo("America/New_York")    # the test engine's store zone
PUBLISHED = datetime(2026, 11, 25, 10, 30, tzinfo=NEW_YORK)
END = datetime(2026, 12, 3, 0, 0, tzinfo=NEW_YORK)   # valid through Dec 2
WEEK_CODES = {"pattern": "BDAY-######", "valid_days": 7}


def birthday_campaign(codes: dict = WEEK_CODES) -> dict:
    return bulk("birthday", codes=codes, amount=1000, limits={"per_code": 1})


@pytest.fixture
def birthday(engine, clock):
    engine.create_campaign(birthday_campaign())
    engine.generate_codes("birthday", 3)
    engine.upsert_customer(customer("bea"))
    clock.set(PUBLISHED)
    return engine


def test_a_published_code_is_valid_through_the_seventh_day(birthday, clock):
    publication = birthday.publish("birthday", "bea", source_id="birthday-bea")

    assert publication.expires_at == END
    assert birthday.get_code(publication.code).expires_at == END
    assert birthday.publish("birthday", "bea", source_id="birthday-bea").expires_at == END   # the same publication
    assert [p.expires_at for p in birthday.list_publications("bea")] == [END]

    clock.set(datetime(2026, 12, 2, 23, 59, tzinfo=NEW_YORK))      # the last minute of the last day
    assert birthday.validate("bea", CART_40, [publication.code]).discount == 1000
    assert birthday.redeem("bea", CART_40, [publication.code], order_ref="A-1").discount == 1000


def test_eight_days_later_validate_and_redeem_say_the_code_expired(birthday, clock):
    code = birthday.publish("birthday", "bea", source_id="birthday-bea").code
    clock.set(datetime(2026, 12, 3, 10, 30, tzinfo=NEW_YORK))

    result = birthday.validate("bea", CART_40, [code]).codes[code]
    assert (result.reason, result.message) == (Reason.EXPIRED, "This code expired on Dec 2, 2026.")
    with pytest.raises(RedemptionRefused) as refused:
        birthday.redeem("bea", CART_40, [code], order_ref="A-1")
    assert refused.value.code == "expired"
    assert refused.value.details == {"codes": {code: {"reason": "expired", "message": "This code expired on Dec 2, 2026."}}}
    assert birthday.get_code(code).redeemed_count == 0
    assert birthday.list_redemptions(customer_id="bea") == []


def test_the_wallet_lists_the_code_with_its_end_and_then_as_expired(birthday, clock):
    code = birthday.publish("birthday", "bea", source_id="birthday-bea").code

    def wallet_offer():
        return next(o for o in birthday.qualify("bea", CART_40) if o.source is OfferSource.WALLET)

    before = wallet_offer()
    assert (before.code, before.status, before.expires_at) == (code, OfferStatus.ELIGIBLE, END)
    clock.set(END)
    after = wallet_offer()
    assert (after.status, after.reason, after.expires_at) == (OfferStatus.NOT_ELIGIBLE, Reason.EXPIRED, END)


def test_editing_valid_days_changes_only_codes_published_afterwards(birthday, clock):
    first = birthday.publish("birthday", "bea", source_id="first")
    birthday.update_campaign("birthday", birthday_campaign({"pattern": "BDAY-######", "valid_days": 30}))
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=NEW_YORK))
    second = birthday.publish("birthday", "bea", source_id="second")

    assert birthday.get_code(first.code).expires_at == END
    assert second.expires_at == datetime(2026, 12, 27, 0, 0, tzinfo=NEW_YORK)   # Nov 26 + 30 days, through Dec 26
    unpublished = [c for c in birthday.list_codes("birthday").codes if c.holder_id is None]
    assert len(unpublished) == 1 and unpublished[0].expires_at is None


def test_codes_without_valid_days_never_expire_on_their_own(engine, clock):
    engine.create_campaign(bulk("sorry", limits={"per_code": 1}))
    engine.generate_codes("sorry", 1)
    engine.upsert_customer(customer("ana"))
    publication = engine.publish("sorry", "ana", source_id="ticket-1")

    clock.set(datetime(2030, 1, 1, tzinfo=NEW_YORK))
    assert publication.expires_at is None
    assert engine.validate("ana", CART_40, [publication.code]).discount == 1000


# ---- renewing a publication: an unused code gets the end a publication on another day would get


RENEWED = datetime(2026, 12, 5, 9, 0, tzinfo=NEW_YORK)
RENEWED_END = datetime(2026, 12, 13, 0, 0, tzinfo=NEW_YORK)   # valid through Dec 12


def test_renewing_an_unused_code_moves_its_end_to_what_publishing_now_would_give(birthday, clock):
    publication = birthday.publish("birthday", "bea", source_id="birthday-bea")
    clock.set(RENEWED)

    renewed = birthday.renew_publication(publication.id, actor="scenario")

    assert (renewed.id, renewed.code, renewed.created_at, renewed.expires_at) == (
        publication.id, publication.code, publication.created_at, RENEWED_END)
    assert birthday.get_code(publication.code).expires_at == RENEWED_END
    assert [p.expires_at for p in birthday.list_publications("bea")] == [RENEWED_END]
    entry = birthday.audit_log(object_id=publication.code)[0]
    assert (entry.action, entry.actor) == ("code.renew", "scenario")
    assert datetime.fromisoformat(entry.before["expires_at"]) == END
    assert datetime.fromisoformat(entry.after["expires_at"]) == RENEWED_END
    assert entry.after["publication_id"] == publication.id
    event = list_events(birthday, pattern="publication.renewed").events[0]
    assert (event.customer_id, datetime.fromisoformat(event.payload["publication"]["expires_at"])) == ("bea", RENEWED_END)
    assert datetime.fromisoformat(event.payload["previous_expires_at"]) == END

    clock.set(datetime(2026, 12, 12, 23, 59, tzinfo=NEW_YORK))     # past the first end, within the new one
    assert birthday.redeem("bea", CART_40, [publication.code], order_ref="A-1").discount == 1000


def test_renewing_as_of_a_day_ignores_the_clock_and_a_second_time_changes_nothing(birthday, clock):
    publication = birthday.publish("birthday", "bea", source_id="birthday-bea")

    first = birthday.renew_publication(publication.id, as_of=RENEWED)
    audit_entries = len(birthday.audit_log())
    again = birthday.renew_publication(publication.id, as_of=RENEWED.replace(hour=20))

    assert first.expires_at == again.expires_at == RENEWED_END
    assert len(birthday.audit_log()) == audit_entries
    assert len(list_events(birthday, pattern="publication.renewed").events) == 1


def test_a_used_code_keeps_its_end(birthday, clock):
    publication = birthday.publish("birthday", "bea", source_id="birthday-bea")
    birthday.redeem("bea", CART_40, [publication.code], order_ref="A-1")

    with pytest.raises(Conflict) as refused:
        birthday.renew_publication(publication.id, as_of=RENEWED)

    assert refused.value.code == "code_used"
    assert birthday.get_code(publication.code).expires_at == END


def test_codes_without_an_end_of_their_own_have_nothing_to_renew(engine, clock):
    engine.create_campaign(bulk("sorry", limits={"per_code": 1}))
    engine.generate_codes("sorry", 1)
    engine.upsert_customer(customer("ana"))
    publication = engine.publish("sorry", "ana", source_id="ticket-1")

    assert engine.renew_publication(publication.id, as_of=RENEWED).expires_at is None
    assert engine.audit_log()[0].action == "code.publish"
    with pytest.raises(NotFound):
        engine.renew_publication(publication.id + 1000)
