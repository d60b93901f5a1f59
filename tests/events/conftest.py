"""Distribution rules, the outbox and webhooks, each test run on SQLite AND PostgreSQL:
`database`, `db_engine`, `clock` and `engine` come from tests/dbkit.py (shared with tests/storage)."""
from tests.support.dbkit import clock, database, db_engine, engine  # noqa: F401 - fixtures
