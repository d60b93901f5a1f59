"""Idempotency keys: one key, one payload, one result.

The key row is inserted (ON CONFLICT DO NOTHING) in the same transaction as the work it guards
and gets the result before that transaction commits. A concurrent request with the same key
therefore either waits on the row (PostgreSQL's unique index, SQLite's write lock) and then
finds the committed result, or, if the first transaction rolled back, claims the key itself.
Failed attempts leave no key behind: retrying a refused request evaluates it again.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from promo.core.errors import Conflict, InvalidRequest

from .database import dialect_of, insert_ignoring_conflicts
from .models import IdempotencyKeyRow

MAX_KEY_LENGTH = 255
keys = IdempotencyKeyRow.__table__


def fingerprint(payload: Mapping[str, Any]) -> str:
    """A stable hash of a JSON-able request payload."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim(session: Session, key: str, operation: str, request_hash: str, now: datetime) -> dict[str, Any] | None:
    """Claim `key` for this transaction; returns the stored result when it was used before.

    Raises Conflict (code ``idempotency_key_reused``) when the key was used with another payload.
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidRequest(
            f"an idempotency key must be 1 to {MAX_KEY_LENGTH} characters long", code="invalid_idempotency_key"
        )
    inserted = session.execute(
        insert_ignoring_conflicts(keys, dialect_of(session)).returning(keys.c.key),
        {"key": key, "operation": operation, "request_hash": request_hash, "response": None, "created_at": now},
    ).first()
    if inserted is not None:
        return None
    row = session.execute(select(keys.c.operation, keys.c.request_hash, keys.c.response).where(keys.c.key == key)).one()
    if row.operation != operation or row.request_hash != request_hash:
        raise Conflict(
            "this Idempotency-Key was already used with a different request; use a new key for a new request",
            code="idempotency_key_reused",
            details={"idempotency_key": key},
        )
    if row.response is None:  # only visible inside the claiming transaction itself
        raise Conflict("a request with this Idempotency-Key is still running", code="idempotency_key_in_progress")
    return row.response


def store(session: Session, key: str, response: Mapping[str, Any]) -> None:
    session.execute(keys.update().where(keys.c.key == key).values(response=dict(response)))
