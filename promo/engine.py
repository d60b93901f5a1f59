"""The promotion engine's public Python API: one object, one short transaction per call.

    engine = Engine(session_factory, timezone="America/New_York", currency="USD")
    engine.create_campaign(definition, actor="ana@example.com")
    evaluation = engine.validate(customer, cart, ["HAPPY10"])
    result = engine.redeem(customer, cart, ["HAPPY10"], order_ref="A-1001", idempotency_key="...")
    engine.rollback(result.id, reason="payment failed")

The storefront, the JSON API and the CLI all go through these methods; none of them computes a
discount or touches a counter itself. Errors are promo.core.errors exceptions with a stable `code`.

Redemption is atomic: the order, its redemption, every counter and the budget are written in
one transaction, and every cap sits in the WHERE clause of the UPDATE that takes it (see
promo.storage.counters), so concurrent checkouts cannot pass a limit, not even by one cent.

Rollback semantics:
* whole (``item_id=None``): every still-granted offer is withdrawn, its code use, per-customer
  counts, campaign count and budget are given back, and the order is marked cancelled (the
  customer's order count and total spent are reduced again);
* partial (``item_id=<child id>``): only that offer is withdrawn and its counters given back.
  The order stays placed; its recorded discount and its lines' discounts lose that offer's
  share, so the order total rises by it (what the shopper owes without that offer). The other
  offers keep the amounts they were granted at checkout: they are not recomputed, even though
  stacking computed them on the totals the withdrawn offer left. A free gift line stays on the
  order at its full price. The redemption becomes ``partially_rolled_back``, or
  ``rolled_back`` when no granted offer is left.
Rolling back what is already rolled back changes nothing and returns the same result.
"""
from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from promo.core.applicator import evaluate
from promo.core.campaign import Campaign, Kind
from promo.core.codes import check_capacity, check_pattern, normalise_code
from promo.format.definition import DefinitionError, FieldError, parse_campaign
from promo.core.domain import Cart, Context, Customer
from promo.delivery import distributions as _distribution_rules
from promo import faults
from promo.delivery.events import Event, EventScope, emit
from promo.core.errors import (
    Conflict, InvalidRequest, LimitExceeded, NotFound, PoolEmpty, PromoError, RedemptionRefused, UnreadableDefinition,
)
from promo.core.incentive_records import (
    GiftCardBalance,
    GiftCardPayment,
    PointsAccount,
    PointsSpend,
    ReferralCode,
    ReferralConversion,
    ReferralSummary,
)
from promo.services.incentives import Incentives
from promo.core.limits import Usage, blocked_reason
from promo.core.reasons import Reason, message_for
from promo.core.records import (
    AuditEntry,
    CampaignInfo,
    CampaignStatus,
    Category,
    CodeInfo,
    CodePage,
    CodeStatus,
    ItemStatus,
    Offer,
    OfferStatus,
    OrderStatus,
    Product,
    Publication,
    RedemptionResult,
    RedemptionStatus,
    SetAsideCode,
)
from promo.core.results import Evaluation, OfferResult, Status
from promo.storage import attempts, audit, convert, counters, idempotency
from promo.services.active import ActiveCampaigns
from promo.storage.attempts import WrongCodeTally
from promo.services.bulk import Progress, insert_random_codes
from promo.storage.database import READ_ONLY, dialect_of, for_update, insert_ignoring_conflicts, starts_with
from promo.storage.models import (
    AuditRow,
    CampaignRow,
    CategoryRow,
    CodeRow,
    CustomerRow,
    OrderLineRow,
    OrderRow,
    ProductRow,
    PublicationRow,
    RedemptionItemRow,
    RedemptionRow,
)
from promo.services.offers import OfferLoader, Offers, Slot
from promo.core.text import normalise as normalise_text, refusal
from promo.core.timing import code_expiry
from promo.core.visibility import is_visible

if TYPE_CHECKING:
    from promo.delivery.distributions import Distributions
    from promo.delivery.tracking import TrackedEvent
    from promo.delivery.webhooks import Webhooks

T = TypeVar("T")
log = logging.getLogger("promo.engine")

LIMIT_REASONS = frozenset(
    {Reason.QUANTITY_EXCEEDED, Reason.CUSTOMER_LIMIT_REACHED, Reason.CAMPAIGN_LIMIT_REACHED, Reason.BUDGET_EXHAUSTED}
)
# A redemption that loses a race for a counter is evaluated again on fresh counters; after
# this many rounds the last loss is reported.
MAX_REDEEM_ATTEMPTS = 6
MAX_WRITE_ATTEMPTS = 4
STATUS_ACTIONS = {"pause": CampaignStatus.PAUSED, "resume": CampaignStatus.ACTIVE, "archive": CampaignStatus.ARCHIVED}
CODE_STATUS_ACTIONS = {"disable": CodeStatus.DISABLED, "enable": CodeStatus.ACTIVE}
MAX_PAGE = 1000
LOAD_BATCH = 500   # ids per IN (...) in load_campaigns and campaign_names


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class _LostRace(Exception):
    """A conditional UPDATE found its cap taken by a concurrent transaction."""

    def __init__(self, reason: Reason, campaign_id: str, code: str | None):
        super().__init__(reason.value)
        self.reason = reason
        self.campaign_id = campaign_id
        self.code = code


