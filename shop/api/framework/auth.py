"""Who is calling: API keys in the ``Authorization: Bearer`` or ``X-API-Key`` header.

The keys live in the engine's ``api_keys`` table, so its migration covers them; they are stored
and read through ``Engine.api_keys`` (promo.services.api_keys). Key format, scopes and hashing
are in ``shop.api.framework.keys``.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import g, request

from promo.services.api_keys import ApiKeyRecord
from shop.api.framework.keys import PUBLIC, NewKey, PresentedKey, hashes_match, make_key, read_key, scopes_of_prefix
from shop.api.framework.problems import ApiError
from shop.web.extensions import promo_engine

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


def _info(key: ApiKeyRecord) -> ApiKeyInfo:
    return ApiKeyInfo(key.id, key.name, key.prefix, scopes_of_prefix(key.prefix), key.active, key.created_at,
                      key.last_used_at)


def create_api_key(name: str, scopes: tuple[str, ...], *, actor: str | None = None) -> tuple[ApiKeyInfo, str]:
    """Store a new key; returns its info and the plaintext, which is never stored or shown again.

    With an `actor` (the CLI passes "cli") the audit log gets an ``api_key.create`` row in the
    same transaction: the prefix, name and scopes, never the key. The console writes its own row."""
    new: NewKey = make_key(scopes)
    stored = promo_engine().api_keys.create(name, new.prefix, new.key_hash, scopes=scopes_of_prefix(new.prefix), actor=actor)
    return _info(stored), new.plaintext


def list_api_keys() -> list[ApiKeyInfo]:
    return [_info(key) for key in promo_engine().api_keys.list_keys()]


def revoke_api_key(prefix: str, *, actor: str | None = None) -> ApiKeyInfo | None:
    """Deactivate the key whose prefix (``psk_rw_3f9a0c1e``) is given; None if there is none.

    With an `actor` the audit log gets an ``api_key.revoke`` row in the same transaction when the
    key was active (revoking a revoked key changes nothing)."""
    revoked = promo_engine().api_keys.revoke(prefix, actor=actor)
    return _info(revoked) if revoked is not None else None


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
    stored = promo_engine().api_keys.by_hash(key.key_hash)
    if stored is None or not stored.active or stored.prefix != key.prefix or not hashes_match(key, stored.key_hash):
        return None
    return _info(stored)


def _note_use(info: ApiKeyInfo) -> None:
    now = datetime.now(UTC)
    if info.last_used_at is not None and now - info.last_used_at < LAST_USED_RESOLUTION:
        return
    promo_engine().api_keys.note_use(info.id, now)
