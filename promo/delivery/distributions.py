"""Distribution rules: "on event E, if conditions C, publish a code of campaign K to the
customer and notify". The format and the events are documented in docs/events.md.

    engine.distributions.create({"id": "welcome", "name": "Welcome", "event": "signup",
                                 "publish": "welcome-codes"})

Immediate events (signup, order_paid, review_left, custom) fire their rules inside the
transaction of the event itself (a listener of promo.delivery.events), so the code is in the wallet the
moment the order or the signup commits. Scheduled events (birthday, dormant, order_followup,
cart_abandoned) are found by `run_scheduled`, which `flask promo tick` / `flask promo worker`
call.

A rule fires once per customer per period. The period is the rule's `once:` (by default the
event's own occurrence: this order, this birthday's year, this dormant spell, this abandoned
cart). Firing inserts (rule, customer, period_key) under a unique constraint with
INSERT ... ON CONFLICT DO NOTHING, in the transaction that publishes the code; a second worker
racing for the same firing inserts nothing and publishes nothing.
"""
from __future__ import annotations

import builtins  # the class's own list() hides the builtin in its later annotations
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import extract, or_, select
from sqlalchemy.orm import Session

from promo.core.conditions import Condition
from promo.core.domain import CartLine, Context, Customer
from promo.core.errors import Conflict, InvalidRequest, NotFound, PromoError
from promo.core.facts import Facts
from promo.delivery.events import Event, EventScope, emit
from promo.format.definition import DefinitionError, FieldError, parse_condition
from promo.services.publications import Publications
from promo.services.unit_of_work import HasWork, UnitOfWork, work_of
from promo.storage import audit, convert
from promo.storage.database import dialect_of, for_update, insert_ignoring_conflicts
from promo.storage.event_models import CartActivityRow, DistributionFiringRow, DistributionRuleRow
from promo.storage.models import CampaignRow, CodeRow, CustomerRow, OrderRow

MAX_DAYS = 3650
MAX_HOURS = 24 * 90
# Scheduled triggers look this far back past their threshold, so a worker that was down for a
# few days catches up, while years-old orders and carts are left alone.
LOOKBACK = timedelta(days=7)
PERIOD_KEY_LENGTH = 64
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class Trigger(StrEnum):
    SIGNUP = "signup"
    ORDER_PAID = "order_paid"
    REVIEW_LEFT = "review_left"
    CUSTOM = "custom"                  # a custom event sent with Engine.track (custom_event:)
    BIRTHDAY = "birthday"
    DORMANT = "dormant"                # no order for `days` days
    ORDER_FOLLOWUP = "order_followup"  # `days` days after each order (re-engagement)
    CART_ABANDONED = "cart_abandoned"  # cart untouched and not ordered for `hours` hours

    @property
    def scheduled(self) -> bool:
        return self in SCHEDULED


SCHEDULED = frozenset({Trigger.BIRTHDAY, Trigger.DORMANT, Trigger.ORDER_FOLLOWUP, Trigger.CART_ABANDONED})
# Events that track() records itself rather than as a custom event.
BUILT_IN_TRACKED = {"signup": Trigger.SIGNUP, "review_left": Trigger.REVIEW_LEFT}


class Once(StrEnum):
    OCCURRENCE = "occurrence"   # once per occurrence of the event (the default)
    EVER = "ever"
    YEAR = "year"
    MONTH = "month"
    WEEK = "week"
    DAY = "day"


RULE_KEYS = ("id", "name", "description", "event", "custom_event", "days", "hours", "if", "publish", "once",
             "notify", "active")
_NEEDS = {Trigger.DORMANT: "days", Trigger.ORDER_FOLLOWUP: "days", Trigger.CART_ABANDONED: "hours"}
_DEFAULTS = {Trigger.ORDER_FOLLOWUP: 30}


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    event: Trigger
    publish: str                       # campaign id
    condition: Condition | None = None
    once: Once = Once.OCCURRENCE
    days: int | None = None
    hours: int | None = None
    custom_event: str | None = None
    notify: bool = True
    active: bool = True
    description: str = ""