class Engine:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        timezone: str = "UTC",
        currency: str = "USD",
        locale: str = "en_US",
        max_offers: int = 5,
        clock: Callable[[], datetime] = utc_now,
    ):
        try:
            self.tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidRequest(f"{timezone!r} is not an IANA time zone") from None
        self._sessions = session_factory
        self.timezone = timezone
        self.currency = currency
        self.locale = locale
        self.max_offers = max_offers
        self.clock = clock
        self._parsed: dict[str, tuple[int, Campaign | tuple[FieldError, ...]]] = {}
        self._parsed_lock = threading.Lock()
        # Active promotions and coupons, parsed and indexed (promo.core.index) while the table is unchanged.
        self._active = ActiveCampaigns(self._campaign)
        self.incentives = Incentives(self)

    # ------------------------------------------------------------------ time and sessions

    def now(self) -> datetime:
        """The current time in the store's time zone (from the injected clock)."""
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the engine's clock must return timezone-aware datetimes")
        return moment.astimezone(self.tz)

    def context(self, **fields: Any) -> Context:
        """A Context at the store's current time: ``engine.context(page="cart")``."""
        fields.setdefault("locale", self.locale)
        return Context(now=self.now(), **fields)

    @contextmanager
    def _read(self) -> Iterator[Session]:
        # Closing the session ends the transaction without expiring what was read.
        with self._sessions() as session:
            session.connection(execution_options=READ_ONLY)
            yield session

    def _write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one write transaction, again when the database reports a transient
        conflict (a deadlock, a serialization failure, or a unique key inserted meanwhile)."""
        for attempt in range(MAX_WRITE_ATTEMPTS):
            try:
                with self._sessions() as session, session.begin():
                    return work(session)
            except (IntegrityError, OperationalError) as error:
                if attempt == MAX_WRITE_ATTEMPTS - 1 or not _transient(error):
                    friendly = _database_error(error)
                    if friendly is None:
                        raise
                    raise friendly from error
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ campaigns

    def parse(self, definition: Mapping[str, Any]) -> Campaign:
        """Validate a definition without storing it. Raises InvalidRequest listing every problem."""
        try:
            return parse_campaign(_json_ready(definition), timezone=self.timezone)
        except DefinitionError as error:
            raise InvalidRequest(
                f"the campaign definition is invalid:\n{error}",
                code="invalid_definition",
                details={"errors": _field_errors(error.errors)},
            ) from None

    def create_campaign(self, definition: Mapping[str, Any], *, actor: str = "system") -> CampaignInfo:
        data = _json_ready(definition)
        campaign = self.parse(data)

        def work(session: Session) -> CampaignInfo:
            if session.get(CampaignRow, campaign.id) is not None:
                raise Conflict(f"a campaign with id {campaign.id!r} already exists", code="campaign_exists")
            now = self.clock()
            row = CampaignRow(
                id=campaign.id, name=campaign.name, kind=campaign.kind.value, definition=data, status="active",
                version=1, redemptions_count=0, budget_used=0, order_value_used=0, created_at=now, updated_at=now,
            )
            session.add(row)
            session.flush()
            if campaign.code:
                self._add_public_code(session, campaign, now)
            audit.record(session, at=now, actor=actor, action="campaign.create", object_type="campaign",
                         object_id=campaign.id, after=convert.campaign_snapshot(row))
            self._emit(session, "campaign.created", {"campaign_id": row.id, "campaign": convert.campaign_snapshot(row), "actor": actor})
            return convert.campaign_info(row)

        info = self._write(work)
        self._active.forget()
        return info

    def update_campaign(self, campaign_id: str, definition: Mapping[str, Any], *, actor: str = "system") -> CampaignInfo:
        """Replace a campaign's definition. Its id cannot change; its counters are kept."""
        data = _json_ready(definition)
        data.setdefault("id", campaign_id)
        campaign = self.parse(data)
        if campaign.id != campaign_id:
            raise InvalidRequest(
                f"the definition's id {campaign.id!r} does not match the campaign {campaign_id!r}; ids cannot change",
                code="campaign_id_mismatch",
            )

        def work(session: Session) -> CampaignInfo:
            row = self._campaign_row(session, campaign_id, lock=True)
            before = convert.campaign_snapshot(row)
            if row.kind != campaign.kind.value:
                raise InvalidRequest(
                    f"a campaign's kind cannot change ({row.kind} -> {campaign.kind.value}); create a new campaign",
                    code="campaign_kind_change",
                )
            now = self.clock()
            old_code = self._stored_code(row)
            if normalise_code(old_code or "") != normalise_code(campaign.code or ""):
                if old_code:
                    session.execute(
                        update(CodeRow)
                        .where(CodeRow.code == normalise_code(old_code), CodeRow.campaign_id == campaign_id)
                        .values(status="disabled")
                    )
                if campaign.code:
                    self._add_public_code(session, campaign, now)
            row.name = campaign.name
            row.definition = data
            row.version += 1
            row.updated_at = now
            session.flush()
            audit.record(session, at=now, actor=actor, action="campaign.update", object_type="campaign",
                         object_id=campaign_id, before=before, after=convert.campaign_snapshot(row))
            self._emit(session, "campaign.updated", {"campaign_id": row.id, "campaign": convert.campaign_snapshot(row), "actor": actor})
            return convert.campaign_info(row)

        info = self._write(work)
        self._active.forget()
        return info

    def set_campaign_status(self, campaign_id: str, action: str, *, actor: str = "system") -> CampaignInfo:
        """``action`` is ``pause``, ``resume`` or ``archive``. Archived campaigns stay archived."""
        if action not in STATUS_ACTIONS:
            raise InvalidRequest(
                f"unknown campaign action {action!r}; expected one of {', '.join(STATUS_ACTIONS)}", code="invalid_action"
            )
        target = STATUS_ACTIONS[action]

        def work(session: Session) -> CampaignInfo:
            row = self._campaign_row(session, campaign_id, lock=True)
            if row.status == CampaignStatus.ARCHIVED and target is not CampaignStatus.ARCHIVED:
                raise Conflict(f"campaign {campaign_id!r} is archived and cannot be {action}d", code="campaign_archived")
            if row.status != target:
                before = convert.campaign_snapshot(row)
                row.status = target.value
                row.updated_at = self.clock()
                session.flush()
                audit.record(session, at=row.updated_at, actor=actor, action=f"campaign.{action}",
                             object_type="campaign", object_id=campaign_id, before=before,
                             after=convert.campaign_snapshot(row))
                self._emit(session, f"campaign.{target.value if target is not CampaignStatus.ACTIVE else 'resumed'}",
                           {"campaign_id": row.id, "campaign": convert.campaign_snapshot(row), "actor": actor})
            return convert.campaign_info(row)

        info = self._write(work)
        self._active.forget()
        return info

    def get_campaign(self, campaign_id: str) -> CampaignInfo:
        with self._read() as session:
            return convert.campaign_info(self._campaign_row(session, campaign_id))

    def load_campaign(self, campaign_id: str) -> Campaign:
        """The parsed campaign (frozen dataclasses), e.g. for describing it in the UI."""
        with self._read() as session:
            return self._campaign(self._campaign_row(session, campaign_id))

    def load_campaigns(self, campaign_ids: Iterable[str]) -> dict[str, Campaign]:
        """load_campaign for several campaigns in one query (per 500 ids), by id."""
        wanted = sorted(set(campaign_ids))
        found: dict[str, Campaign] = {}
        with self._read() as session:
            for start in range(0, len(wanted), LOAD_BATCH):
                rows = session.scalars(select(CampaignRow).where(CampaignRow.id.in_(wanted[start:start + LOAD_BATCH])))
                found.update((row.id, self._campaign(row)) for row in rows)
        missing = [campaign_id for campaign_id in wanted if campaign_id not in found]
        if missing:
            raise NotFound(f"no campaign {missing[0]!r}", code="campaign_not_found", details={"campaign_ids": missing})
        return found

    def campaign_names(self, campaign_ids: Iterable[str]) -> dict[str, str]:
        """The names of these campaigns (whatever their status), by id, in one query per 500 ids;
        unknown ids are left out. For naming past redemptions without reading every campaign."""
        wanted = sorted(set(campaign_ids))
        with self._read() as session:
            return {
                campaign_id: name
                for start in range(0, len(wanted), LOAD_BATCH)
                for campaign_id, name in session.execute(
                    select(CampaignRow.id, CampaignRow.name).where(CampaignRow.id.in_(wanted[start:start + LOAD_BATCH])))
            }

    def list_campaigns(self, *, status: str | None = None, kind: str | None = None) -> list[CampaignInfo]:
        statement = select(CampaignRow).order_by(CampaignRow.created_at, CampaignRow.id)
        if status is not None:
            statement = statement.where(CampaignRow.status == status)
        if kind is not None:
            statement = statement.where(CampaignRow.kind == kind)
        with self._read() as session:
            return [convert.campaign_info(row) for row in session.scalars(statement)]

    # ------------------------------------------------------------------ codes

    def generate_codes(
        self,
        campaign_id: str,
        count: int,
        *,
        batch_size: int = 10_000,
        progress: Progress | None = None,
        gift_balance: int | None = None,
        actor: str = "system",
    ) -> int:
        """Add `count` unique random codes to a campaign with a code pattern; returns the number made.

        Streams in batches of `batch_size`, each its own transaction; `progress(done, total)` is
        called after each. Refused (InvalidRequest ``keyspace_too_small``) when the campaign's
        codes would fill more than 1 in 10^6 of the pattern's keyspace.
        """
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise InvalidRequest(f"count must be a positive integer, got {count!r}", code="invalid_count")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise InvalidRequest(f"batch_size must be a positive integer, got {batch_size!r}", code="invalid_count")
        with self._read() as session:
            row = self._campaign_row(session, campaign_id)
            campaign = self._campaign(row)
            existing = session.scalar(select(func.count()).select_from(CodeRow).where(CodeRow.campaign_id == campaign_id))
        if row.status == CampaignStatus.ARCHIVED:
            raise Conflict(f"campaign {campaign_id!r} is archived", code="campaign_archived")
        pattern = campaign.code_pattern
        if pattern is None:
            raise InvalidRequest(
                f"campaign {campaign_id!r} has no code pattern, so it cannot have generated codes", code="no_code_pattern"
            )
        check_pattern(pattern)
        check_capacity(pattern, existing or 0, count)
        if gift_balance is None and campaign.kind is Kind.GIFT_CARD:
            # Gift cards start with the balance their definition names.
            gift_balance = (campaign.options.get("gift_card") or {}).get("balance")
        now = self.clock()
        made = insert_random_codes(
            self._sessions, campaign_id, pattern, count, now=now, batch_size=batch_size, progress=progress,
            gift_balance=gift_balance,
        )

        def log(session: Session) -> None:
            audit.record(session, at=now, actor=actor, action="codes.generate", object_type="campaign",
                         object_id=campaign_id, after={"generated": made})

        self._write(log)
        return made

    def get_code(self, code: str) -> CodeInfo:
        with self._read() as session:
            return convert.code_info(self._code_row(session, code))

    def list_codes(
        self,
        campaign_id: str,
        *,
        prefix: str | None = None,
        status: str | None = None,
        holder_id: str | None = None,
        limit: int = 100,
        after: str | None = None,
        count_total: bool | None = None,
    ) -> CodePage:
        """A page of a campaign's codes in code order; pass `next_after` back as `after`.

        `prefix` keeps the codes that start with it (as shoppers type it: case and surrounding
        spaces ignored). Paged by key, never by OFFSET: a page is the `limit` codes after
        `after`, read off the (campaign_id, code) index, so the thousandth page costs what the
        first does, and a code added or removed between pages neither repeats nor hides another.
        `total` counts every code matching the filters, which reads all of them; it is counted
        with `count_total`, by default on the first page only, and None when not counted.
        """
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidRequest(f"limit must be between 1 and {MAX_PAGE}", code="invalid_limit")
        matching = [CodeRow.campaign_id == campaign_id]
        if status is not None:
            matching.append(CodeRow.status == status)
        if holder_id is not None:
            matching.append(CodeRow.holder_id == holder_id)
        start = normalise_code(prefix) if prefix else None
        if start:
            matching.append(starts_with(CodeRow.code, start))
        # Where the index starts reading: past the cursor, or at the prefix while the cursor is
        # before it (LIKE implies that bound but is no range). Past it the prefix bound is left
        # out, so the database cannot choose to start reading at the prefix instead of the cursor.
        after = normalise_code(after) if after is not None else None
        bounds = [] if after is None else [CodeRow.code > after]
        if start and (after is None or after < start):
            bounds.append(CodeRow.code >= start)
        page = select(CodeRow).where(*matching, *bounds).order_by(CodeRow.code).limit(limit + 1)
        with self._read() as session:
            self._campaign_row(session, campaign_id)
            total = None
            if count_total or (count_total is None and after is None):
                starting = [CodeRow.code >= start] if start else []
                total = session.scalar(select(func.count()).select_from(CodeRow).where(*matching, *starting)) or 0
            rows = list(session.scalars(page))
        more = len(rows) > limit
        rows = rows[:limit]
        return CodePage(tuple(convert.code_info(r) for r in rows), total, rows[-1].code if more and rows else None)

    def customer_codes(self, customer_id: str) -> list[CodeInfo]:
        """Every code published to the customer (their wallet), oldest first."""
        with self._read() as session:
            rows = session.scalars(select(CodeRow).where(CodeRow.holder_id == customer_id).order_by(CodeRow.id))
            return [convert.code_info(r) for r in rows]

    def set_code_status(self, code: str, status: str, *, actor: str = "system") -> CodeInfo:
        """``status`` is ``active``/``disabled`` (or the actions ``enable``/``disable``)."""
        target = CODE_STATUS_ACTIONS.get(status) or _enum_or_none(CodeStatus, status)
        if target is None:
            raise InvalidRequest(
                f"unknown code status {status!r}; expected active or disabled", code="invalid_status"
            )

        def work(session: Session) -> CodeInfo:
            row = self._code_row(session, code, lock=True)
            if row.status != target:
                before = convert.code_snapshot(row)
                row.status = target.value
                session.flush()
                audit.record(session, at=self.clock(), actor=actor, action=f"code.{target.value}", object_type="code",
                             object_id=row.code, before=before, after=convert.code_snapshot(row))
            return convert.code_info(row)

        return self._write(work)

    # ------------------------------------------------------------------ customers and catalogue

    def upsert_customer(self, customer: Customer, *, actor: str = "system") -> Customer:
        """Create or replace a customer's profile (the password hash, if any, is kept)."""
        _check_lengths("customer", customer.id, id=(customer.id, 64), email=(customer.email, 320),
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
            now = self.clock()
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

        return self._write(work)

    def get_customer(self, customer_id: str) -> Customer:
        with self._read() as session:
            return convert.customer_profile(self._customer_row(session, customer_id))

    def find_customer_by_email(self, email: str) -> tuple[Customer, str | None]:
        """(profile, password hash) of the customer with this email, for signing in."""
        with self._read() as session:
            row = session.scalar(select(CustomerRow).where(CustomerRow.email == email))
            if row is None:
                raise NotFound(f"no customer with email {email!r}", code="customer_not_found")
            return convert.customer_profile(row), row.password_hash

    def set_password_hash(self, customer_id: str, password_hash: str | None, *, actor: str = "system") -> None:
        def work(session: Session) -> None:
            row = self._customer_row(session, customer_id)
            row.password_hash = password_hash
            audit.record(session, at=self.clock(), actor=actor, action="customer.password", object_type="customer",
                         object_id=customer_id)

        self._write(work)

    def set_accepts_marketing(self, customer_id: str, accepts: bool, *, actor: str = "system") -> Customer:
        """Record whether the customer may be sent offers, and nothing else of the profile (a
        read-then-upsert could put back counters an order changed in between)."""
        if not isinstance(accepts, bool):
            raise InvalidRequest(f"accepts_marketing must be true or false, got {accepts!r}", code="invalid_customer")

        def work(session: Session) -> Customer:
            row = self._customer_row(session, customer_id)
            if row.accepts_marketing != accepts:
                row.accepts_marketing = accepts
                row.updated_at = self.clock()
                audit.record(session, at=row.updated_at, actor=actor, action="customer.marketing",
                             object_type="customer", object_id=customer_id,
                             before={"accepts_marketing": not accepts}, after={"accepts_marketing": accepts})
            return convert.customer_profile(row)

        return self._write(work)

    def upsert_category(self, category: Category) -> Category:
        def work(session: Session) -> Category:
            row = session.get(CategoryRow, category.slug) or CategoryRow(slug=category.slug)
            row.name, row.description, row.position = category.name, category.description, category.position
            session.add(row)
            session.flush()
            return convert.category_record(row)

        return self._write(work)

    def upsert_product(self, product: Product) -> Product:
        _check_lengths("product", product.sku, sku=(product.sku, 64), name=(product.name, 200), image=(product.image, 500))
        if product.price < 0:
            raise InvalidRequest(f"product {product.sku}: price cannot be negative", code="invalid_product")

        def work(session: Session) -> Product:
            row = session.get(ProductRow, product.sku) or ProductRow(sku=product.sku)
            row.name, row.price, row.description, row.image = product.name, product.price, product.description, product.image
            row.categories, row.collections = list(product.categories), list(product.collections)
            row.extra, row.position = dict(product.metadata), product.position
            session.add(row)
            session.flush()
            return convert.product_record(row)

        return self._write(work)

    def list_categories(self) -> list[Category]:
        with self._read() as session:
            rows = session.scalars(select(CategoryRow).order_by(CategoryRow.position, CategoryRow.slug))
            return [convert.category_record(r) for r in rows]

    def list_products(self, *, category: str | None = None) -> list[Product]:
        with self._read() as session:
            rows = session.scalars(select(ProductRow).order_by(ProductRow.position, ProductRow.sku))
            products = [convert.product_record(r) for r in rows]
        if category is not None:
            products = [p for p in products if category in p.categories]
        return products

    def get_product(self, sku: str) -> Product:
        with self._read() as session:
            row = session.get(ProductRow, sku)
            if row is None:
                raise NotFound(f"no product with SKU {sku!r}", code="product_not_found")
            return convert.product_record(row)

    # ------------------------------------------------------------------ referrals, gift cards, points (promo.services.incentives)

    def referral_code_for(self, customer_id: str, campaign_id: str | None = None) -> ReferralCode:
        """The customer's personal referral code (of the first active referral campaign unless
        one is named), made on the first call; later calls return the same code."""
        return self.incentives.referral_code_for(customer_id, campaign_id)

    def referral_summary(self, customer_id: str, campaign_id: str | None = None) -> ReferralSummary:
        return self.incentives.referral_summary(customer_id, campaign_id)

    def referral_event(self, customer_id: str, event: str) -> list[ReferralConversion]:
        """Convert the friend's referrals that wait for `event` (campaign option ``conversion``)."""
        return self.incentives.referral_event(customer_id, event)

    def gift_card_balance(self, code: str) -> GiftCardBalance:
        """The card's balance and its ledger, newest first."""
        return self.incentives.gift_card_balance(code)

    def customer_gift_cards(self, customer_id: str) -> list[GiftCardBalance]:
        return self.incentives.customer_gift_cards(customer_id)

    def gift_card_payments(self, codes: Iterable[str], total: int, customer_id: str | None = None, *,
                           currency: str | None = None) -> list[GiftCardPayment]:
        """What the gift cards among `codes` would pay towards `total`, in entry order; with the
        order's `currency`, cards in another currency are left out, as redeem refuses them."""
        return self.incentives.gift_card_payments(list(codes), total, customer_id, currency=currency)

    def order_gift_card_payments(self, order_ref: str) -> list[GiftCardPayment]:
        return self.incentives.order_gift_card_payments(order_ref)

    def issue_gift_card(self, campaign_id: str, *, balance: int | None = None, code: str | None = None,
                        customer_id: str | None = None, actor: str = "system") -> GiftCardBalance:
        """A new gift card (its code drawn from the pattern unless given), optionally in a wallet."""
        return self.incentives.issue_gift_card(campaign_id, balance=balance, code=code, customer_id=customer_id,
                                               actor=actor)

    def top_up_gift_card(self, code: str, amount: int, *, actor: str = "system") -> GiftCardBalance:
        return self.incentives.top_up_gift_card(code, amount, actor=actor)

    def points_accounts(self, customer_id: str) -> list[PointsAccount]:
        """The customer's points in every running loyalty programme, with rewards and ledger."""
        return self.incentives.points_accounts(customer_id)

    def points_account(self, customer_id: str, campaign_id: str) -> PointsAccount:
        return self.incentives.points_account(customer_id, campaign_id)

    def spend_points(self, customer_id: str, campaign_id: str, reward: int, *,
                     idempotency_key: str | None = None) -> PointsSpend:
        """Spend points on reward number `reward`; its code goes to the wallet. Conflict
        ``insufficient_points`` when the balance is short; the same key spends once."""
        return self.incentives.spend_points(customer_id, campaign_id, reward, idempotency_key=idempotency_key)

    # ------------------------------------------------------------------ qualify / validate

    def qualify(
        self, customer: Customer | str | None, cart: Cart, context: Context | None = None,
        *, touching_cart: bool = False, visible_only: bool = False,
    ) -> list[Offer]:
        """Every offer the customer could use now, each evaluated on this cart alone, best first.

        Auto promotions, listed public codes and the codes in the customer's wallet. Eligible
        offers come first by discount, then near misses (an unmet minimum, with a hint) by
        progress, then the rest. Counters are read live, so an exhausted budget shows at once.

        With `touching_cart`, promotions and public codes are only those that could apply to this
        cart's items and this customer's segments, or hint at what to add (promo.core.index), as a
        cart's nudges need. With `visible_only`, they are only those whose visibility shows them
        to this customer in this context (`Offer.visible`; promo.core.visibility), as pages that list
        offers need. Either way the wallet is listed whole. Without them every offer is listed.
        """
        if touching_cart and visible_only:
            raise InvalidRequest("qualify takes touching_cart or visible_only, not both")
        context = context or self.context()
        with self._read() as session:
            profile = self._profile(session, customer)
            loader = self._loader(session, profile, context, cart)
            if touching_cart:
                active = self._active.current(session)
                slots = (loader.touching_promotions(active, cart, profile, hints=True)
                         + loader.touching_public_codes(active, cart, profile) + loader.wallet())
            elif visible_only:
                active = self._active.current(session)
                slots = (loader.promotion_slots(active.listed_promotions.shown(profile, context))
                         + loader.public_code_slots(active.listed_coupons.shown(profile, context)) + loader.wallet())
            else:
                slots = loader.promotions() + loader.public_codes() + loader.wallet()
        offers = []
        seen: set[tuple[str, str | None]] = set()
        for slot in slots:
            if slot.key in seen:
                continue
            seen.add(slot.key)
            alone = evaluate([slot.candidate], cart, profile, context, max_offers=self.max_offers)
            offers.append(self._offer(slot, alone.offers[0], profile, context))
        return sorted(offers, key=_best_first)

    def validate(
        self,
        customer: Customer | str | None,
        cart: Cart,
        codes: Iterable[str] = (),
        context: Context | None = None,
        *,
        declined_codes: Iterable[str] = (),
    ) -> Evaluation:
        """The evaluation redeem() would make now, with no side effects.

        Coupons with ``auto_apply`` apply their public code when it helps, as if entered, except
        those in `declined_codes` (the shopper removed them); they are among the applied offers
        (with their code) but not in ``Evaluation.codes``, which reports the entered ones."""
        context = context or self.context()
        entered = _entered_codes(codes)
        declined = _entered_codes(declined_codes)
        with self._read() as session:
            profile = self._profile(session, customer)
            offers = self._offers(session, profile, context, cart, entered, declined)
        return self._evaluate(offers, cart, profile, context, entered)

    # ------------------------------------------------------------------ redeem

    def redeem(
        self,
        customer: Customer | str | None,
        cart: Cart,
        codes: Iterable[str] = (),
        *,
        order_ref: str | None = None,
        idempotency_key: str | None = None,
        context: Context | None = None,
        declined_codes: Iterable[str] = (),
    ) -> RedemptionResult:
        """Evaluate again and, in one transaction, record the order and its redemption, take every
        counter and consume the budgets.

        Raises RedemptionRefused (``code`` = the reason, e.g. ``code_not_found``) when an entered
        code does not apply, LimitExceeded (``quantity_exceeded``, ``customer_limit_reached``,
        ``campaign_limit_reached``, ``budget_exhausted``) when a limit is used up, Conflict for a
        reused order_ref or an idempotency key reused with another payload. The same key with the
        same payload returns the first result (``replayed=True``) and redeems nothing again.
        Auto promotions that cannot apply are simply left out of the order, and so are auto_apply
        codes (validate() says which apply); `declined_codes` are not applied for the shopper.
        """
        entered = _entered_codes(codes)
        declined = _entered_codes(declined_codes)
        request_hash = idempotency.fingerprint(_redeem_payload(customer, cart, entered, order_ref, context, declined))
        if order_ref is not None and not (isinstance(order_ref, str) and 0 < len(order_ref) <= 128):
            raise InvalidRequest("order_ref must be 1 to 128 characters long", code="invalid_order_ref")
        if idempotency_key is not None and not isinstance(idempotency_key, str):
            raise InvalidRequest("an idempotency key must be a string", code="invalid_idempotency_key")
        for line in cart.lines:
            _check_lengths("cart line", line.sku, sku=(line.sku, 64), name=(line.name, 200))
        ref = order_ref or f"ord_{secrets.token_hex(8)}"
        lost: _LostRace | None = None
        for _ in range(MAX_REDEEM_ATTEMPTS):
            try:
                return self._write(
                    lambda session: self._redeem_once(session, customer, cart, entered, ref, idempotency_key,
                                                      request_hash, context, declined)
                )
            except _LostRace as race:
                lost = race
        assert lost is not None
        raise _refusal_error({lost.code or lost.campaign_id: (lost.reason, message_for(lost.reason))})

    def _redeem_once(
        self,
        session: Session,
        customer: Customer | str | None,
        cart: Cart,
        entered: list[str],
        order_ref: str,
        idempotency_key: str | None,
        request_hash: str,
        context: Context | None,
        declined: Sequence[str] = (),
    ) -> RedemptionResult:
        now = self.clock()
        if idempotency_key is not None:
            stored = idempotency.claim(session, idempotency_key, "redeem", request_hash, now)
            if stored is not None:
                return RedemptionResult.from_dict(stored).as_replay()
        # The server's clock decides timing and limit periods, never the caller's.
        local_now = now.astimezone(self.tz)
        context = replace(context, now=local_now) if context is not None else Context(now=local_now, page="checkout", locale=self.locale)
        profile = self._profile(session, customer, create=True)
        if session.scalar(select(OrderRow.id).where(OrderRow.order_ref == order_ref)) is not None:
            raise Conflict(f"an order with reference {order_ref!r} already exists", code="order_exists")

        offers = self._offers(session, profile, context, cart, entered, declined)
        evaluation = self._evaluate(offers, cart, profile, context, entered)
        refused = {
            code: (result.reason, result.message)
            for code, result in evaluation.codes.items()
            if result.status is Status.NOT_APPLICABLE
        }
        if refused:
            raise _refusal_error(refused)

        applied = list(evaluation.applied)
        slots = [offers.slot(offer.campaign_id, offer.code) for offer in applied]
        self._take_counters(session, profile, list(zip(applied, slots)), order_value=cart.subtotal)
        faults.point("redeem.counters_taken")   # crash tests: counters taken, nothing recorded yet

        order = OrderRow(
            order_ref=order_ref, customer_id=profile.id, currency=evaluation.currency, status=OrderStatus.PLACED.value,
            subtotal=evaluation.subtotal, discount=evaluation.discount, shipping=evaluation.shipping,
            shipping_discount=evaluation.shipping_discount, total=evaluation.total, created_at=now,
        )
        order.lines = [
            OrderLineRow(
                position=index, sku=priced.line.sku, name=priced.line.name, unit_price=priced.line.unit_price,
                quantity=priced.line.quantity, categories=sorted(priced.line.categories),
                collections=sorted(priced.line.collections), discount=priced.discount, added_by=priced.added_by,
            )
            for index, priced in enumerate(evaluation.lines)
        ]
        session.add(order)
        session.flush()
        redemption = RedemptionRow(
            order_id=order.id, customer_id=profile.id, status=RedemptionStatus.SUCCEEDED.value,
            idempotency_key=idempotency_key, created_at=now,
        )
        redemption.items = [
            RedemptionItemRow(
                position=index, campaign_id=offer.campaign_id, code_id=slot.code_id, code=offer.code,
                discount=offer.discount, shipping_discount=offer.shipping_discount,
                line_discounts=list(offer.line_discounts), order_value=cart.subtotal,
                usage_keys=list(slot.usage_keys), status=ItemStatus.SUCCEEDED.value,
            )
            for index, (offer, slot) in enumerate(zip(applied, slots))
        ]
        session.add(redemption)
        if profile.id is not None:
            session.execute(
                update(CustomerRow)
                .where(CustomerRow.id == profile.id)
                .values(orders_count=CustomerRow.orders_count + 1, total_spent=CustomerRow.total_spent + order.total,
                        last_order_at=now)
            )
        session.flush()
        # Gift cards pay what is left, points are earned, a referral is recorded: same transaction.
        self.incentives.after_redeem(session, order, redemption, entered, now)
        set_aside = tuple(
            SetAsideCode(code, result.campaign_id or None, result.reason, result.message)
            for code, result in evaluation.codes.items()
            if result.status is Status.SET_ASIDE
        )
        result = convert.redemption_result(redemption, order, set_aside)
        self._emit(session, "redemption.succeeded", result.to_dict(), customer_id=profile.id)
        if idempotency_key is not None:
            idempotency.store(session, idempotency_key, result.to_dict())
        faults.point("redeem.before_commit")   # crash tests: everything written, not committed
        return result

    def _take_counters(
        self, session: Session, profile: Customer, taken: list[tuple[OfferResult, Slot]], *, order_value: int
    ) -> None:
        """Take every counter of the applied offers, in one global order (codes, campaigns,
        customer usage; each sorted) so concurrent transactions never deadlock."""
        taken = sorted(taken, key=lambda pair: (pair[0].campaign_id, pair[0].code or ""))
        for offer, slot in taken:
            if slot.code_id is not None and not counters.take_code(session, slot.code_id, slot.campaign.limits.per_code):
                raise _LostRace(Reason.QUANTITY_EXCEEDED, offer.campaign_id, offer.code)
        for offer, slot in taken:
            if not counters.take_campaign(session, offer.campaign_id, slot.campaign.limits,
                                          discount=offer.total_discount, order_value=order_value):
                raise _LostRace(self._campaign_block(session, slot, order_value), offer.campaign_id, offer.code)
        if profile.id is None:
            return
        for offer, slot in taken:
            if not counters.take_customer_usage(session, offer.campaign_id, profile.id, slot.usage_keys, slot.caps):
                raise _LostRace(Reason.CUSTOMER_LIMIT_REACHED, offer.campaign_id, offer.code)

    def _campaign_block(self, session: Session, slot: Slot, order_value: int) -> Reason:
        row = session.execute(
            select(CampaignRow.status, CampaignRow.redemptions_count, CampaignRow.budget_used, CampaignRow.order_value_used)
            .where(CampaignRow.id == slot.campaign.id)
        ).one()
        if row.status != CampaignStatus.ACTIVE:
            return Reason.CAMPAIGN_PAUSED
        usage = Usage(row.redemptions_count, row.budget_used, row.order_value_used)
        reason = blocked_reason(slot.campaign.limits, usage, customer_id="-", local_now=self.now(), order_value=order_value)
        return reason or Reason.BUDGET_EXHAUSTED

    # ------------------------------------------------------------------ rollback

    def rollback(
        self, redemption_id: int, *, reason: str, item_id: int | None = None, actor: str = "system"
    ) -> RedemptionResult:
        """Withdraw a whole redemption (item_id=None) or one stacked child; see the module doc.

        Idempotent: what is already rolled back stays as it is and the current state is returned.
        """
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidRequest("a rollback needs a reason", code="invalid_reason")
        _check_id("redemption id", redemption_id)
        if item_id is not None:
            _check_id("item id", item_id)

        def work(session: Session) -> RedemptionResult:
            redemption = session.scalar(for_update(select(RedemptionRow).where(RedemptionRow.id == redemption_id), session))
            if redemption is None:
                raise NotFound(f"no redemption {redemption_id}", code="redemption_not_found")
            items = list(redemption.items)
            if item_id is not None:
                items = [item for item in items if item.id == item_id]
                if not items:
                    raise NotFound(f"redemption {redemption_id} has no item {item_id}", code="redemption_item_not_found")
            order = session.get(OrderRow, redemption.order_id)
            before = convert.redemption_result(redemption, order).to_dict()
            now = self.clock()
            withdrawn = [item for item in sorted(items, key=lambda i: (i.campaign_id, i.code or "")) if self._withdraw(session, item, reason, now)]
            for item in withdrawn:
                if item.code_id is not None:
                    counters.restore_code(session, item.code_id)
            for item in withdrawn:
                counters.restore_campaign(session, item.campaign_id, discount=item.discount + item.shipping_discount,
                                          order_value=item.order_value)
            if redemption.customer_id is not None:
                for item in withdrawn:
                    counters.restore_customer_usage(session, item.campaign_id, redemption.customer_id, item.usage_keys)
            counted_total = order.total   # what the customer's total_spent holds for this order
            for item in withdrawn:
                self._remove_from_order(order, item)
            cancel = item_id is None and order.status == OrderStatus.PLACED
            if redemption.customer_id is not None and (withdrawn or cancel):
                # A cancelled order no longer counts; a kept one now costs what was withdrawn more.
                spent = -counted_total if cancel else order.total - counted_total
                self._adjust_customer(session, redemption.customer_id, spent=spent, orders=-1 if cancel else 0)
            if cancel:
                order.status = OrderStatus.CANCELLED.value
            if withdrawn or cancel:
                self.incentives.after_rollback(session, order, withdrawn, cancelled=cancel, now=now)
            remaining = [i for i in redemption.items if i.status == ItemStatus.SUCCEEDED]
            new_status = RedemptionStatus.SUCCEEDED
            if not remaining and (redemption.items or cancel):
                new_status = RedemptionStatus.ROLLED_BACK
            elif len(remaining) < len(redemption.items):
                new_status = RedemptionStatus.PARTIALLY_ROLLED_BACK
            if withdrawn or cancel:
                redemption.status = new_status.value
                redemption.rollback_reason = reason
                redemption.rolled_back_at = now
                session.flush()
                result = convert.redemption_result(redemption, order)
                audit.record(session, at=now, actor=actor, action="redemption.rollback", object_type="redemption",
                             object_id=str(redemption_id), before=before,
                             after={**result.to_dict(), "item_id": item_id, "reason": reason})
                self._emit(session, "redemption.rolled_back", {**result.to_dict(), "item_id": item_id, "reason": reason},
                           customer_id=redemption.customer_id)
                return result
            return convert.redemption_result(redemption, order)

        return self._write(work)

    @staticmethod
    def _withdraw(session: Session, item: RedemptionItemRow, reason: str, now: datetime) -> bool:
        """Mark the item rolled back, unless someone already did (then False)."""
        changed = session.execute(
            update(RedemptionItemRow)
            .where(RedemptionItemRow.id == item.id, RedemptionItemRow.status == ItemStatus.SUCCEEDED.value)
            .values(status=ItemStatus.ROLLED_BACK.value, rollback_reason=reason, rolled_back_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.refresh(item)
        return changed == 1

    @staticmethod
    def _remove_from_order(order: OrderRow, item: RedemptionItemRow) -> None:
        for line, share in zip(order.lines, item.line_discounts):
            line.discount = max(0, line.discount - share)
        order.discount = max(0, order.discount - item.discount)
        order.shipping_discount = max(0, order.shipping_discount - item.shipping_discount)
        order.total = order.subtotal - order.discount + order.shipping - order.shipping_discount

    @staticmethod
    def _adjust_customer(session: Session, customer_id: str, *, spent: int, orders: int) -> None:
        row = session.get(CustomerRow, customer_id)
        if row is None:
            return
        row.total_spent = max(0, row.total_spent + spent)
        row.orders_count = max(0, row.orders_count + orders)

    def get_redemption(self, redemption_id: int) -> RedemptionResult:
        _check_id("redemption id", redemption_id)
        with self._read() as session:
            redemption = session.get(RedemptionRow, redemption_id)
            if redemption is None:
                raise NotFound(f"no redemption {redemption_id}", code="redemption_not_found")
            return convert.redemption_result(redemption, session.get(OrderRow, redemption.order_id))

    def list_redemptions(self, *, customer_id: str | None = None, limit: int = 50) -> list[RedemptionResult]:
        """Newest first; `customer_id` narrows to one customer's orders (the wallet's history)."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidRequest(f"limit must be between 1 and {MAX_PAGE}", code="invalid_limit")
        statement = select(RedemptionRow).order_by(RedemptionRow.id.desc()).limit(limit)
        if customer_id is not None:
            statement = statement.where(RedemptionRow.customer_id == customer_id)
        with self._read() as session:
            rows = list(session.scalars(statement))
            orders = {o.id: o for o in session.scalars(select(OrderRow).where(OrderRow.id.in_([r.order_id for r in rows])))}
            return [convert.redemption_result(r, orders[r.order_id]) for r in rows]

    # ------------------------------------------------------------------ publish

    def publish(
        self, campaign_id: str, customer_id: str, *, source_id: str | None = None, actor: str = "system"
    ) -> Publication:
        """Give the customer a code of the campaign: an unassigned code from its pool, or its
        public code. The same `source_id` returns the same publication (and code) every time.
        Raises PoolEmpty (409, ``pool_empty``) when no unassigned code is left.
        """
        if source_id is not None and not (isinstance(source_id, str) and 0 < len(source_id) <= 255):
            raise InvalidRequest("source_id must be 1 to 255 characters long", code="invalid_source_id")

        return self._write(lambda session: self._publish_in(session, campaign_id, customer_id, source_id, actor))

    def _publish_in(self, session: Session, campaign_id: str, customer_id: str, source_id: str | None, actor: str) -> Publication:
        """publish() inside the caller's transaction (distribution rules publish with the event that fired them)."""
        row = self._campaign_row(session, campaign_id)
        if row.status == CampaignStatus.ARCHIVED:
            raise Conflict(f"campaign {campaign_id!r} is archived", code="campaign_archived")
        self._customer_row(session, customer_id)
        if source_id is not None:
            earlier = session.scalar(
                select(PublicationRow).where(PublicationRow.campaign_id == campaign_id, PublicationRow.source_id == source_id)
            )
            if earlier is not None:
                if earlier.customer_id != customer_id:
                    raise Conflict(
                        f"source_id {source_id!r} was already used to publish to another customer",
                        code="source_id_reused",
                    )
                return convert.publication(earlier, session.get(CodeRow, earlier.code_id), created=False)
        campaign = self._campaign(row)
        now = self.clock()
        if campaign.code:
            code_row = self._code_row(session, campaign.code)
        else:
            code_row = self._assign_pool_code(session, campaign_id, customer_id, expires_at=code_expiry(campaign, now))
        publication = PublicationRow(
            campaign_id=campaign_id, customer_id=customer_id, code_id=code_row.id, code=code_row.code,
            source_id=source_id, created_at=now,
        )
        session.add(publication)
        session.flush()
        audit.record(session, at=now, actor=actor, action="code.publish", object_type="code", object_id=code_row.code,
                     after={"campaign_id": campaign_id, "customer_id": customer_id, "source_id": source_id,
                            "expires_at": _iso(code_row.expires_at) if code_row.expires_at else None})
        result = convert.publication(publication, code_row)
        self._emit(session, "publication.created", {"publication": result, "actor": actor}, customer_id=customer_id)
        return result

    def _assign_pool_code(self, session: Session, campaign_id: str, customer_id: str, *,
                          expires_at: datetime | None) -> CodeRow:
        """Give the customer an unassigned code of the pool; `expires_at` is its own end (code_expiry)."""
        free = (
            select(CodeRow.id)
            .where(CodeRow.campaign_id == campaign_id, CodeRow.holder_id.is_(None), CodeRow.status == "active",
                   CodeRow.redeemed_count == 0)
            .order_by(CodeRow.id)
            .limit(1)
        )
        if dialect_of(session) == "postgresql":
            free = free.with_for_update(skip_locked=True)
        for _ in range(MAX_WRITE_ATTEMPTS):
            code_id = session.scalar(free)
            if code_id is None:
                raise PoolEmpty(
                    f"campaign {campaign_id!r} has no unassigned codes left; generate more codes first",
                    details={"campaign_id": campaign_id},
                )
            taken = session.execute(
                update(CodeRow).where(CodeRow.id == code_id, CodeRow.holder_id.is_(None))
                .values(holder_id=customer_id, expires_at=expires_at)
                .execution_options(synchronize_session=False)
            ).rowcount
            if taken == 1:
                row = session.get(CodeRow, code_id)
                session.refresh(row)
                return row
        raise Conflict("could not reserve a code; try again", code="busy")

    def renew_publication(
        self, publication_id: int, *, as_of: datetime | None = None, actor: str = "system"
    ) -> Publication:
        """Give a published code that is still unused the end a publication at `as_of` (default
        now) would give it (code_expiry), so a code handed out days ago, say a demo persona's
        birthday code, is valid again for its campaign's `valid_days` from that day. The
        publication keeps its id, code and date. When the end moves it is audited (code.renew)
        and announced (publication.renewed); nothing happens when it would not move or the
        campaign's codes have no end of their own. A redeemed code keeps its end: Conflict
        (``code_used``). NotFound (``publication_not_found``) for an unknown id.
        """
        if as_of is not None and as_of.tzinfo is None:
            raise InvalidRequest("as_of must carry a time zone", code="invalid_as_of")
        return self._write(lambda session: self._renew_publication_in(session, publication_id, as_of, actor))

    def _renew_publication_in(self, session: Session, publication_id: int, as_of: datetime | None,
                              actor: str) -> Publication:
        row = session.get(PublicationRow, publication_id)
        if row is None:
            raise NotFound(f"no publication {publication_id}", code="publication_not_found")
        code_row = session.scalar(for_update(select(CodeRow).where(CodeRow.id == row.code_id), session))
        campaign = self._campaign(self._campaign_row(session, row.campaign_id))
        now = self.clock()
        # A campaign's public code is everyone's: it never gets an end of its own.
        end = None if campaign.code else code_expiry(campaign, as_of or now)
        if end is None:
            return convert.publication(row, code_row, created=False)
        if code_row.redeemed_count:
            raise Conflict(f"code {code_row.code!r} has been used; it keeps its end", code="code_used",
                           details={"code": code_row.code})
        previous = code_row.expires_at
        if previous == end:
            return convert.publication(row, code_row, created=False)
        code_row.expires_at = end
        session.flush()
        audit.record(session, at=now, actor=actor, action="code.renew", object_type="code", object_id=code_row.code,
                     before={"expires_at": _iso(previous) if previous else None},
                     after={"expires_at": _iso(end), "publication_id": row.id})
        result = convert.publication(row, code_row, created=False)
        self._emit(session, "publication.renewed", {"publication": result, "previous_expires_at": previous, "actor": actor},
                   customer_id=row.customer_id)
        return result

    def list_publications(self, customer_id: str) -> list[Publication]:
        with self._read() as session:
            rows = session.execute(
                select(PublicationRow, CodeRow).join(CodeRow, PublicationRow.code_id == CodeRow.id)
                .where(PublicationRow.customer_id == customer_id).order_by(PublicationRow.id)
            )
            return [convert.publication(publication, code) for publication, code in rows]

    # ------------------------------------------------------------------ events (promo.delivery.events, docs/events.md)

    def track(self, customer_id: str, event: str, properties: Mapping[str, Any] | None = None,
              *, actor: str = "system") -> TrackedEvent:
        """Record that something happened to a customer: ``signup``, ``review_left``,
        ``cart_updated`` (properties ``lines``) or any custom event (``order_shipped``). The
        outbox gets ``tracked.<event>``, and distribution rules on it fire in the same transaction."""
        from promo.delivery.tracking import track

        return track(self, customer_id, event, properties, actor=actor)

    @property
    def distributions(self) -> Distributions:
        """Distribution rules: "on event E, if conditions C, publish a code of campaign K"."""
        from promo.delivery.distributions import Distributions

        return Distributions(self)

    @property
    def webhooks(self) -> Webhooks:
        """Webhook endpoints and their deliveries."""
        from promo.delivery.webhooks import Webhooks

        return Webhooks(self)

    def _emit(self, session: Session, event_type: str, payload: Mapping[str, Any], *,
              customer_id: str | None = None) -> Event:
        return emit(EventScope(session, self, self.clock()), event_type, payload, customer_id=customer_id)

    # ------------------------------------------------------------------ audit

    def audit_log(self, *, object_type: str | None = None, object_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        """Newest first."""
        statement = select(AuditRow).order_by(AuditRow.id.desc()).limit(min(max(limit, 1), MAX_PAGE))
        if object_type is not None:
            statement = statement.where(AuditRow.object_type == object_type)
        if object_id is not None:
            statement = statement.where(AuditRow.object_id == object_id)
        with self._read() as session:
            return [
                AuditEntry(r.id, r.at, r.actor, r.action, r.object_type, r.object_id, r.before, r.after)
                for r in session.scalars(statement)
            ]

    def wrong_code_tallies(self, *, days: int = 14) -> list[WrongCodeTally]:
        """Wrong codes entered per UTC day and source (storefront, or api:<key prefix>), for the
        last `days` days including today, newest first: guessing shows up here in aggregate."""
        since = self.clock().astimezone(timezone.utc).date() - timedelta(days=max(days, 1) - 1)
        with self._read() as session:
            return attempts.wrong_code_tallies(session, since=since)

    # ------------------------------------------------------------------ helpers

    def _campaign(self, row: CampaignRow | CampaignInfo) -> Campaign:
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
                log.warning("%s (version %s); carts are priced without it", _unreadable(row.id, parsed).message, row.version)
            cached = (row.version, parsed)
            with self._parsed_lock:
                self._parsed[row.id] = cached
        if isinstance(cached[1], tuple):
            raise _unreadable(row.id, cached[1])
        return cached[1]

    def _stored_code(self, row: CampaignRow) -> str | None:
        """The public code of the stored definition. One that no longer parses still names its
        code, so replacing it with a valid definition disables the old code as usual."""
        try:
            return self._campaign(row).code
        except UnreadableDefinition:
            code = row.definition.get("code") if isinstance(row.definition, dict) else None
            return code if isinstance(code, str) else None

    def campaign_of(self, info: CampaignInfo) -> Campaign:
        """The parsed form of a campaign already read (get_campaign, list_campaigns); raises
        UnreadableDefinition (with every problem) when its stored definition cannot be parsed."""
        return self._campaign(info)

    def definition_errors(self, info: CampaignInfo) -> list[dict[str, str]]:
        """Why the campaign's stored definition cannot be parsed, ``{path, message}`` each; empty
        when it can. Such a campaign is skipped when carts are priced until it is replaced."""
        try:
            self._campaign(info)
        except UnreadableDefinition as error:
            return error.details["errors"]
        return []

    def _campaign_row(self, session: Session, campaign_id: str, *, lock: bool = False) -> CampaignRow:
        statement = select(CampaignRow).where(CampaignRow.id == campaign_id)
        row = session.scalar(for_update(statement, session) if lock else statement)
        if row is None:
            raise NotFound(f"no campaign {campaign_id!r}", code="campaign_not_found")
        return row

    def _code_row(self, session: Session, code: str, *, lock: bool = False) -> CodeRow:
        statement = select(CodeRow).where(CodeRow.code == normalise_code(code))
        row = session.scalar(for_update(statement, session) if lock else statement)
        if row is None:
            raise NotFound(f"no code {normalise_code(code)!r}", code="code_not_found")
        return row

    def _customer_row(self, session: Session, customer_id: str) -> CustomerRow:
        row = session.get(CustomerRow, customer_id)
        if row is None:
            raise NotFound(f"no customer {customer_id!r}", code="customer_not_found")
        return row

    def _add_public_code(self, session: Session, campaign: Campaign, now: datetime) -> None:
        code = normalise_code(campaign.code or "")
        existing = session.scalar(select(CodeRow).where(CodeRow.code == code))
        if existing is not None:
            if existing.campaign_id != campaign.id:
                raise Conflict(f"code {code!r} already belongs to campaign {existing.campaign_id!r}", code="code_taken")
            existing.status = CodeStatus.ACTIVE.value
            return
        session.add(CodeRow(code=code, campaign_id=campaign.id, status="active", redeemed_count=0, created_at=now))
        session.flush()

    def _profile(self, session: Session, customer: Customer | str | None, *, create: bool = False) -> Customer:
        """The customer to evaluate for: a stored profile by id, the given profile, or a guest.

        With `create`, a given profile whose id is not stored yet is stored, so orders and
        per-customer counters can refer to it.
        """
        if customer is None:
            return Customer()
        if isinstance(customer, str):
            return convert.customer_profile(self._customer_row(session, customer))
        if not isinstance(customer, Customer):
            raise InvalidRequest("customer must be a promo.core.domain.Customer, a customer id or None", code="invalid_customer")
        if create and customer.id is not None:
            now = self.clock()
            session.execute(
                insert_ignoring_conflicts(CustomerRow.__table__, dialect_of(session)),
                {**_customer_columns(customer), "id": customer.id, "created_at": now, "updated_at": now},
            )
        return customer

    def _loader(self, session: Session, profile: Customer, context: Context, cart: Cart) -> OfferLoader:
        return OfferLoader(session, self._campaign, customer_id=profile.id,
                           local_now=context.now.astimezone(self.tz), order_value=cart.subtotal, currency=cart.currency)

    def _offers(self, session: Session, profile: Customer, context: Context, cart: Cart, entered: list[str],
                declined: Sequence[str] = ()) -> Offers:
        loader = self._loader(session, profile, context, cart)
        active = self._active.current(session)
        offers = loader.entered(entered)
        # Promotions that cannot apply to this cart (promo.core.index) are not evaluated or reported.
        offers.slots[:0] = loader.touching_promotions(active, cart, profile)
        # Public codes applied for the shopper come last: like promotions, they are left out
        # silently when they do not apply; unlike entered codes, they never refuse an order.
        offers.slots.extend(loader.auto_applied_codes(active, cart, profile, {*entered, *declined}))
        return offers

    def _evaluate(self, offers: Offers, cart: Cart, profile: Customer, context: Context, entered: list[str]) -> Evaluation:
        evaluation = evaluate(offers.candidates, cart, profile, context, unknown_codes=offers.unknown,
                              max_offers=self.max_offers)
        # Report codes in the order they were entered.
        return replace(evaluation, codes={code: evaluation.codes[code] for code in entered if code in evaluation.codes})

    def _offer(self, slot: Slot, result: OfferResult, profile: Customer, context: Context) -> Offer:
        if result.status is Status.APPLIED:
            status = OfferStatus.ELIGIBLE
        elif result.hint is not None and result.reason in (Reason.MINIMUM_NOT_MET, Reason.NO_MATCHING_ITEMS):
            status = OfferStatus.NEAR_MISS
        else:
            status = OfferStatus.NOT_ELIGIBLE
        return Offer(
            campaign_id=slot.campaign.id, name=slot.campaign.name, kind=slot.campaign.kind.value, source=slot.source,
            code=slot.candidate.code, status=status, discount=result.total_discount, reason=result.reason,
            message=result.message, hint=result.hint, visible=is_visible(slot.campaign, profile, context), result=result,
            expires_at=slot.candidate.expires_at,
        )


# ---------------------------------------------------------------------- module helpers

_STATUS_RANK = {OfferStatus.ELIGIBLE: 0, OfferStatus.NEAR_MISS: 1, OfferStatus.NOT_ELIGIBLE: 2}


def _best_first(offer: Offer) -> tuple:
    progress = offer.hint.progress if offer.hint is not None else 0.0
    return (_STATUS_RANK[offer.status], -offer.discount, -progress)


def _entered_codes(codes: Iterable[str]) -> list[str]:
    if isinstance(codes, str):
        raise InvalidRequest("codes must be a list of strings, not one string", code="invalid_codes")
    entered: list[str] = []
    for raw in codes:
        if not isinstance(raw, str):
            raise InvalidRequest(f"codes must be strings, got {raw!r}", code="invalid_codes")
        code = normalise_code(raw)
        if code and code not in entered:
            entered.append(code)
    return entered


def _unreadable(campaign_id: str, errors: Sequence[FieldError]) -> UnreadableDefinition:
    problems = "; ".join(str(problem) for problem in errors)
    return UnreadableDefinition(
        f"campaign {campaign_id!r}: the stored definition can't be read ({problems}); save a valid definition to fix it",
        details={"campaign_id": campaign_id, "errors": _field_errors(errors)},
    )


def _field_errors(errors: Iterable[FieldError]) -> list[dict[str, str]]:
    return [{"path": e.path, "message": e.message} for e in errors]


def _refusal_error(refused: Mapping[str, tuple[Reason, str]]) -> RedemptionRefused:
    details = {"codes": {code: {"reason": reason.value, "message": message} for code, (reason, message) in refused.items()}}
    code, (reason, message) = next(iter(refused.items()))
    error_class = LimitExceeded if reason in LIMIT_REASONS else RedemptionRefused
    return error_class(f"{code}: {message or message_for(reason)}", code=reason.value, details=details)


def _redeem_payload(
    customer: Customer | str | None, cart: Cart, codes: Sequence[str], order_ref: str | None, context: Context | None,
    declined: Sequence[str] = (),
) -> dict[str, Any]:
    # Only the customer's identity: a profile reloaded after the first redemption (one more
    # order) is still the same request.
    who = customer.id if isinstance(customer, Customer) else customer
    return {
        "operation": "redeem",
        "customer": who,
        "cart": {
            "currency": cart.currency,
            "shipping": cart.shipping,
            "lines": [
                [line.sku, line.name, line.unit_price, line.quantity, sorted(line.categories), sorted(line.collections)]
                for line in cart.lines
            ],
        },
        "codes": list(codes),
        "order_ref": order_ref,
        "context": None if context is None else [context.page, context.category, context.product_sku, context.channel],
        # Only when given, so requests stored before declined codes existed keep their fingerprint.
        **({"declined_codes": list(declined)} if declined else {}),
    }


def _customer_columns(customer: Customer) -> dict[str, Any]:
    columns = convert.customer_fields(customer)
    columns["metadata"] = columns.pop("extra")
    return columns


def _json_ready(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The definition as JSON stores it (YAML dates become ISO strings)."""
    if not isinstance(definition, Mapping):
        raise InvalidRequest("a campaign definition must be a mapping", code="invalid_definition")
    try:
        return json.loads(json.dumps(definition, default=_iso))
    except (TypeError, ValueError) as error:
        raise InvalidRequest(f"the campaign definition is not JSON-compatible: {error}", code="invalid_definition") from None


def _iso(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON-compatible")


def _check_id(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        raise InvalidRequest(f"{name} must be a positive integer, got {value!r}", code="invalid_id")


def _check_lengths(what: str, label: str | None, **fields: tuple[str | None, int]) -> None:
    """Refuse text longer than its column, with a message naming the field."""
    for name, (value, limit) in fields.items():
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise InvalidRequest(
                f"{what} {label!r}: {name} must be text of at most {limit} characters", code=f"invalid_{what.replace(' ', '_')}"
            )


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
    return replace(customer, **{name: normalise_text(getattr(customer, name))
                                for name in ("name", "city") if getattr(customer, name)})


def _enum_or_none(enum: type, value: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        return None


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
