"""HMAC signatures over banner parameters, so only the app can decide what a banner says."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping


def canonical_encoding(params: Mapping[str, str]) -> bytes:
    """One byte string per parameter set: JSON with sorted keys, so order and spacing never
    matter and no key/value boundary is ambiguous."""
    for key, value in params.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"banner parameters are str -> str, got {key!r}: {value!r}")
    return json.dumps(dict(sorted(params.items())), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def _digest(params: Mapping[str, str], secret: bytes) -> bytes:
    if not secret:
        raise ValueError("signing banners needs a non-empty secret")
    return hmac.new(secret, canonical_encoding(params), hashlib.sha256).digest()


def sign_params(params: Mapping[str, str], secret: bytes) -> str:
    """URL-safe base64 (no padding) HMAC-SHA256 of the canonical encoding."""
    return base64.urlsafe_b64encode(_digest(params, secret)).rstrip(b"=").decode("ascii")


def verify(params: Mapping[str, str], signature: object, secret: bytes) -> bool:
    """Constant-time check that `signature` was made by sign_params(params, secret)."""
    if not isinstance(signature, str):
        return False
    try:
        given = signature.encode("ascii")
        expected = sign_params(params, secret).encode("ascii")
    except (UnicodeEncodeError, TypeError):
        return False
    return hmac.compare_digest(given, expected)
