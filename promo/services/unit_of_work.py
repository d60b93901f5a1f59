"""What every service shares: the store's settings, its clock, one short transaction per call,
the parsed campaigns, and the row lookups with their NotFound errors.

    work = UnitOfWork(session_factory, timezone="America/New_York", currency="USD")
    with work.read() as session: ...          # a read-only transaction
    info = work.write(lambda session: ...)    # a write transaction, retried on transient conflicts

The services (promo.services.*) and the delivery modules (promo.delivery.*) take one of these
instead of reaching into the Engine; the Engine builds one and hands it to each of them.
"""
from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from promo.core.campaign import AT_COST, Campaign, MarginFloor
from promo.core.codes import normalise_code
from promo.core.domain import Context
from promo.core.errors import Conflict, InvalidRequest, NotFound, PromoError, UnreadableDefinition
from promo.core.records import CampaignInfo
from promo.delivery.webhook_targets import TargetPolicy
from promo.format.definition import DefinitionError, FieldError, parse_campaign
from promo.format.readers import parse_margin_floor
from promo.services.active import ActiveCampaigns
from promo.storage.database import READ_ONLY, for_update
from promo.storage.models import CampaignRow, CodeRow, CustomerRow

T = TypeVar("T")
log = logging.getLogger("promo.engine")

MAX_WRITE_ATTEMPTS = 4


def utc_now() -> datetime:
    return datetime.now(UTC)


