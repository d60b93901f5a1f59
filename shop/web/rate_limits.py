"""Rate limits on guessing: wrong codes per session and per IP, API calls per key, failed sign-ins
(console and storefront) per account and per IP, registrations per IP.

One Flask-Limiter per app (``shop.web.extensions.init_extensions`` makes it) supplies the storage:
Redis when REDIS_URL is set, so every gunicorn worker shares the counts, memory otherwise. We
drive its moving-window strategy directly rather than with route decorators because only
*wrong* codes (and *failed* sign-ins) count (a customer typing three good codes is not a bot),
and a blocked person must get the form's own inline message, not an error page.

The numbers and why they are what they are: docs/reliability.md, "Rate limits".
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from sqlalchemy.exc import SQLAlchemyError

from promo.core.errors import PromoError
from promo.services import audit_trail as attempts

LIMITER_KEY = "promo.limiter"
SESSION_ID_KEY = "rate_limit_id"

# Config keys, each a limits string ("10 per 10 minutes"); see docs/reliability.md.
DEFAULT_LIMITS = {
    "RATE_LIMIT_WRONG_CODES_PER_SESSION": "10 per 10 minutes",
    "RATE_LIMIT_WRONG_CODES_PER_IP": "50 per 10 minutes",
    "RATE_LIMIT_CODE_ENTRIES_PER_IP": "60 per minute",
    "RATE_LIMIT_API_VALIDATIONS_PER_KEY": "1200 per minute",
    "RATE_LIMIT_API_PER_IP": "600 per minute",
    "RATE_LIMIT_CONSOLE_SIGN_IN_FAILURES_PER_EMAIL": "5 per 15 minutes",
    "RATE_LIMIT_CONSOLE_SIGN_IN_FAILURES_PER_IP": "20 per 15 minutes",
    "RATE_LIMIT_SIGN_IN_FAILURES_PER_EMAIL": "5 per 15 minutes",
    "RATE_LIMIT_SIGN_IN_FAILURES_PER_IP": "20 per 15 minutes",
    "RATE_LIMIT_REGISTRATIONS_PER_IP": "10 per hour",
}
CODE_ENTRY_ENDPOINTS = frozenset({"cart.apply_code", "checkout.apply_code"})
API_VALIDATION_ENDPOINTS = frozenset({"api.validate", "api.qualify", "api.redeem"})

TOO_MANY_WRONG_CODES = ("Too many codes that didn't match. For your security, code entry is paused; "
                        "try again in {wait}.")
TOO_MANY_ENTRIES = "You're entering codes very quickly. Please wait {wait} and try again."
TOO_MANY_SIGN_IN_FAILURES = ("Too many sign-in attempts that didn't match. For your security, signing in is "
                             "paused; try again in {wait}.")
TOO_MANY_REGISTRATIONS = "Too many accounts were started from your network. Please try again in {wait}."


@dataclass(frozen=True)
class Blocked:
    """A limit that is used up: the message to show and the seconds until it frees up."""

    message: str
    retry_after: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def init_rate_limits(app: Flask) -> None:
    for name, default in DEFAULT_LIMITS.items():
        app.config.setdefault(name, default)
    # Test apps share 127.0.0.1 across hundreds of tests; they opt in (RATELIMIT_ENABLED=True).
    app.config.setdefault("RATELIMIT_ENABLED", not app.config.get("TESTING"))
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "promoshop")
    # Per app, not a module singleton: each test app (and each store) keeps its own counts.
    limiter = Limiter(key_func=get_remote_address)
    limiter.init_app(app)
    app.extensions[LIMITER_KEY] = limiter


def _limiter() -> Limiter:
    return current_app.extensions[LIMITER_KEY]


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _item(config_name: str) -> RateLimitItem:
    return parse(current_app.config[config_name])


def session_identity() -> str:
    """A random id kept in the shopper's session cookie. A bot that drops cookies gets a new one
    each time, which is why every per-session limit has a per-IP partner."""
    value = session.get(SESSION_ID_KEY)
    if not isinstance(value, str) or len(value) != 32:
        value = secrets.token_hex(16)
        session[SESSION_ID_KEY] = value
    return value


def client_ip() -> str:
    return request.remote_addr or "unknown"


def _human_wait(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _seconds_until_free(item: RateLimitItem, *identity: str) -> int:
    reset_at, _remaining = _limiter().limiter.get_window_stats(item, *identity)
    return max(1, math.ceil(reset_at - time.time()))


def _first_used_up(checks: list[tuple[str, tuple[str, ...]]], message: str) -> Blocked | None:
    strategy = _limiter().limiter
    for config_name, identity in checks:
        item = _item(config_name)
        if not strategy.test(item, *identity):
            wait = _seconds_until_free(item, *identity)
            return Blocked(message.format(wait=_human_wait(wait)), wait)
    return None


def _identity(*parts: str) -> tuple[str, ...]:
    # RATELIMIT_KEY_PREFIX keeps stores (and test runs) sharing one Redis apart.
    return (current_app.config["RATELIMIT_KEY_PREFIX"], *parts)


def _wrong_code_checks() -> list[tuple[str, tuple[str, ...]]]:
    return [
        ("RATE_LIMIT_WRONG_CODES_PER_SESSION", _identity("wrong-code", "session", session_identity())),
        ("RATE_LIMIT_WRONG_CODES_PER_IP", _identity("wrong-code", "ip", client_ip())),
    ]


def code_entry_blocked() -> Blocked | None:
    """Is this shopper (session or IP) out of wrong-code attempts, or entering codes too fast?
    Counts this attempt against the per-IP flood limit."""
    if not _enabled():
        return None
    blocked = _first_used_up(_wrong_code_checks(), TOO_MANY_WRONG_CODES)
    if blocked is not None:
        return blocked
    item = _item("RATE_LIMIT_CODE_ENTRIES_PER_IP")
    identity = _identity("code-entry", "ip", client_ip())
    if not _limiter().limiter.hit(item, *identity):
        wait = _seconds_until_free(item, *identity)
        return Blocked(TOO_MANY_ENTRIES.format(wait=_human_wait(wait)), wait)
    return None


def note_wrong_code() -> None:
    """A code that matched nothing (or is someone else's) was entered in the storefront: count it
    in today's aggregate (promo.storage.attempts, source "storefront"; one row a day, however
    many guesses), and spend one attempt of the session's and the IP's budget (a
    ``code_guessing_blocked`` audit row when that uses one up)."""
    g.wrong_code_entered = True
    _tally_wrong_codes(attempts.STOREFRONT, 1)
    if not _enabled():
        return
    _spend(_wrong_code_checks(), action="code_guessing_blocked", counted="wrong_codes")


def note_wrong_api_codes(count: int, key_prefix: str) -> None:
    """``count`` codes of one API call (POST /validations or /redemptions) matched nothing, or
    are another customer's: count them in today's aggregate for the key that sent them
    (source "api:<key prefix>"). No budget is spent: a key is a store's server forwarding many
    shoppers' typos, and its calls have their own per-key limit."""
    _tally_wrong_codes(attempts.api_source(key_prefix), count)