@dataclass(frozen=True)
class RuleInfo:
    id: str
    name: str
    event: str
    active: bool
    definition: Mapping[str, Any]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Firing:
    id: int
    rule_id: str
    customer_id: str
    period_key: str
    status: str            # published / failed
    campaign_id: str
    code: str | None
    error: str | None
    event_id: str | None
    fired_at: datetime


# ---- reading rules ------------------------------------------------------------------------------


def parse_rule(data: Any) -> Rule:
    """Validate a rule as written (YAML or JSON). Raises DefinitionError naming every problem."""
    errors: list[FieldError] = []

    def problem(path: str, message: str) -> None:
        errors.append(FieldError(path, message))

    if not isinstance(data, Mapping):
        raise DefinitionError([FieldError("", f"a distribution rule must be a mapping, got {type(data).__name__}")])
    for key in data:
        if key not in RULE_KEYS:
            problem(str(key), f"unknown key{_suggest(str(key), RULE_KEYS)}; expected one of: {', '.join(RULE_KEYS)}")
    for key in ("id", "name", "event", "publish"):
        if key not in data:
            problem(key, "is required")
    values: dict[str, Any] = {}
    rule_id = data.get("id")
    if "id" in data and not (isinstance(rule_id, str) and _ID.match(rule_id)):
        problem("id", f"must be a lower-case slug (letters, digits, '-', '_'), got {rule_id!r}")
    name = data.get("name")
    if "name" in data and not (isinstance(name, str) and 0 < len(name.strip()) <= 200):
        problem("name", "must be text of 1 to 200 characters")
    description = data.get("description", "")
    if not (isinstance(description, str) and len(description) <= 2000):
        problem("description", "must be text of at most 2000 characters")
    publish = data.get("publish")
    if "publish" in data and not (isinstance(publish, str) and _ID.match(publish)):
        problem("publish", f"must be the id of the campaign whose codes are published, got {publish!r}")
    trigger: Trigger | None = None
    if "event" in data:
        try:
            trigger = Trigger(data["event"])
        except ValueError:
            choices = [t.value for t in Trigger]
            problem("event", f"unknown event {data['event']!r}{_suggest(str(data['event']), choices)}; "
                             f"expected one of: {', '.join(choices)}")
    if trigger is not None:
        needed = _NEEDS.get(trigger)
        for unit, limit in (("days", MAX_DAYS), ("hours", MAX_HOURS)):
            if unit not in data:
                if unit == needed and trigger not in _DEFAULTS:
                    problem(unit, f"is required for event {trigger.value}")
                continue
            if unit != needed:
                problem(unit, f"only applies to {' and '.join(t.value for t, u in _NEEDS.items() if u == unit)}")
                continue
            raw = data[unit]
            if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= limit:
                problem(unit, f"must be a whole number from 1 to {limit}, got {raw!r}")
            else:
                values[unit] = raw
        if needed == "days" and "days" not in values and trigger in _DEFAULTS and "days" not in data:
            values["days"] = _DEFAULTS[trigger]
        custom = data.get("custom_event")
        if trigger is Trigger.CUSTOM:
            if not (isinstance(custom, str) and _EVENT_NAME.match(custom)):
                problem("custom_event", f"must name the tracked event (lower-case, e.g. order_shipped), got {custom!r}")
            elif custom in BUILT_IN_TRACKED or custom == "cart_updated":
                problem("custom_event", f"'{custom}' is a built-in event; use event: {BUILT_IN_TRACKED.get(custom, 'cart_abandoned')}")
            else:
                values["custom_event"] = custom
        elif "custom_event" in data:
            problem("custom_event", "only applies to event: custom")
    if "once" in data:
        try:
            values["once"] = Once(data["once"])
        except ValueError:
            problem("once", f"must be one of {', '.join(o.value for o in Once)}, got {data['once']!r}")
    for flag in ("notify", "active"):
        if flag in data:
            if not isinstance(data[flag], bool):
                problem(flag, f"must be true or false, got {data[flag]!r}")
            else:
                values[flag] = data[flag]
    if "if" in data:
        try:
            values["condition"] = parse_condition(data["if"], "if")
        except DefinitionError as error:
            errors.extend(error.errors)
    if errors:
        raise DefinitionError(errors)
    assert trigger is not None
    return Rule(id=rule_id, name=name.strip(), event=trigger, publish=publish, description=description, **values)


