"""Who is calling: API keys in the ``Authorization: Bearer`` or ``X-API-Key`` header.

The rows live in promo.storage's ``api_keys`` table (``ApiKeyRow``), so the engine's migration
covers them; key format and hashing are in ``shop.api.framework.keys``.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import g, request
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from promo.services import audit_trail as audit
from promo.services.read_models import READ_ONLY, ApiKeyRow
from shop.api.framework.keys import PUBLIC, NewKey, PresentedKey, hashes_match, make_key, read_key, scopes_of_prefix
from shop.api.framework.problems import ApiError
from shop.web.extensions import db

# Recording every use would make each API call a write; once in a while is enough to tell
# live keys from forgotten ones.
LAST_USED_RESOLUTION = timedelta(minutes=10)
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="promoshop API"'}


@dataclass(frozen=True)
class ApiKeyInfo:
    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    active: bool
    created_at: datetime
    last_used_at: datetime | None


@contextmanager
def _session(*, read_only: bool) -> Iterator[Session]:
    with Session(db.engine, expire_on_commit=False) as session:
        if read_only:
            session.connection(execution_options=READ_ONLY)
        yield session


def _info(row: ApiKeyRow) -> ApiKeyInfo:
    return ApiKeyInfo(row.id, row.name, row.prefix, scopes_of_prefix(row.prefix), row.active, row.created_at,
                      row.last_used_at)


def create_api_key(name: str, scopes: tuple[str, ...], *, actor: str | None = None) -> tuple[ApiKeyInfo, str]:
    """Store a new key; returns its info and the plaintext, which is never stored or shown again.

    With an `actor` (the CLI passes "cli") the audit log gets an ``api_key.create`` row in the
    same transaction: the prefix, name and scopes, never the key. The console writes its own row."""
    new: NewKey = make_key(scopes)
    with _session(read_only=False) as session, session.begin():
        now = datetime.now(UTC)
        row = ApiKeyRow(name=name, prefix=new.prefix, key_hash=new.key_hash, active=True, created_at=now)
        session.add(row)
        session.flush()
        if actor is not None:
            audit.record(session, at=now, actor=actor, action="api_key.create", object_type="api_key",
                         object_id=row.prefix, after={"name": row.name, "scopes": list(scopes_of_prefix(row.prefix))})
        return _info(row), new.plaintext


def list_api_keys() -> list[ApiKeyInfo]:
    with _session(read_only=True) as session:
        return [_info(row) for row in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]


def revoke_api_key(prefix: str, *, actor: str | None = None) -> ApiKeyInfo | None:
    """Deactivate the key whose prefix (``psk_rw_3f9a0c1e``) is given; None if there is none.

    With an `actor` the audit log gets an ``api_key.revoke`` row in the same transaction when the
    key was active (revoking a revoked key changes nothing)."""
    with _session(read_only=False) as session, session.begin():
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
        return _info(row)


def presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("X-API-Key", "").strip() or None


def authenticate(scope: str) -> ApiKeyInfo | None:
    """Check the request's key and that it grants ``scope``; raises ApiError 401/403.

    The key is kept on ``flask.g.api_key`` for the view (e.g. to name the actor in the audit log).
    """
    if scope == PUBLIC:
        return None
    raw = presented_key()
    if raw is None:
        raise ApiError(401, "unauthorized",
                       "This endpoint needs an API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.",
                       headers=_CHALLENGE)
    return check_key(raw, scope)


def check_key(raw: str, scope: str, *, prefix: str | None = None) -> ApiKeyInfo:
    """The active key `raw` if it grants `scope` (and, when given, has this public `prefix`);
    raises ApiError 401/403 otherwise. Kept on ``flask.g.api_key`` for the view.

    The Voucherify dialect (shop/voucherify) calls it with its own headers: X-App-Token as the
    key and X-App-Id as the prefix."""
    key = read_key(raw)
    info = _find_active(key) if key is not None else None
    if key is None or info is None or (prefix is not None and not hmac.compare_digest(prefix, key.prefix)):
        raise ApiError(401, "invalid_api_key", "The API key is not valid, or it has been revoked.", headers=_CHALLENGE)
    if scope not in key.scopes:
        raise ApiError(403, "insufficient_scope", f"This API key does not have the '{scope}' scope this operation needs.",
                       {"required_scope": scope, "key_scopes": sorted(key.scopes)})
    g.api_key = info
    _note_use(info)
    return info


def actor() -> str:
    """How the audit log names whoever made this request."""
    info: ApiKeyInfo | None = g.get("api_key")
    return f"api:{info.prefix} ({info.name})" if info else "api"


def _find_active(key: PresentedKey) -> ApiKeyInfo | None:
    with _session(read_only=True) as session:
        row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == key.key_hash))
        if row is None or not row.active or row.prefix != key.prefix or not hashes_match(key, row.key_hash):
            return None
        return _info(row)


def _note_use(info: ApiKeyInfo) -> None:
    now = datetime.now(UTC)
    if info.last_used_at is not None and now - info.last_used_at < LAST_USED_RESOLUTION:
        return
    with _session(read_only=False) as session, session.begin():
        session.execute(update(ApiKeyRow).where(ApiKeyRow.id == info.id).values(last_used_at=now))
