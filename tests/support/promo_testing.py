"""Throwaway databases for tests: a SQLite file, or a fresh schema in the test PostgreSQL.

    with isolated_database("postgresql", tmp_path) as db:
        engine = db.make_engine()                   # search_path points at the fresh schema
        app = create_app({**db.app_config(), ...})  # the same, for Flask-SQLAlchemy

PostgreSQL comes from TEST_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
Each use creates schema test_<random>, and drops it afterwards, so tests never see each
other's rows. An unreachable PostgreSQL raises DatabaseUnavailable with what to do, rather
than letting the caller skip silently.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from promo.storage.database import make_engine

POSTGRES_URL_ENV = "TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
KINDS = ("sqlite", "postgresql")


class DatabaseUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class IsolatedDatabase:
    kind: str
    url: str
    engine_options: dict[str, Any] = field(default_factory=dict)
    schema: str | None = None

    def make_engine(self, **options: Any) -> Engine:
        return make_engine(self.url, **{**self.engine_options, **options})

    def app_config(self) -> dict[str, Any]:
        """Config keys that point a promoshop app (Flask-SQLAlchemy) at this database and have
        it create the schema at start-up, on PostgreSQL too."""
        return {
            "SQLALCHEMY_DATABASE_URI": self.url,
            "SQLALCHEMY_ENGINE_OPTIONS": dict(self.engine_options),
            "DATABASE_AUTO_UPGRADE": True,
        }


def postgres_url() -> str:
    return os.environ.get(POSTGRES_URL_ENV) or DEFAULT_POSTGRES_URL


@contextmanager
def isolated_database(kind: str, directory: Path) -> Iterator[IsolatedDatabase]:
    if kind == "sqlite":
        yield IsolatedDatabase("sqlite", f"sqlite:///{Path(directory) / 'promo-test.db'}")
        return
    if kind != "postgresql":
        raise ValueError(f"unknown database kind {kind!r}; expected one of {KINDS}")
    url = postgres_url()
    schema = f"test_{secrets.token_hex(6)}"
    admin = make_engine(url, poolclass=NullPool)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        admin.dispose()
        raise DatabaseUnavailable(
            f"PostgreSQL at {url} is not reachable ({error.orig}). The storage tests run on SQLite "
            f"and PostgreSQL: start it (scripts/test does) or point {POSTGRES_URL_ENV} at one."
        ) from None
    # A throwaway schema need not survive a server crash: commits skip the wait for the disk
    # flush, which changes neither locking nor what other connections see.
    try:
        yield IsolatedDatabase(
            "postgresql", url, {"connect_args": {"options": f"-csearch_path={schema} -csynchronous_commit=off"}}, schema
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
