"""Distribution rules, the outbox and webhooks, each test run on SQLite AND PostgreSQL:
`database`, `db_engine` and `clock` come from tests/dbkit.py (shared with tests/storage).

`engine` is dbkit's engine allowed to deliver to 127.0.0.1, where the tests' receivers listen
(receiver.py): the operator setting PROMOSHOP_WEBHOOK_ALLOWED_HOSTS does the same for a
demo's local receiver. Everything else stays refused (tests/events/test_webhook_targets.py)."""
import pytest

from promo.delivery.webhook_targets import TargetPolicy
from promo.engine import Engine
from promo.storage import make_session_factory
from tests.support.dbkit import STORE_TIMEZONE, clock, database, db_engine  # noqa: F401 - fixtures

LOCAL_RECEIVERS = TargetPolicy.from_setting("127.0.0.1")


@pytest.fixture
def engine(db_engine, clock) -> Engine:  # noqa: F811 - replaces dbkit's engine for these tests
    engine = Engine(make_session_factory(db_engine), timezone=STORE_TIMEZONE, currency="USD", clock=clock)
    engine.webhook_targets = LOCAL_RECEIVERS
    return engine
