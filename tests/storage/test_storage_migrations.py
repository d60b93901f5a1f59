"""The Alembic migrations build exactly the tables promo.storage declares, on both databases."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app import create_app
from promo.storage import metadata
from shop.web.extensions import db, promo_engine
from tests.support.storagekit import CART_40, coupon, customer


def make_app(database, tmp_path, **overrides):
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        **database.app_config(),
        **overrides,
    })


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


@pytest.mark.slow
def test_flask_db_upgrade_creates_exactly_the_models(database, tmp_path):
    app = make_app(database, tmp_path, DATABASE_AUTO_UPGRADE=False)
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []

    result = app.test_cli_runner().invoke(args=["db", "upgrade"])

    assert result.exit_code == 0, result.output
    assert schema_differences(app) == []
    with app.app_context():
        assert set(inspect(db.engine).get_table_names()) == set(metadata.tables) | {"alembic_version"}


def test_embedded_sqlite_is_upgraded_at_start_postgresql_only_when_asked(database, tmp_path):
    default = make_app(database, tmp_path, DATABASE_AUTO_UPGRADE=None)
    with default.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert tables == (set(metadata.tables) | {"alembic_version"} if database.kind == "sqlite" else set())


def test_app_upgrades_an_empty_database_at_start_and_serves_its_engine(database, tmp_path):
    app = make_app(database, tmp_path, DATABASE_AUTO_UPGRADE=True)
    assert schema_differences(app) == []
    # Starting again on an up-to-date database changes nothing.
    again = make_app(database, tmp_path)

    engine = promo_engine(again)
    engine.create_campaign(coupon("happy", "HAPPY10", amount=1000))
    assert engine.redeem(customer("ana"), CART_40, ["HAPPY10"], order_ref="A-1").discount == 1000
    assert engine.timezone == again.config["STORE_TIMEZONE"]
    assert promo_engine(again) is engine
