"""Console users: hashed passwords (werkzeug.security), roles, and audited changes.

Passwords are never stored or logged; the audit log records who changed which user's role or
state, with the state before and after (never the hash).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from promo.services import audit_trail as audit
from shop.console.models import ConsoleUserRow, Role
from shop.web.extensions import promo_engine
from shop.web.passwords import check_password, hash_password

MIN_PASSWORD_LENGTH = 10
# werkzeug's scrypt unless CONSOLE_PASSWORD_HASH_METHOD names another (tests: a cheap pbkdf2).
HASH_METHOD_KEY = "CONSOLE_PASSWORD_HASH_METHOD"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserError(ValueError):
    """A console-user change that cannot be made; the message says why, for the form."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ConsoleUser:
    id: int
    email: str
    role: Role
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    session_version: int = 0

    @property
    def actor(self) -> str:
        """How the audit log names this user."""
        return f"console:{self.email}"


@contextmanager
def _session(*, write: bool) -> Iterator[Session]:
    """A transaction of the engine's unit of work: the console's tables share its database."""
    work = promo_engine().work
    if write:
        with work.sessions() as session, session.begin():
            yield session
    else:
        with work.read() as session:
            yield session


def _hash(password: str) -> str:
    return hash_password(password, HASH_METHOD_KEY)


def _user(row: ConsoleUserRow) -> ConsoleUser:
    return ConsoleUser(row.id, row.email, Role(row.role), row.active, row.created_at, row.last_login_at,
                       row.session_version)


def _snapshot(row: ConsoleUserRow) -> dict[str, Any]:
    return {"email": row.email, "role": row.role, "active": row.active}


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_new_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError(f"Use at least {MIN_PASSWORD_LENGTH} characters.", "password")


def parse_role(raw: str) -> Role:
    try:
        return Role(raw)
    except ValueError:
        raise UserError(f"Choose a role: {', '.join(r.value for r in Role)}.", "role") from None


def create_user(email: str, password: str, role: Role, *, actor: str) -> ConsoleUser:
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 320:
        raise UserError("Enter an email address like ana@example.com.", "email")
    check_new_password(password)
    now = datetime.now(UTC)
    with _session(write=True) as session:
        if session.scalar(select(ConsoleUserRow.id).where(ConsoleUserRow.email == email)) is not None:
            raise UserError(f"{email} already has a console account.", "email")
        row = ConsoleUserRow(email=email, role=role.value, password_hash=_hash(password),
                             active=True, created_at=now)
        session.add(row)
        session.flush()
        audit.record_in(session, at=now, actor=actor, action="console_user.create", object_type="console_user",
                     object_id=email, after=_snapshot(row))
        return _user(row)


def set_password(email: str, password: str, *, actor: str) -> ConsoleUser:
    check_new_password(password)
    now = datetime.now(UTC)
    with _session(write=True) as session:
        row = _row_by_email(session, email)
        row.password_hash = _hash(password)
        row.active = True
        row.session_version += 1          # sessions signed in with the old password end
        audit.record_in(session, at=now, actor=actor, action="console_user.password", object_type="console_user",
                     object_id=row.email)
        return _user(row)


def update_user(user_id: int, *, role: Role | None = None, active: bool | None = None, actor: str) -> ConsoleUser:
    with _session(write=True) as session:
        row = session.get(ConsoleUserRow, user_id)
        if row is None:
            raise UserError("No such console user.")
        before = _snapshot(row)
        if role is not None:
            row.role = role.value
        if active is not None:
            row.active = active
        # The console must keep someone who can manage users.
        admins = session.scalar(select(func.count()).select_from(ConsoleUserRow)
                                .where(ConsoleUserRow.role == Role.ADMIN.value, ConsoleUserRow.active.is_(True),
                                       ConsoleUserRow.id != row.id)) or 0
        if admins == 0 and not (row.role == Role.ADMIN.value and row.active):
            raise UserError("This is the last active admin; make another admin first.")
        if before != _snapshot(row):
            # A new role (or deactivation) takes effect at once: sessions made before end.
            row.session_version += 1
            audit.record_in(session, at=datetime.now(UTC), actor=actor, action="console_user.update",
                         object_type="console_user", object_id=row.email, before=before, after=_snapshot(row))
        return _user(row)


def authenticate(email: str, password: str) -> ConsoleUser | None:
    """The active user with these credentials (and their last login noted), else None."""
    email = normalise_email(email)
    with _session(write=True) as session:
        row = session.scalar(select(ConsoleUserRow).where(ConsoleUserRow.email == email))
        # An unknown email is checked against a dummy hash: it costs as long as a wrong password.
        if not check_password(row.password_hash if row is not None else None, password or "", HASH_METHOD_KEY):
            return None
        if row is None or not row.active:
            return None
        row.last_login_at = datetime.now(UTC)
        return _user(row)


def get_user(user_id: int) -> ConsoleUser | None:
    with _session(write=False) as session:
        row = session.get(ConsoleUserRow, user_id)
        return _user(row) if row is not None else None


def end_sessions(user_id: int) -> None:
    """Sign the user out everywhere: every session made before (any copied cookie) ends."""
    with _session(write=True) as session:
        session.execute(update(ConsoleUserRow).where(ConsoleUserRow.id == user_id)
                        .values(session_version=ConsoleUserRow.session_version + 1))


def list_users() -> list[ConsoleUser]:
    with _session(write=False) as session:
        return [_user(r) for r in session.scalars(select(ConsoleUserRow).order_by(ConsoleUserRow.email))]


def _row_by_email(session: Session, email: str) -> ConsoleUserRow:
    row = session.scalar(select(ConsoleUserRow).where(ConsoleUserRow.email == normalise_email(email)))
    if row is None:
        raise UserError(f"No console user {normalise_email(email)}.", "email")
    return row
