"""Who is using the console, and what they may do.

The signed session cookie holds the user id and the time of their last request. A console
session ends after CONSOLE_IDLE_TIMEOUT without a request (8 hours by default). The check is
ours rather than PERMANENT_SESSION_LIFETIME because the cookie is shared with the storefront:
a shopper's cart must not expire on the console's schedule, nor the console on the cart's.
Signing out removes only the console's keys, and raises the user's session version: the cookie
also holds the version it was made with, so a copy taken before sign-out (or before a new
password or role) is refused on every request. Every non-GET request needs at least the
marketer role, so a viewer cannot change anything even through a hand-made request.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, request, session, url_for

from shop.console.models import Role
from shop.console.users import ConsoleUser, end_sessions, get_user
from shop.web.text import fit_for_a_redirect

DEFAULT_IDLE_TIMEOUT = timedelta(hours=8)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
USER_KEY = "console_user"
SEEN_KEY = "console_seen"
VERSION_KEY = "console_session_version"
_RANK = {Role.VIEWER: 0, Role.MARKETER: 1, Role.ADMIN: 2}

View = TypeVar("View", bound=Callable[..., Any])


def safe_console_path(target: str | None, default: str) -> str:
    """`target` when it is a path inside the console, else `default`: redirects taken from
    form fields or query strings must never lead to another site, nor carry a line break."""
    if (target and target.startswith("/console") and not urlsplit(target).netloc and "\\" not in target
            and fit_for_a_redirect(target)):
        return target
    return default


def idle_timeout() -> timedelta:
    value = current_app.config.get("CONSOLE_IDLE_TIMEOUT", DEFAULT_IDLE_TIMEOUT)
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def sign_in(user: ConsoleUser) -> None:
    session.pop(USER_KEY, None)
    session[USER_KEY] = user.id
    session[VERSION_KEY] = user.session_version
    session[SEEN_KEY] = int(time.time())


def sign_out(*, everywhere: bool = False) -> None:
    """Forget the console user in this cookie; ``everywhere`` (the sign-out button) also ends
    every other session of that user, copies of this cookie included."""
    user_id = session.pop(USER_KEY, None)
    session.pop(SEEN_KEY, None)
    session.pop(VERSION_KEY, None)
    if everywhere and isinstance(user_id, int):
        end_sessions(user_id)


def load_user() -> ConsoleUser | None:
    """Called before every console request: the signed-in user, or None (expired or signed out)."""
    user_id = session.get(USER_KEY)
    if user_id is None:
        return None
    seen = session.get(SEEN_KEY, 0)
    if time.time() - seen > idle_timeout().total_seconds():
        sign_out()
        flash("Your console session expired after a period of inactivity. Please sign in again.", "info")
        return None
    user = get_user(user_id)
    # An older version: signed out, a new password or a new role since this session began.
    if user is None or not user.active or session.get(VERSION_KEY, 0) != user.session_version:
        sign_out()
        return None
    session[SEEN_KEY] = int(time.time())
    return user


def current_user() -> ConsoleUser:
    return g.console_user


def may(role: Role) -> bool:
    user: ConsoleUser | None = g.get("console_user")
    return user is not None and _RANK[user.role] >= _RANK[role]


def guard_request() -> Any:
    """before_request: sign-in required everywhere but the login page; viewers only read."""
    g.console_user = load_user()
    if request.endpoint in ("console.login", "console.static"):
        return None
    if g.console_user is None:
        if request.headers.get("HX-Request"):
            return "", 401, {"HX-Redirect": url_for("console.login", next=request.full_path)}
        return redirect(url_for("console.login", next=request.full_path))
    # Signing out is the one change a viewer may make.
    if request.method not in SAFE_METHODS and request.endpoint != "console.logout" and not may(Role.MARKETER):
        abort(403, "Your role can view the console but not change anything.")
    return None


def requires(role: Role) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not may(role):
                abort(403, f"This needs the {role.value} role.")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
