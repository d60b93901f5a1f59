"""The perf tests on a bare engine share the storage kit's fixtures."""
from tests.support.dbkit import clock, database, db_engine, engine  # noqa: F401 - fixtures
