"""Persistence for the promotion engine: tables, engines and sessions (SQLAlchemy 2.x, no Flask).

``metadata`` is what Flask-SQLAlchemy and Alembic bind to; ``make_engine`` builds a configured
engine for SQLite or PostgreSQL; ``create_schema`` creates every table (tests and tools; the
app uses the Alembic migrations under migrations/).
"""
from sqlalchemy import Engine

from . import (
    attempts,  # noqa: E402,F401  (the wrong-code tallies join `metadata`)
    event_models,  # noqa: E402,F401  (the outbox, webhook and distribution tables join `metadata`)
    store_settings,  # noqa: E402,F401  (the test clock's row joins `metadata`)
)
from .database import READ_ONLY, configure_engine, make_engine, make_session_factory
from .models import (
    ApiKeyRow,
    AuditRow,
    Base,
    CampaignRow,
    CategoryRow,
    CodeRow,
    CustomerRow,
    CustomerUsageRow,
    IdempotencyKeyRow,
    OrderLineRow,
    OrderRow,
    ProductRow,
    PublicationRow,
    RedemptionItemRow,
    RedemptionRow,
    metadata,
)


def create_schema(engine: Engine) -> None:
    metadata.create_all(engine)


__all__ = [
    "ApiKeyRow", "AuditRow", "Base", "CampaignRow", "CategoryRow", "CodeRow", "CustomerRow",
    "CustomerUsageRow", "IdempotencyKeyRow", "OrderLineRow", "OrderRow", "ProductRow",
    "PublicationRow", "READ_ONLY", "RedemptionItemRow", "RedemptionRow", "configure_engine",
    "create_schema", "make_engine", "make_session_factory", "metadata",
]
