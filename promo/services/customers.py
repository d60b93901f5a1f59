"""Customers: profiles, sign-in lookups and marketing consent; `profile` is the customer a cart
is evaluated for."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from promo.core.domain import Customer
from promo.core.errors import Conflict, InvalidRequest, NotFound
from promo.core.text import normalise as normalise_text
from promo.core.text import refusal
from promo.services.checks import check_lengths
from promo.services.unit_of_work import UnitOfWork
from promo.storage import audit, convert
from promo.storage.database import dialect_of, insert_ignoring_conflicts
from promo.storage.models import CustomerRow


class Customers:
    """The customer operations of the Engine."""

    def __init__(self, work: UnitOfWork):
        self.work = work

    def upsert_customer(self, customer: Customer, *, actor: str = "system") -> Customer:
        """Create or replace a customer's profile (the password hash, if any, is kept)."""
        check_lengths("customer", customer.id, id=(customer.id, 64), email=(customer.email, 320),
                       name=(customer.name, 200), city=(customer.city, 120), country=(customer.country, 2))
        if not customer.id:
            raise InvalidRequest("a customer needs an id", code="invalid_customer")
        customer = _readable_profile(customer)

        def work(session: Session) -> Customer:
            if customer.email:
                other = session.scalar(select(CustomerRow.id).where(CustomerRow.email == customer.email))
                if other is not None and other != customer.id:
                    raise Conflict(f"email {customer.email!r} belongs to another customer", code="email_taken")
            row = session.get(CustomerRow, customer.id)
            now = self.work.clock()
            before = convert.customer_snapshot(row) if row is not None else None
            if row is None:
                row = CustomerRow(id=customer.id, created_at=now)
                session.add(row)
            for name, value in convert.customer_fields(customer).items():
                setattr(row, name, value)
            row.updated_at = now
            session.flush()
            audit.record(session, at=now, actor=actor, action="customer.upsert", object_type="customer",
                         object_id=customer.id, before=before, after=convert.customer_snapshot(row))
            return convert.customer_profile(row)

        return self.work.write(work)

    def get_customer(self, customer_id: str) -> Customer:
        with self.work.read() as session:
            return convert.customer_profile(self.work.customer_row(session, customer_id))

    def find_customer_by_email(self, email: str) -> tuple[Customer, str | None]:
        """(profile, password hash) of the customer with this email, for signing in."""
        with self.work.read() as session:
            row = session.scalar(select(CustomerRow).where(CustomerRow.email == email))
            if row is None:
                raise NotFound(f"no customer with email {email!r}", code="customer_not_found")
            return convert.customer_profile(row), row.password_hash

    def set_password_hash(self, customer_id: str, password_hash: str | None, *, actor: str = "system") -> None:
        """A new password ends the customer's sessions signed in with the old one."""
        def work(session: Session) -> None:
            row = self.work.customer_row(session, customer_id)
            row.password_hash = password_hash
            row.session_version += 1
            audit.record(session, at=self.work.clock(), actor=actor, action="customer.password", object_type="customer",
                         object_id=customer_id)

        self.work.write(work)

    def customer_for_session(self, customer_id: str, session_version: int) -> Customer | None:
        """The customer a sign-in session names, or None when the customer is gone or the session
        was made before the last sign-out or password change (its version is older)."""
        with self.work.read() as session:
            row = session.get(CustomerRow, customer_id)
            if row is None or row.session_version != session_version:
                return None
            return convert.customer_profile(row)

    def customer_session_version(self, customer_id: str) -> int:
        """The version a new sign-in session of this customer carries."""
        with self.work.read() as session:
            return self.work.customer_row(session, customer_id).session_version

    def end_customer_sessions(self, customer_id: str, *, actor: str = "system") -> None:
        """Sign the customer out everywhere: sessions made before (any cookie) stop working."""
        def work(session: Session) -> None:
            session.execute(update(CustomerRow).where(CustomerRow.id == customer_id)
                            .values(session_version=CustomerRow.session_version + 1))
            audit.record(session, at=self.work.clock(), actor=actor, action="customer.sessions_ended",
                         object_type="customer", object_id=customer_id)

        self.work.write(work)

    def set_accepts_marketing(self, customer_id: str, accepts: bool, *, actor: str = "system") -> Customer:
        """Record whether the customer may be sent offers, and nothing else of the profile (a
        read-then-upsert could put back counters an order changed in between)."""
        if not isinstance(accepts, bool):
            raise InvalidRequest(f"accepts_marketing must be true or false, got {accepts!r}", code="invalid_customer")

        def work(session: Session) -> Customer:
            row = self.work.customer_row(session, customer_id)
            if row.accepts_marketing != accepts:
                row.accepts_marketing = accepts
                row.updated_at = self.work.clock()
                audit.record(session, at=row.updated_at, actor=actor, action="customer.marketing",
                             object_type="customer", object_id=customer_id,
                             before={"accepts_marketing": not accepts}, after={"accepts_marketing": accepts})
            return convert.customer_profile(row)

        return self.work.write(work)


def _customer_columns(customer: Customer) -> dict[str, Any]:
    columns = convert.customer_fields(customer)
    columns["metadata"] = columns.pop("extra")
    return columns


def _readable_profile(customer: Customer) -> Customer:
    """The name and city as people see them (NFKC, as every edge reads them: promo.core.text), and
    no control, bidi or other invisible format character in them, the id or the email: a name
    reaches pages, banners and emails, where such characters could make it read as another."""
    for name in ("id", "email", "name", "city"):
        value = getattr(customer, name)
        problem = refusal(normalise_text(value)) if value else None
        if problem is not None:
            raise InvalidRequest(f"customer {customer.id!r}: {name} {problem}", code="invalid_customer",
                                 details={"errors": [{"path": name, "message": problem}]})
    cleaned: dict[str, Any] = {name: normalise_text(getattr(customer, name))
                               for name in ("name", "city") if getattr(customer, name)}
    return replace(customer, **cleaned)


def load_profile(work: UnitOfWork, session: Session, customer: Customer | str | None, *, create: bool = False) -> Customer:
    """The customer to evaluate for: a stored profile by id, the given profile, or a guest.

    With `create`, a given profile whose id is not stored yet is stored, so orders and
    per-customer counters can refer to it.
    """
    if customer is None:
        return Customer()
    if isinstance(customer, str):
        return convert.customer_profile(work.customer_row(session, customer))
    if not isinstance(customer, Customer):
        raise InvalidRequest("customer must be a promo.core.domain.Customer, a customer id or None", code="invalid_customer")
    if create and customer.id is not None:
        now = work.clock()
        session.execute(
            insert_ignoring_conflicts(CustomerRow.__table__, dialect_of(session)),
            {**_customer_columns(customer), "id": customer.id, "created_at": now, "updated_at": now},
        )
    return customer