class UnitOfWork:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        timezone: str = "UTC",
        currency: str = "USD",
        locale: str = "en_US",
        max_offers: int = 5,
        clock: Callable[[], datetime] = utc_now,
        margin_floor: MarginFloor = AT_COST,
    ):
        try:
            self.tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidRequest(f"{timezone!r} is not an IANA time zone") from None
        self.sessions = session_factory
        self.timezone = timezone
        self.currency = currency
        self.locale = locale
        self.max_offers = max_offers
        # The store's margin floor until one is saved in the store settings (PROMOSHOP_MARGIN_FLOOR).
        self.margin_floor = margin_floor
        self.clock = clock
        self._parsed: dict[str, tuple[int, Campaign | tuple[FieldError, ...]]] = {}
        self._parsed_lock = threading.Lock()
        # The session reading() holds open in this thread (or task), per unit of work.
        self._reading: contextvars.ContextVar[Session | None] = contextvars.ContextVar("promo_reading", default=None)
        # Active promotions and coupons, parsed and indexed (promo.core.index) while the table is unchanged.
        self.active = ActiveCampaigns(self.campaign)
        # Where webhooks may go (promo.delivery.webhook_targets): public addresses, plus hosts
        # the operator lists (PROMOSHOP_WEBHOOK_ALLOWED_HOSTS, set by the app).
        self.webhook_targets = TargetPolicy()

    def store_margin_floor(self, stored: Any) -> MarginFloor:
        """The margin floor for campaigns without their own: the saved store setting (as the
        active set read it), else the configured default. A saved value that no longer reads
        falls back to the default rather than stopping every cart."""
        if stored is None:
            return self.margin_floor
        try:
            return parse_margin_floor(stored)
        except ValueError:
            log.warning("store setting margin_floor %r does not read; using %r", stored, self.margin_floor)
            return self.margin_floor

    def forget_parsed_campaigns(self) -> None:
        """Drop the parsed campaigns and the active set. After a store reset, campaign ids and
        versions start again at 1, so a cache keyed by (id, version) could return the definition
        of the campaign that stood there before."""
        with self._parsed_lock:
            self._parsed.clear()
        self.active.forget()

    # ------------------------------------------------------------------ time

    def now(self) -> datetime:
        """The current time in the store's time zone (from the injected clock)."""
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the engine's clock must return timezone-aware datetimes")
        return moment.astimezone(self.tz)

    def context(self, **fields: Any) -> Context:
        """A Context at the store's current time: ``work.context(page="cart")``."""
        fields.setdefault("locale", self.locale)
        return Context(now=self.now(), **fields)

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction: the one `reading()` holds open, else a new one."""
        shared = self._reading.get()
        if shared is not None:
            yield shared
            return
        # Closing the session ends the transaction without expiring what was read.
        with self.sessions() as session:
            session.connection(execution_options=READ_ONLY)
            yield session

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Every read inside shares one read-only transaction: a page that reads its products
        and prices its cart begins and ends one, not one per call (each costs about as much as
        a small query). Nothing inside may write: on SQLite a write could wait for this very
        transaction. Nested, it is the outer one."""
        if self._reading.get() is not None:
            yield
            return
        with self.read() as session:
            token = self._reading.set(session)
            try:
                yield
            finally:
                self._reading.reset(token)

    def write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one write transaction, again when the database reports a transient
        conflict (a deadlock, a serialization failure, or a unique key inserted meanwhile)."""
        if self._reading.get() is not None:
            raise RuntimeError("a write inside UnitOfWork.reading(): it is for reads only")
        for attempt in range(MAX_WRITE_ATTEMPTS):
            try:
                with self.sessions() as session, session.begin():
                    return work(session)
            except (IntegrityError, OperationalError) as error:
                if attempt == MAX_WRITE_ATTEMPTS - 1 or not _transient(error):
                    friendly = _database_error(error)
                    if friendly is None:
                        raise
                    raise friendly from error
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ parsed campaigns

    def campaign(self, row: CampaignRow | CampaignInfo) -> Campaign:
        """The parsed definition, cached per (id, version).

        A stored definition the parser rejects (written by an older version, or edited in the
        database) raises UnreadableDefinition; the verdict is cached and logged once per version,
        so pricing can skip the campaign on every cart without parsing it again.
        """
        with self._parsed_lock:
            cached = self._parsed.get(row.id)
        if cached is None or cached[0] != row.version:
            try:
                parsed: Campaign | tuple[FieldError, ...] = parse_campaign(row.definition, timezone=self.timezone)
                if parsed.currency is None:
                    # "No currency" means the store's: it never applies to an order in another one.
                    parsed = replace(parsed, currency=self.currency)
            except DefinitionError as error:
                parsed = tuple(error.errors)
                log.warning("%s (version %s); carts are priced without it", unreadable(row.id, parsed).message, row.version)
            cached = (row.version, parsed)
            with self._parsed_lock:
                self._parsed[row.id] = cached
        if isinstance(cached[1], tuple):
            raise unreadable(row.id, cached[1])
        return cached[1]

    def parsed_campaign(self, campaign_id: str, version: int) -> Campaign | None:
        """The definition already parsed for this version, if any (never parses, never reads)."""
        with self._parsed_lock:
            cached = self._parsed.get(campaign_id)
        if cached is None or cached[0] != version or isinstance(cached[1], tuple):
            return None
        return cached[1]

    def stored_code(self, row: CampaignRow) -> str | None:
        """The public code of the stored definition. One that no longer parses still names its
        code, so replacing it with a valid definition disables the old code as usual."""
        try:
            return self.campaign(row).code
        except UnreadableDefinition:
            code = row.definition.get("code") if isinstance(row.definition, dict) else None
            return code if isinstance(code, str) else None

    # ------------------------------------------------------------------ rows

    def campaign_row(self, session: Session, campaign_id: str, *, lock: bool = False) -> CampaignRow:
        statement = select(CampaignRow).where(CampaignRow.id == campaign_id)
        row = session.scalar(for_update(statement, session) if lock else statement)
        if row is None:
            raise NotFound(f"no campaign {campaign_id!r}", code="campaign_not_found")
        return row

    def code_row(self, session: Session, code: str, *, lock: bool = False) -> CodeRow:
        statement = select(CodeRow).where(CodeRow.code == normalise_code(code))
        row = session.scalar(for_update(statement, session) if lock else statement)
        if row is None:
            raise NotFound(f"no code {normalise_code(code)!r}", code="code_not_found")
        return row

    def customer_row(self, session: Session, customer_id: str) -> CustomerRow:
        row = session.get(CustomerRow, customer_id)
        if row is None:
            raise NotFound(f"no customer {customer_id!r}", code="customer_not_found")
        return row


def unreadable(campaign_id: str, errors: Sequence[FieldError]) -> UnreadableDefinition:
    problems = "; ".join(str(problem) for problem in errors)
    return UnreadableDefinition(
        f"campaign {campaign_id!r}: the stored definition can't be read ({problems}); save a valid definition to fix it",
        details={"campaign_id": campaign_id, "errors": field_errors(errors)},
    )


def field_errors(errors: Sequence[FieldError] | Any) -> list[dict[str, str]]:
    return [{"path": e.path, "message": e.message} for e in errors]


def _transient(error: DBAPIError) -> bool:
    """Deadlocks, serialization failures and unique keys inserted by a concurrent transaction."""
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    if code in {"40001", "40P01", "23505"}:
        return True
    return isinstance(error, IntegrityError) and "UNIQUE constraint failed" in str(error.orig)


def _database_error(error: DBAPIError) -> PromoError | None:
    """The PromoError to report for a database error callers can act on, else None."""
    if isinstance(error, IntegrityError):
        return Conflict("the change clashes with data stored meanwhile; try again", code="conflict")
    if "database is locked" in str(error.orig):
        return Conflict("the database is busy; try again", code="busy")
    return None


class WorkSetting:
    """An Engine attribute that belongs to its unit of work: reading or setting it reaches the
    one every service shares (tests set ``engine.clock``, benchmarks ``engine.max_offers``)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, engine: HasWork, owner: type | None = None) -> Any:
        return getattr(engine.work, self.name)

    def __set__(self, engine: HasWork, value: Any) -> None:
        setattr(engine.work, self.name, value)


class HasWork(Protocol):
    """Anything that carries a unit of work: the Engine does (``engine.work``)."""

    @property
    def work(self) -> UnitOfWork: ...


def work_of(source: UnitOfWork | HasWork) -> UnitOfWork:
    """The unit of work of an Engine, or the unit of work itself: the delivery functions
    (``tick(engine, ...)``, ``list_events(engine)``) take either."""
    return source if isinstance(source, UnitOfWork) else source.work
