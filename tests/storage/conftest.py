"""The storage tests run each test on SQLite AND PostgreSQL: `database`, `db_engine`, `clock`
and `engine` come from tests/dbkit.py (shared with tests/events)."""
from tests.support.dbkit import clock, database, db_engine, engine  # noqa: F401 - fixtures
