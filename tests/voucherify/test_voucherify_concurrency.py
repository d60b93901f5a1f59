"""Concurrent SDK clients over real HTTP, on SQLite and PostgreSQL: one order source_id retried
at once redeems once (every client gets the same redemption), and a single-use code redeemed by
many orders at once is granted once, the others refused with 400 quantity_exceeded."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from shop.web.extensions import db, promo_engine
from tests.support.promo_testing import DatabaseUnavailable, isolated_database
from tests.support.threadkit import failures, run_together
from tests.support.vkit import app_key, check_contract, dialect_app, sdk

CLIENTS = 8
ITEMS = {"ARA-ETH-YIRG": 1, "ARA-KEN-NYERI": 1}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live(request, make_app, make_live_server, tmp_path: Path):
    """(app, base URL, X-App-Id, X-App-Token) of a seeded store on the database under test."""
    if request.param == "sqlite":
        app = dialect_app(make_app)
        yield app, make_live_server(app), *app_key(app)
        check_contract(app)
        return
    try:
        with isolated_database("postgresql", tmp_path) as database:
            app = dialect_app(make_app, **database.app_config())
            yield app, make_live_server(app), *app_key(app)
            check_contract(app)
            with app.app_context():
                db.engine.dispose()
    except DatabaseUnavailable as error:
        pytest.fail(str(error), pytrace=False)


def redeem(base, app_id, token, code, source_id):
    from voucherify import models as m  # here, not at the top: see tests/support/vkit.py

    body = m.RedemptionsRedeemRequestBody(
        redeemables=[m.RedemptionsRedeemRequestBodyRedeemablesItem(object="voucher", id=code)],
        order=m.Order(source_id=source_id, items=[m.OrderItem(source_id=sku, quantity=quantity)
                                                  for sku, quantity in ITEMS.items()]))
    return sdk(base, app_id, token).redemptions.redeem_stacked_discounts(body)


def test_one_source_id_retried_at_once_redeems_once(live):
    app, base, app_id, token = live
    with app.app_context():
        before = promo_engine().get_code("HAPPY10").redeemed_count

    outcomes = run_together(CLIENTS, lambda i: redeem(base, app_id, token, "HAPPY10", "RACE-1"))

    assert failures(outcomes) == []
    assert len({outcome.parent_redemption.id for outcome in outcomes}) == 1
    with app.app_context():
        assert promo_engine().get_code("HAPPY10").redeemed_count == before + 1


def test_a_single_use_code_is_granted_once_to_concurrent_orders(live):
    import voucherify

    app, base, app_id, token = live
    with app.app_context():
        engine = promo_engine()
        engine.create_campaign({"id": "once", "name": "Once", "kind": "bulk", "codes": {"pattern": "ONCE-########"},
                                "effect": {"type": "amount_off_order", "amount": 500}, "limits": {"per_code": 1}})
        engine.generate_codes("once", 1)
        code = engine.list_codes("once").codes[0].code

    outcomes = run_together(CLIENTS, lambda i: redeem(base, app_id, token, code, f"ONCE-{i}"))

    refused = failures(outcomes)
    assert len(refused) == CLIENTS - 1
    assert all(isinstance(error, voucherify.exceptions.BadRequestException) for error in refused), refused
    assert {json.loads(error.body)["key"] for error in refused} == {"quantity_exceeded"}
    with app.app_context():
        assert promo_engine().get_code(code).redeemed_count == 1
