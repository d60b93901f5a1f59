"""Browser-facing security: response headers, production cookie flags and the secret-key guard.

The CSP allows scripts and styles only from our own origin, so a template must never carry an
inline ``<script>``, a ``style=""`` attribute or an ``on...=`` handler (htmx's own indicator
``<style>`` is switched off in base.html's htmx-config and lives in app.css instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from promo.services import checkpoints as faults

PRODUCTION_ENV_VAR = "PROMOSHOP_ENV"
PRODUCTION = "production"

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "img-src 'self' data:",
    "script-src 'self'",
    "style-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
))

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

PRODUCTION_COOKIE_SETTINGS = {
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
}


class InsecureConfiguration(RuntimeError):
    """Production settings that must be fixed before the app may start."""


def is_production(config: Mapping[str, Any]) -> bool:
    return str(config.get("ENV_NAME") or "").strip().lower() == PRODUCTION


def harden_config(config: dict[str, Any], default_secret_key: str) -> None:
    """Cookies HttpOnly + SameSite=Lax always; Secure too in production. Production refuses the
    development secret key (anyone could forge sessions and CSRF tokens with it) and the crash
    tests' fault injection hook (tests/support/promo_faults.py), which must only ever run in tests."""
    config["SESSION_COOKIE_HTTPONLY"] = True
    if not config.get("SESSION_COOKIE_SAMESITE"):   # Flask's default is None (no attribute)
        config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if not is_production(config):
        return
    if faults.requested():
        raise InsecureConfiguration(
            f"{faults.ENABLED_VAR} is set, and {PRODUCTION_ENV_VAR}=production: the fault injection hook kills or "
            f"pauses workers inside the redeem transaction and is for crash tests only. Unset {faults.ENABLED_VAR} "
            "(and PROMOSHOP_FAULT_POINT, PROMOSHOP_FAULT_ACTION, PROMOSHOP_FAULT_RATE) before starting in production."
        )
    secret = config.get("SECRET_KEY")
    if not secret or secret == default_secret_key or len(str(secret)) < 32:
        raise InsecureConfiguration(
            f"{PRODUCTION_ENV_VAR}=production needs its own secret key: set PROMOSHOP_SECRET_KEY to a long random "
            "value (at least 32 characters), e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`."
        )
    config.update(PRODUCTION_COOKIE_SETTINGS)
    config["REMEMBER_COOKIE_SECURE"] = True


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


# The largest id the rows named in URLs can have: their keys are INTEGER, 32 bits on PostgreSQL
# (SQLite's hold 64), so a larger one would overflow the driver there.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in every URL, capped at MAX_ID: /orders/99999999999999999999 is a 404 like
    any unknown id, instead of an integer overflow in the database driver (a 500)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_security(app: Flask, default_secret_key: str) -> None:
    """Call before any blueprint is registered (the int converter applies to rules added later)."""
    harden_config(app.config, default_secret_key)
    app.url_map.converters["int"] = IdConverter
    app.after_request(add_security_headers)
    trust_proxies(app)


def trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies (PROXY_HOPS, env PROMOSHOP_PROXY_HOPS), take the client's address
    and scheme from the last N X-Forwarded-* entries. Without this every shopper behind a load
    balancer shares its IP, and one bot would use up the per-IP code limits for everybody. Never
    set it higher than the real number of proxies: clients can write X-Forwarded-For themselves."""
    hops = int(str(app.config.get("PROXY_HOPS") or 0).strip() or 0)
    if hops < 0 or hops > 5:
        raise ValueError(f"PROXY_HOPS must be 0 to 5 (the number of reverse proxies in front), got {hops}")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
