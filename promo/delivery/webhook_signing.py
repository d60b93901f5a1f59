"""How a webhook delivery proves it comes from us: Standard Webhooks (standardwebhooks.com)
signatures, plus the older Promoshop-* headers for one more release.

Every delivery carries

    webhook-id: evt_...                   the event id, the same on every retry
    webhook-timestamp: 1764110000         Unix seconds, when this attempt was signed
    webhook-signature: v1,<base64>        HMAC-SHA256(key, "<id>.<timestamp>.<body>")

and, until the release after next, the Promoshop-Signature family (``legacy_headers``).

The key. A Standard Webhooks secret is ``whsec_`` followed by the key in standard base64;
``new_secret`` makes those (32 random bytes), so any Standard Webhooks library verifies with
the secret exactly as it was shown. Endpoints made before this release have secrets that
are ``whsec_`` plus 43 URL-safe characters, which are not a base64 key (a library would
decode them to some other key and every check would fail). Their key stays the secret's own
UTF-8 bytes, the key their Promoshop-Signature has always used, so nothing changes for their
receivers; to use a Standard Webhooks library with such a secret, hand it those bytes
(``Webhook(secret.encode())``), or make a new endpoint for a standard secret. The two kinds
never mix up: a base64 key has a length divisible by 4, the old secrets are 49 characters.
docs/events.md ("Verifying deliveries") shows both.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"
KEY_BYTES = 32
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE = 300             # seconds a receiver accepts between signing and receiving

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"

# The headers of earlier releases, sent alongside until the release after next.
LEGACY_SIGNATURE_HEADER = "Promoshop-Signature"
LEGACY_TIMESTAMP_HEADER = "Promoshop-Timestamp"
LEGACY_EVENT_ID_HEADER = "Promoshop-Event-Id"
LEGACY_EVENT_TYPE_HEADER = "Promoshop-Event-Type"


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ and a random 32-byte key in standard base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def is_standard_secret(secret: str) -> bool:
    return _standard_key(secret) is not None


def _standard_key(secret: str) -> bytes | None:
    if not secret.startswith(SECRET_PREFIX):
        return None
    encoded = secret[len(SECRET_PREFIX):]
    if not encoded or len(encoded) % 4:
        return None
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None


def signing_key(secret: str) -> bytes:
    """The HMAC key of a secret: the decoded key of a standard secret, else the secret's bytes."""
    key = _standard_key(secret)
    return key if key is not None else secret.encode()


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature value: ``v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def legacy_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The Promoshop-Signature value: ``v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def signed_headers(secret: str, event_id: str, event_type: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The identifying and signature headers of one delivery attempt, standard and legacy."""
    return {
        ID_HEADER: event_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: standard_signature(secret, event_id, timestamp, body),
        LEGACY_EVENT_ID_HEADER: event_id,
        LEGACY_EVENT_TYPE_HEADER: event_type,
        LEGACY_TIMESTAMP_HEADER: str(timestamp),
        LEGACY_SIGNATURE_HEADER: legacy_signature(secret, timestamp, body),
    }


def verify_standard(secret: str, body: bytes, headers: dict[str, str], *, tolerance: float = DEFAULT_TOLERANCE,
                    now: float | None = None) -> bool:
    """What a receiver checks: one of the webhook-signature's space-separated ``v1,`` entries
    matches, and the timestamp is recent (an old request replayed fails)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    message_id, timestamp = lowered.get(ID_HEADER, ""), lowered.get(TIMESTAMP_HEADER, "")
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if not message_id or abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    expected = standard_signature(secret, message_id, sent, body)
    return any(hmac.compare_digest(expected, candidate)
               for candidate in lowered.get(SIGNATURE_HEADER, "").split(" ") if candidate)