def parse_rules(data: Any, *, prefix: str = "", problems: list[FieldError] | None = None) -> list[tuple[Rule, Mapping[str, Any]]]:
    """A list of rules (a scenario pack's `distributions:`), each with its definition as written.
    Ids must be unique; errors are prefixed with the position ("distributions[2].event").
    Raises DefinitionError, or with `problems` adds to it and returns the valid rules."""
    errors: list[FieldError] = problems if problems is not None else []
    if not isinstance(data, list):
        errors.append(FieldError(prefix, f"must be a list of distribution rules, got {type(data).__name__}"))
        data = []
    rules: list[tuple[Rule, Mapping[str, Any]]] = []
    first: dict[str, int] = {}
    for index, item in enumerate(data):
        where = f"{prefix}[{index}]"
        try:
            rule = parse_rule(item)
        except DefinitionError as error:
            errors += error.prefixed(where).errors
            continue
        if rule.id in first:
            errors.append(FieldError(f"{where}.id", f"'{rule.id}' is already used by {prefix}[{first[rule.id]}]"))
        first.setdefault(rule.id, index)
        rules.append((rule, item))
    if errors and problems is None:
        raise DefinitionError(errors)
    return rules


def _suggest(word: str, choices: Iterable[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _rule_of(row: DistributionRuleRow) -> Rule:
    return parse_rule(row.definition)


def _snapshot(row: DistributionRuleRow) -> dict[str, Any]:
    """What the audit log records of a rule."""
    return {"name": row.name, "event": row.event, "active": row.active, "definition": row.definition}


def _info(row: DistributionRuleRow) -> RuleInfo:
    return RuleInfo(row.id, row.name, row.event, row.active, row.definition, row.created_at, row.updated_at)


def _firing(row: DistributionFiringRow) -> Firing:
    return Firing(row.id, row.rule_id, row.customer_id, row.period_key, row.status, row.campaign_id, row.code,
                  row.error, row.event_id, row.fired_at)


# ---- the service behind engine.distributions -------------------------------------------------------


class Distributions:
    """Create, change, pause and list rules; list firings; run the scheduled ones. Every change
    is written to the audit log (rule.create, rule.update, rule.pause, rule.resume) with its
    `actor`, in the transaction of the change."""

    def __init__(self, work: UnitOfWork) -> None:
        self.work = work

    def parse(self, definition: Mapping[str, Any]) -> Rule:
        try:
            return parse_rule(definition)
        except DefinitionError as error:
            raise InvalidRequest(
                f"the distribution rule is invalid:\n{error}", code="invalid_rule",
                details={"errors": [{"path": e.path, "message": e.message} for e in error.errors]},
            ) from None

    def create(self, definition: Mapping[str, Any], *, actor: str = "system") -> RuleInfo:
        rule = self.parse(definition)
        stored = dict(definition)

        def step(session: Session) -> RuleInfo:
            if session.get(DistributionRuleRow, rule.id) is not None:
                raise Conflict(f"a distribution rule with id {rule.id!r} already exists", code="rule_exists")
            self._check_campaign(session, rule)
            now = self.work.clock()
            row = DistributionRuleRow(id=rule.id, name=rule.name, event=rule.event.value, definition=stored,
                                      active=rule.active, created_at=now, updated_at=now)
            session.add(row)
            session.flush()
            audit.record(session, at=now, actor=actor, action="rule.create", object_type="distribution_rule",
                         object_id=rule.id, after=_snapshot(row))
            return _info(row)

        return self.work.write(step)

    def update(self, rule_id: str, definition: Mapping[str, Any], *, actor: str = "system") -> RuleInfo:
        """Replace a rule's definition (its id cannot change). Earlier firings stay counted, and
        a paused rule stays paused unless the definition says `active:`."""
        stored = {"id": rule_id, **dict(definition)}
        rule = self.parse(stored)
        if rule.id != rule_id:
            raise InvalidRequest(f"the rule's id {rule.id!r} does not match {rule_id!r}; ids cannot change",
                                 code="rule_id_mismatch")

        def step(session: Session) -> RuleInfo:
            row = self._row(session, rule_id, lock=True)
            self._check_campaign(session, rule)
            before = _snapshot(row)
            row.name, row.event, row.definition = rule.name, rule.event.value, stored
            if "active" in stored:      # otherwise a paused rule stays paused, like a campaign
                row.active = rule.active
            row.updated_at = self.work.clock()
            session.flush()
            audit.record(session, at=row.updated_at, actor=actor, action="rule.update",
                         object_type="distribution_rule", object_id=rule_id, before=before, after=_snapshot(row))
            return _info(row)

        return self.work.write(step)

    def set_active(self, rule_id: str, active: bool, *, actor: str = "system") -> RuleInfo:
        """Pause or resume a rule; pausing a paused rule changes nothing and logs nothing."""
        def step(session: Session) -> RuleInfo:
            row = self._row(session, rule_id, lock=True)
            if row.active != active:
                row.active = active
                row.updated_at = self.work.clock()
                session.flush()
                audit.record(session, at=row.updated_at, actor=actor, action="rule.resume" if active else "rule.pause",
                             object_type="distribution_rule", object_id=rule_id,
                             before={"active": not active}, after={"active": active})
            return _info(row)

        return self.work.write(step)

    def get(self, rule_id: str) -> RuleInfo:
        with self.work.read() as session:
            return _info(self._row(session, rule_id))

    def list(self) -> list[RuleInfo]:
        with self.work.read() as session:
            return [_info(r) for r in session.scalars(select(DistributionRuleRow).order_by(DistributionRuleRow.id))]

    def firings(self, *, rule_id: str | None = None, customer_id: str | None = None, limit: int = 100) -> builtins.list[Firing]:
        """Newest first."""
        statement = select(DistributionFiringRow).order_by(DistributionFiringRow.id.desc()).limit(max(1, min(limit, 1000)))
        if rule_id is not None:
            statement = statement.where(DistributionFiringRow.rule_id == rule_id)
        if customer_id is not None:
            statement = statement.where(DistributionFiringRow.customer_id == customer_id)
        with self.work.read() as session:
            return [_firing(r) for r in session.scalars(statement)]

    def run_scheduled(self, *, batch_size: int = 500) -> dict[str, int]:
        """One pass over the scheduled rules; returns {rule id: codes published}."""
        return run_scheduled(self.work, batch_size=batch_size)

    @staticmethod
    def _row(session: Session, rule_id: str, *, lock: bool = False) -> DistributionRuleRow:
        statement = select(DistributionRuleRow).where(DistributionRuleRow.id == rule_id)
        row = session.scalar(for_update(statement, session) if lock else statement)
        if row is None:
            raise NotFound(f"no distribution rule {rule_id!r}", code="rule_not_found")
        return row

    @staticmethod
    def _check_campaign(session: Session, rule: Rule) -> None:
        if session.get(CampaignRow, rule.publish) is None:
            raise InvalidRequest(f"publish: no campaign {rule.publish!r}", code="invalid_rule",
                                 details={"errors": [{"path": "publish", "message": f"no campaign {rule.publish!r}"}]})


# ---- firing ---------------------------------------------------------------------------------------


def period_key(rule: Rule, occurrence: str, local_now: datetime) -> str:
    if rule.once is Once.EVER:
        key = "ever"
    elif rule.once is Once.YEAR:
        key = f"{local_now:%Y}"
    elif rule.once is Once.MONTH:
        key = f"{local_now:%Y-%m}"
    elif rule.once is Once.WEEK:
        year, week, _ = local_now.isocalendar()
        key = f"{year}-W{week:02d}"
    elif rule.once is Once.DAY:
        key = f"{local_now:%Y-%m-%d}"
    else:
        key = occurrence
    return _bounded(key)


def _bounded(key: str) -> str:
    """The key as the firings table stores it (a long one as its digest)."""
    if len(key) > PERIOD_KEY_LENGTH:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()[:PERIOD_KEY_LENGTH - 7]
    return key


def fire(scope: EventScope, rule: Rule, customer: Customer, occurrence: str, *,
         lines: Sequence[CartLine] = (), currency: str | None = None, event_id: str | None = None) -> Firing | None:
    """Fire `rule` for `customer` inside the scope's transaction, unless its conditions fail or it
    already fired in this period. Returns the firing made, or None."""
    work, session = scope.work, scope.session
    local_now = scope.now.astimezone(work.tz)
    if rule.condition is not None:
        context = Context(now=local_now, locale=work.locale)
        facts = Facts.initial(customer, context, tuple(lines), currency or work.currency)
        if not rule.condition.evaluate(facts).ok:
            return None
    key = period_key(rule, occurrence, local_now)
    firings = DistributionFiringRow.__table__
    claimed = session.execute(
        insert_ignoring_conflicts(firings, dialect_of(session), ["rule_id", "customer_id", "period_key"])
        .returning(firings.c.id),
        {"rule_id": rule.id, "customer_id": customer.id, "period_key": key, "status": "published",
         "campaign_id": rule.publish, "event_id": event_id, "fired_at": scope.now},
    ).scalar()
    if claimed is None:      # it fired in this period already (another worker, or an earlier event)
        return None
    row = session.get(DistributionFiringRow, claimed)
    savepoint = session.begin_nested()
    try:
        publication = Publications(work).publish_in(session, rule.publish, customer.id,
                                                    f"rule:{rule.id}:{customer.id}:{key}", f"rule:{rule.id}")
        savepoint.commit()
    except PromoError as error:
        # The period is used up either way: a failure is recorded (and shown) rather than retried
        # on every tick; the marketer fixes the campaign and the next period fires again.
        savepoint.rollback()
        row.status, row.error = "failed", error.message
        session.flush()
        return _firing(row)
    row.code = publication.code
    session.flush()
    if rule.notify and customer.accepts_marketing:
        # A customer who said no to offers still finds the code in the wallet; nobody is asked to
        # email it (publication.created, which publish emitted, carries it for other listeners).
        emit(scope, "distribution.published", {
            "rule_id": rule.id, "rule_name": rule.name, "event": rule.event.value, "period_key": key,
            "campaign_id": rule.publish, "code": publication.code, "publication_id": publication.id,
            "source_id": publication.source_id, "expires_at": publication.expires_at, "trigger_event_id": event_id,
            "customer": {"id": customer.id, "email": customer.email, "name": customer.name},
        }, customer_id=customer.id)
    return _firing(row)


def _active_rules(session: Session, triggers: Iterable[Trigger]) -> list[Rule]:
    rows = session.scalars(select(DistributionRuleRow).where(
        DistributionRuleRow.active.is_(True), DistributionRuleRow.event.in_([t.value for t in triggers]),
    ).order_by(DistributionRuleRow.id))
    return [_rule_of(row) for row in rows]


def _stored_customer(session: Session, customer_id: str | None) -> Customer | None:
    if customer_id is None:
        return None
    row = session.get(CustomerRow, customer_id)
    return convert.customer_profile(row) if row is not None else None


# ---- immediate events: listeners inside the event's transaction ------------------------------------


def on_tracked(scope: EventScope, event: Event) -> None:
    name = event.payload.get("event")
    trigger = BUILT_IN_TRACKED.get(name, Trigger.CUSTOM)
    rules = [r for r in _active_rules(scope.session, [trigger]) if trigger is not Trigger.CUSTOM or r.custom_event == name]
    if not rules:
        return
    customer = _stored_customer(scope.session, event.customer_id)
    if customer is None:
        return
    properties = event.payload.get("properties") or {}
    if trigger is Trigger.SIGNUP:
        occurrence = "signup"
    elif trigger is Trigger.REVIEW_LEFT and properties.get("review_id") is not None:
        occurrence = f"review:{properties['review_id']}"
    else:
        occurrence = event.id
    for rule in rules:
        fire(scope, rule, customer, occurrence, event_id=event.id)


def on_redemption(scope: EventScope, event: Event) -> None:
    rules = _active_rules(scope.session, [Trigger.ORDER_PAID])
    if not rules:
        return
    customer = _stored_customer(scope.session, event.customer_id)
    if customer is None:
        return
    order = event.payload["order"]
    lines = [CartLine(line["sku"], line["name"], line["unit_price"], line["quantity"], frozenset(line["categories"]),
                      frozenset(line["collections"])) for line in order["lines"]]
    for rule in rules:
        fire(scope, rule, customer, f"order:{order['order_ref']}", lines=lines, currency=order["currency"],
             event_id=event.id)


def on_rollback(scope: EventScope, event: Event) -> None:
    """A cancelled order takes back the codes its checkout published (order_paid rules, once per
    occurrence: the order) while they are unused, so cancelling and ordering again cannot collect
    reward codes; a code already redeemed stays, with a note in the audit log. Rules with a longer
    `once` period are left alone: their period is spent whatever happens to the order."""
    order = event.payload["order"]
    if order["status"] != "cancelled" or event.customer_id is None:
        return
    session = scope.session
    key = _bounded(f"order:{order['order_ref']}")   # the period key of a rule fired once per occurrence
    firings = session.scalars(
        select(DistributionFiringRow)
        .join(DistributionRuleRow, DistributionRuleRow.id == DistributionFiringRow.rule_id)
        .where(DistributionFiringRow.customer_id == event.customer_id, DistributionFiringRow.period_key == key,
               DistributionFiringRow.status == "published", DistributionRuleRow.event == Trigger.ORDER_PAID.value)
        .order_by(DistributionFiringRow.id)
    ).all()
    for firing in firings:
        code = session.scalar(select(CodeRow).where(CodeRow.code == firing.code, CodeRow.holder_id == event.customer_id))
        if code is None or code.status != "active":
            continue   # a public code is everybody's: there is nothing of this customer's to take back
        note = {"rule_id": firing.rule_id, "order_ref": order["order_ref"], "reason": event.payload.get("reason")}
        if code.redeemed_count > 0:
            audit.record(session, at=scope.now, actor="system", action="code.kept", object_type="code",
                         object_id=code.code, after={**note, "note": "the order was cancelled after this code was used"})
            continue
        code.status = "disabled"
        session.flush()
        audit.record(session, at=scope.now, actor="system", action="code.withdrawn", object_type="code",
                     object_id=code.code, after={**note, "note": "the order that earned it was cancelled"})
        emit(scope, "distribution.withdrawn", {**note, "campaign_id": firing.campaign_id, "code": code.code,
                                                "customer_id": event.customer_id}, customer_id=event.customer_id)



# ---- scheduled events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    customer_id: str
    occurrence: str
    lines: tuple[CartLine, ...] = ()


def run_scheduled(engine: UnitOfWork | HasWork, *, batch_size: int = 500) -> dict[str, int]:
    """Fire every active scheduled rule for the customers it is due for now. Safe to run from
    several workers at once: each firing is its own transaction, claimed by its unique key."""
    work = work_of(engine)
    published: dict[str, int] = {}
    with work.read() as session:
        rules = _active_rules(session, SCHEDULED)
    for rule in rules:
        count = 0
        for batch in _batches(_candidates(work, rule), batch_size):
            for candidate in _not_fired_yet(work, rule, batch):
                firing = work.write(lambda session, c=candidate, r=rule: _fire_scheduled(work, session, r, c))
                count += firing is not None and firing.status == "published"
        published[rule.id] = count
    return published


def _fire_scheduled(work: UnitOfWork, session: Session, rule: Rule, candidate: _Candidate) -> Firing | None:
    customer = _stored_customer(session, candidate.customer_id)
    if customer is None:
        return None
    scope = EventScope(session, work, work.clock())
    return fire(scope, rule, customer, candidate.occurrence, lines=candidate.lines)


def _batches(items: Iterable[_Candidate], size: int) -> Iterator[list[_Candidate]]:
    batch: list[_Candidate] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _not_fired_yet(work: UnitOfWork, rule: Rule, batch: list[_Candidate]) -> list[_Candidate]:
    """Leave out candidates whose firing exists already, without a write transaction each."""
    local_now = work.now()
    with work.read() as session:
        fired = set(session.execute(
            select(DistributionFiringRow.customer_id, DistributionFiringRow.period_key).where(
                DistributionFiringRow.rule_id == rule.id,
                DistributionFiringRow.customer_id.in_({c.customer_id for c in batch}),
            )
        ).all())
    return [c for c in batch if (c.customer_id, period_key(rule, c.occurrence, local_now)) not in fired]


def _candidates(work: UnitOfWork, rule: Rule) -> list[_Candidate]:
    now = work.clock()
    local_today = work.now().date()
    with work.read() as session:
        if rule.event is Trigger.BIRTHDAY:
            days = [(local_today.month, local_today.day)]
            if (local_today.month, local_today.day) == (2, 28) and not _is_leap(local_today.year):
                days.append((2, 29))
            rows = session.execute(select(CustomerRow.id).where(
                CustomerRow.birthday.is_not(None),
                or_(*[(extract("month", CustomerRow.birthday) == m) & (extract("day", CustomerRow.birthday) == d)
                      for m, d in days]),
            ).order_by(CustomerRow.id))
            return [_Candidate(customer_id, f"birthday:{local_today.year}") for (customer_id,) in rows]
        if rule.event is Trigger.DORMANT:
            rows = session.execute(select(CustomerRow.id, CustomerRow.last_order_at).where(
                CustomerRow.last_order_at <= now - timedelta(days=rule.days or 0),
            ).order_by(CustomerRow.id))
            return [_Candidate(customer_id, f"dormant:{last.isoformat()}") for customer_id, last in rows]
        if rule.event is Trigger.ORDER_FOLLOWUP:
            due = now - timedelta(days=rule.days or 0)
            rows = session.execute(select(OrderRow.customer_id, OrderRow.order_ref).where(
                OrderRow.customer_id.is_not(None), OrderRow.status == "placed",
                OrderRow.created_at <= due, OrderRow.created_at > due - LOOKBACK,
            ).order_by(OrderRow.id))
            return [_Candidate(customer_id, f"order:{ref}") for customer_id, ref in rows]
        if rule.event is Trigger.CART_ABANDONED:
            due = now - timedelta(hours=rule.hours or 0)
            rows = session.execute(
                select(CartActivityRow).join(CustomerRow, CustomerRow.id == CartActivityRow.customer_id).where(
                    CartActivityRow.items_count > 0,
                    CartActivityRow.updated_at <= due, CartActivityRow.updated_at > due - LOOKBACK,
                    or_(CustomerRow.last_order_at.is_(None), CustomerRow.last_order_at < CartActivityRow.updated_at),
                ).order_by(CartActivityRow.customer_id)
            ).scalars()
            return [_Candidate(row.customer_id, f"cart:{row.updated_at.isoformat()}", cart_lines(row.lines)) for row in rows]
    raise AssertionError(f"{rule.event} is not a scheduled event")


def cart_lines(stored: Sequence[Sequence[Any]]) -> tuple[CartLine, ...]:
    return tuple(CartLine(sku, name, price, quantity, frozenset(categories)) for sku, name, price, quantity, categories in stored)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