def _tally_wrong_codes(source: str, count: int) -> None:
    """Add to today's (UTC) tally in a transaction of its own. The tally is bookkeeping: if the
    database refuses it, the shopper still gets the answer for the code, and the log says why.
    The day is the engine's (the store's clock), like every other record the engine keeps."""
    from shop.web.extensions import promo_engine  # shop.web.extensions builds the limiter from this module

    if count < 1:
        return
    try:
        promo_engine().audit_trail.count_wrong_codes(source, count)
    except (SQLAlchemyError, PromoError):   # the unit of work reports a refused write as a PromoError
        current_app.logger.exception("could not count %d wrong code(s) from %s", count, source)


def _spend(checks: list[tuple[str, tuple[str, ...]]], *, action: str, counted: str,
           noted: dict[str, str] | None = None) -> None:
    strategy = _limiter().limiter
    for config_name, identity in checks:
        item = _item(config_name)
        strategy.hit(item, *identity)
        # The attempt is refused once a budget is used up, so this one is the one that used it up.
        if not strategy.test(item, *identity):
            _audit_block(identity, item, action=action, counted=counted, noted=noted)


def _audit_block(identity: tuple[str, ...], item: RateLimitItem, *, action: str, counted: str,
                 noted: dict[str, str] | None) -> None:
    """One audit row each time a budget is used up: the aggregate (how many, in what window),
    never one row per attempt."""
    from shop.web.extensions import promo_engine  # shop.web.extensions builds the limiter from this module

    what, kind, who = identity[-3], identity[-2], identity[-1]
    promo_engine().audit_trail.record(actor=f"{kind}:{who}", action=action, object_type="rate_limit",
                                      object_id=f"{what}:{kind}",
                                      after={counted: item.amount, "window": str(item), "ip": client_ip(),
                                             "path": request.path, **(noted or {})})


