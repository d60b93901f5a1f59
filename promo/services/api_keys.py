"""The API keys' table: keys stored as a hash, their use noted, their changes audited.

The key format, its scopes and hashing belong to the web API (shop/api/framework/keys.py);
this module only stores what it is given and hands back plain records. Times here are the
wall clock (when a key was made or last used), not the store clock tests may move.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from promo.services.unit_of_work import UnitOfWork
from promo.storage import audit
from promo.storage.models import ApiKeyRow


@dataclass(frozen=True)
class ApiKeyRecord:
    id: int
    name: str
    prefix: str
    active: bool
    created_at: datetime
    last_used_at: datetime | None
    key_hash: str = field(repr=False)


def _record(row: ApiKeyRow) -> ApiKeyRecord:
    return ApiKeyRecord(row.id, row.name, row.prefix, row.active, row.created_at, row.last_used_at, row.key_hash)


class ApiKeys:
    def __init__(self, work: UnitOfWork):
        self.work = work

    def create(self, name: str, prefix: str, key_hash: str, *, scopes: Sequence[str],
               actor: str | None = None) -> ApiKeyRecord:
        """Store a new active key. With an `actor` the audit log gets an ``api_key.create`` row in
        the same transaction: the prefix, name and scopes, never the key."""
        def work(session: Session) -> ApiKeyRecord:
            now = datetime.now(UTC)
            row = ApiKeyRow(name=name, prefix=prefix, key_hash=key_hash, active=True, created_at=now)
            session.add(row)
            session.flush()
            if actor is not None:
                audit.record(session, at=now, actor=actor, action="api_key.create", object_type="api_key",
                             object_id=row.prefix, after={"name": row.name, "scopes": list(scopes)})
            return _record(row)

        return self.work.write(work)

    def list_keys(self) -> list[ApiKeyRecord]:
        with self.work.read() as session:
            return [_record(row) for row in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]

    def revoke(self, prefix: str, *, actor: str | None = None) -> ApiKeyRecord | None:
        """Deactivate the key with this prefix; None if there is none. With an `actor` the audit
        log gets an ``api_key.revoke`` row when the key was active (revoking twice changes nothing)."""
        def work(session: Session) -> ApiKeyRecord | None:
            row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.prefix == prefix))
            if row is None:
                return None
            was_active = row.active
            row.active = False
            session.flush()
            if actor is not None and was_active:
                audit.record(session, at=datetime.now(UTC), actor=actor, action="api_key.revoke", object_type="api_key",
                             object_id=row.prefix, before={"name": row.name, "active": True},
                             after={"name": row.name, "active": False})
            return _record(row)

        return self.work.write(work)

    def by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        """The key stored under this hash, active or not."""
        with self.work.read() as session:
            row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash))
            return _record(row) if row is not None else None

    def note_use(self, key_id: int, at: datetime) -> None:
        self.work.write(lambda session: session.execute(
            update(ApiKeyRow).where(ApiKeyRow.id == key_id).values(last_used_at=at)))
