"""Engines, sessions and the few dialect differences promo relies on.

SQLite is the embedded default and PostgreSQL the scale path; the same code runs on both:

* SQLite: WAL journal (readers never block the writer), a busy timeout, foreign keys on, and
  SQLAlchemy emits BEGIN itself (the pysqlite recipe in SQLAlchemy's SQLite docs,
  "Enabling Non-Legacy SQLite Transactional Modes"). Transactions start with BEGIN IMMEDIATE,
  taking the write lock up front, so concurrent writers queue on the busy timeout instead of
  failing halfway with "database is locked". Read-only work opts out with
  ``session.connection(execution_options=READ_ONLY)`` and starts a plain deferred BEGIN.
* PostgreSQL: READ COMMITTED; every cap is enforced by a conditional UPDATE
  (``... WHERE n < :cap``) whose row lock makes concurrent writers re-check the condition.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Execution option that marks a session's transaction as read-only (deferred BEGIN on SQLite).
READ_ONLY_OPTION = "promo_read_only"
READ_ONLY = {READ_ONLY_OPTION: True}


def configure_engine(engine: Engine) -> Engine:
    """Apply promo's connection settings to an engine made elsewhere (e.g. by Flask-SQLAlchemy).

    Call it before the engine opens its first connection. Idempotent.
    """
    if engine.dialect.name != "sqlite" or getattr(engine, "_promo_configured", False):
        return engine
    engine._promo_configured = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand BEGIN over to SQLAlchemy (see _on_begin); sqlite3 still issues COMMIT/ROLLBACK.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if _is_file_database(engine):
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _is_file_database(engine: Engine) -> bool:
    database = engine.url.database
    return bool(database) and database != ":memory:" and not database.startswith("file::memory:")


def make_engine(url: str, **options: Any) -> Engine:
    """create_engine plus configure_engine. PostgreSQL URLs should name the psycopg driver."""
    if url.startswith("sqlite"):
        connect_args = dict(options.pop("connect_args", {}))
        # The busy timeout is set per connection by configure_engine; sqlite3's own wait
        # (timeout=) would otherwise apply first with its 5 s default.
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        connect_args.setdefault("check_same_thread", False)
        options["connect_args"] = connect_args
    else:
        options.setdefault("pool_pre_ping", True)
    return configure_engine(create_engine(url, **options))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Results handed out of a transaction stay readable after commit.
    return sessionmaker(bind=engine, expire_on_commit=False)


def insert_ignoring_conflicts(table: Any, dialect_name: str, index_elements: Iterable[str] | None = None):
    """INSERT ... ON CONFLICT DO NOTHING for the session's dialect (SQLite and PostgreSQL).

    `table`: a Table or a mapped class's ``__table__`` (typed as a plain FromClause)."""
    return dialect_insert(table, dialect_name).on_conflict_do_nothing(index_elements=list(index_elements or []) or None)


def dialect_insert(table: Any, dialect_name: str):
    """The dialect's INSERT (SQLite and PostgreSQL), which has ``on_conflict_do_nothing`` and
    ``on_conflict_do_update``."""
    if dialect_name == "postgresql":
        return postgresql.insert(table)
    if dialect_name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"promo supports SQLite and PostgreSQL, not {dialect_name}")


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def for_update(statement: Any, session: Session) -> Any:
    """SELECT ... FOR UPDATE where the database has row locks (SQLite locks the whole file)."""
    return statement.with_for_update() if dialect_of(session) == "postgresql" else statement


def starts_with(column: Any, prefix: str) -> Any:
    """``column LIKE 'prefix%'`` with the prefix's own % and _ taken literally."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(escaped + "%", escape="\\")
