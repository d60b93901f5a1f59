"""Wrong codes are audited in aggregate: each adds 1 to one row per (UTC day, source), from the
storefront's code fields and from the API's validations and redemptions, on SQLite and
PostgreSQL; the audit log gets no row per guess. Someone else's code counts as wrong, as it
answers (docs/reliability.md, "Audit")."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from promo.storage import attempts, create_schema
from promo.storage.models import AuditRow
from shop.web.extensions import db, promo_engine
from tests.support.apikit import BEANS_40, make_keys
from tests.support.dbkit import POOL
from tests.support.promo_testing import KINDS, DatabaseUnavailable, isolated_database
from tests.support.threadkit import failures, run_together
from tests.support.webkit import as_persona, seeded

GOOD_CODE = "HAPPY10"


@pytest.fixture(params=KINDS)
def store(request, make_app, tmp_path: Path):
    """The demo store on SQLite or on a fresh PostgreSQL schema, rate limits off (every wrong
    code is evaluated, so every one must be counted)."""
    try:
        with isolated_database(request.param, tmp_path) as database:
            app = seeded(make_app(DEMO_MODE=True, **database.app_config()))
            yield app
            with app.app_context():
                db.engine.dispose()
    except DatabaseUnavailable as error:
        pytest.fail(str(error), pytrace=False)


def tallies(app) -> dict[str, int]:
    with app.app_context(), Session(db.engine) as session:
        return {t.source: t.wrong_codes for t in attempts.wrong_code_tallies(session)}


def audit_rows(app) -> int:
    with app.app_context(), Session(db.engine) as session:
        return session.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.action.like("code%")))


def held_code(app, customer_id: str) -> str:
    with app.app_context():
        return next(c.code for c in promo_engine(app).customer_codes(customer_id) if c.code.startswith("SORRY-"))


@pytest.mark.slow
def test_wrong_codes_in_the_storefront_add_up_in_one_row_a_day(store):
    before = audit_rows(store)
    shopper = store.test_client()
    as_persona(shopper, "birthday")
    shopper.post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "2"})
    for attempt in range(25):
        assert shopper.post("/cart/codes", data={"code": f"GUESS{attempt:03d}"}).status_code == 422
    assert shopper.post("/checkout/codes", data={"code": "GUESS-AT-CHECKOUT"}).status_code == 422
    # Another customer's code is, to this shopper, a code that does not exist: it counts.
    assert shopper.post("/cart/codes", data={"code": held_code(store, "vip")}).status_code == 422
    assert shopper.post("/cart/codes", data={"code": GOOD_CODE}).status_code in (200, 303)

    assert tallies(store) == {"storefront": 27}
    with store.app_context(), Session(db.engine) as session:
        (row,) = attempts.wrong_code_tallies(session)
    # The store's clock decides the day (the store here is frozen on Nov 25), as for every record.
    assert row.day == promo_engine(store).now().astimezone(UTC).date() and row.first_at <= row.last_at
    assert audit_rows(store) == before          # no audit row per guess


def test_wrong_codes_sent_to_the_api_are_counted_per_key(store):
    keys = make_keys(store)
    client = store.test_client()

    def call(path, key, codes, **headers):
        return client.post(f"/api/v1/{path}", json={"customer": {"id": "birthday"}, "order": BEANS_40, "codes": codes},
                           headers={"Authorization": f"Bearer {key}", **headers})

    validated = call("validations", keys["read"], ["NOPE-1", "NOPE-2", GOOD_CODE, held_code(store, "vip")])
    assert validated.status_code == 200
    refused = call("redemptions", keys["redeem"], ["NOPE-3"], **{"Idempotency-Key": "wrong-1"})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "code_not_found"
    # A code that exists is not a wrong code, whether or not it applies to this order.
    assert call("validations", keys["read"], [GOOD_CODE]).status_code == 200

    counted = tallies(store)
    assert "storefront" not in counted
    assert sum(counted.values()) == 4
    read_source = next(source for source in counted if counted[source] == 3)
    redeem_source = next(source for source in counted if counted[source] == 1)
    assert read_source.startswith("api:psk_") and redeem_source.startswith("api:psk_") and read_source != redeem_source
    with store.app_context():
        from shop.api.framework.auth import list_api_keys

        by_prefix = {info.prefix: info.name for info in list_api_keys()}
    assert by_prefix[read_source.removeprefix("api:")] == "read test key"
    assert by_prefix[redeem_source.removeprefix("api:")] == "redeem test key"


@pytest.fixture(params=KINDS)
def db_engine(request, tmp_path: Path):
    try:
        with isolated_database(request.param, tmp_path) as database:
            engine = database.make_engine(**POOL)
            create_schema(engine)
            yield engine
            engine.dispose()
    except DatabaseUnavailable as error:
        pytest.fail(str(error), pytrace=False)


def test_concurrent_wrong_codes_are_all_counted_and_days_are_apart(db_engine):
    """8 threads × 25 wrong codes at once, each in its own transaction: the one row says 200."""
    now = datetime(2026, 11, 25, 23, 59, tzinfo=UTC)

    def guess(_: int) -> None:
        for _ in range(25):
            with Session(db_engine) as session, session.begin():
                attempts.count_wrong_codes(session, attempts.STOREFRONT, at=now)

    assert failures(run_together(8, guess)) == []
    with Session(db_engine) as session, session.begin():
        attempts.count_wrong_codes(session, attempts.STOREFRONT, at=now + timedelta(minutes=2), count=3)
        attempts.count_wrong_codes(session, attempts.api_source("psk_abc"), at=now, count=2)
    with Session(db_engine) as session:
        rows = attempts.wrong_code_tallies(session)
    assert [(r.day.isoformat(), r.source, r.wrong_codes) for r in rows] == [
        ("2026-11-26", "storefront", 3),
        ("2026-11-25", "api:psk_abc", 2),
        ("2026-11-25", "storefront", 200),
    ]