# ---- sign-in (console and storefront) and registration ----


@dataclass(frozen=True)
class SignInDoor:
    """One sign-in form: its budgets (config keys), its limiter key and its audit action."""

    per_email: str
    per_ip: str
    key: str
    blocked_action: str


CONSOLE = SignInDoor("RATE_LIMIT_CONSOLE_SIGN_IN_FAILURES_PER_EMAIL", "RATE_LIMIT_CONSOLE_SIGN_IN_FAILURES_PER_IP",
                     "console-sign-in", "console_sign_in_blocked")
STOREFRONT = SignInDoor("RATE_LIMIT_SIGN_IN_FAILURES_PER_EMAIL", "RATE_LIMIT_SIGN_IN_FAILURES_PER_IP",
                        "sign-in", "sign_in_blocked")


def account_key(email: str) -> str:
    """The limiter's name for an account: a digest (storage holds no email addresses) of the
    email as sign-in compares it, so "Ana@X.com ", "ana@x.com" and a full-width "ａｎａ@x.com" are
    one account's attempts."""
    canonical = unicodedata.normalize("NFKC", email or "").strip().casefold()
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _sign_in_checks(email: str, door: SignInDoor) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (door.per_email, _identity(door.key, "account", account_key(email))),
        (door.per_ip, _identity(door.key, "ip", client_ip())),
    ]


def sign_in_blocked(email: str, door: SignInDoor = CONSOLE) -> Blocked | None:
    """Has this account, or this IP, used up its failed sign-ins? Asked before the password is
    checked, so a right guess during the pause does not get in either."""
    if not _enabled():
        return None
    return _first_used_up(_sign_in_checks(email, door), TOO_MANY_SIGN_IN_FAILURES)


def note_failed_sign_in(email: str, door: SignInDoor = CONSOLE) -> None:
    """Spend one attempt of the account's and the IP's budget (audited once when used up)."""
    if not _enabled():
        return
    _spend(_sign_in_checks(email, door), action=door.blocked_action, counted="failed_sign_ins",
           noted={"email": email.strip()[:320]})


def note_signed_in(email: str, door: SignInDoor = CONSOLE) -> None:
    """A right password clears the account's failures (its owner typed it), not the IP's."""
    if not _enabled():
        return
    config_name, identity = _sign_in_checks(email, door)[0]
    _limiter().limiter.clear(_item(config_name), *identity)


def registration_blocked() -> Blocked | None:
    """Counts this registration against the IP's budget: each one sends an email, so a bot must
    not turn the store into a mail cannon (nor probe addresses at speed)."""
    if not _enabled():
        return None
    item = _item("RATE_LIMIT_REGISTRATIONS_PER_IP")
    identity = _identity("register", "ip", client_ip())
    if _limiter().limiter.hit(item, *identity):
        return None
    wait = _seconds_until_free(item, *identity)
    return Blocked(TOO_MANY_REGISTRATIONS.format(wait=_human_wait(wait)), wait)


def api_call_blocked(key_prefix: str | None) -> Blocked | None:
    """Validation calls per API key (or per IP for calls without one)."""
    if not _enabled():
        return None
    if key_prefix is not None:
        config_name, identity = "RATE_LIMIT_API_VALIDATIONS_PER_KEY", _identity("api", "key", key_prefix)
    else:
        config_name, identity = "RATE_LIMIT_API_PER_IP", _identity("api", "ip", client_ip())
    item = _item(config_name)
    if _limiter().limiter.hit(item, *identity):
        return None
    wait = _seconds_until_free(item, *identity)
    return Blocked(f"This API key made more than {item} validation calls. Retry in {_human_wait(wait)}.", wait)


def guard_code_entry(respond_blocked: Callable[[Blocked], Response]) -> Callable[[], Response | None]:
    """A before_request hook: answers a blocked code entry with ``respond_blocked``."""

    def check() -> Response | None:
        if request.method != "POST" or request.endpoint not in CODE_ENTRY_ENDPOINTS:
            return None
        blocked = code_entry_blocked()
        if blocked is None:
            return None
        response = respond_blocked(blocked)
        response.status_code = 429
        response.headers.update(blocked.headers)
        return response

    return check
