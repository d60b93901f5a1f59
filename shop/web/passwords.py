"""Password hashes for customers and console users: werkzeug's scrypt unless the app's config
names another method (tests use a cheap pbkdf2; see tests/conftest.py).

    hash_password("secret", "CUSTOMER_PASSWORD_HASH_METHOD")
    check_password(stored_or_None, "secret", "CUSTOMER_PASSWORD_HASH_METHOD")

A check without a stored hash (an unknown email) is made against a dummy hash of the same
method, so it takes as long as a wrong password and the answer time does not tell which
emails have accounts. The dummy is made on first use, not when the module is imported: every
process that imports the app (gunicorn workers, CLI commands) would pay for one otherwise.
"""
from __future__ import annotations

import secrets
import threading

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

DEFAULT_HASH_METHOD = "scrypt"
# Config keys naming another method: a deployment may tune scrypt's cost, tests make it cheap.
PASSWORD_HASH_METHOD_KEYS = ("CUSTOMER_PASSWORD_HASH_METHOD", "CONSOLE_PASSWORD_HASH_METHOD")
_dummies: dict[str, str] = {}
_dummies_lock = threading.Lock()


def hash_method(config_key: str) -> str:
    return current_app.config.get(config_key) or DEFAULT_HASH_METHOD


def check_hash_method(config_key: str, method: str) -> None:
    """Refuse at start-up a method werkzeug cannot hash with, instead of at the first sign-up."""
    try:
        generate_password_hash("start-up check", method=method)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{config_key} {method!r} is not a password hash method werkzeug knows "
                         f"(e.g. 'scrypt' or 'pbkdf2:sha256:600000'): {error}") from None


def hash_password(password: str, config_key: str) -> str:
    return generate_password_hash(password, method=hash_method(config_key))


def check_password(password_hash: str | None, password: str, config_key: str) -> bool:
    """Whether `password` matches `password_hash`; with no hash, a check as costly that fails."""
    if not password_hash:
        check_password_hash(_dummy_hash(hash_method(config_key)), password)
        return False
    return check_password_hash(password_hash, password)


def _dummy_hash(method: str) -> str:
    with _dummies_lock:
        if method not in _dummies:
            _dummies[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
        return _dummies[method]
