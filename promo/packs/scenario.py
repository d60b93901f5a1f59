"""Scenario packs: one YAML or JSON file that sets up a whole demo store.

    pack = read_pack("scenarios/arabica.yaml", today=date(2026, 11, 27))
    report = load_pack(engine, pack, progress=callback)

A pack holds the store settings, categories, products, customers (with persona attributes),
campaigns in the definition format (docs/campaigns.md), bulk code generation requests and
publications. The format is documented in scenarios/README.md.

Reading validates everything before anything is written, and every problem is reported as
"<file>: <path>: <message>" (``ScenarioError``), never as a traceback. Loading is idempotent:
records are upserted by their ids, codes are generated only up to the requested count and
publications are keyed by their ``source_id``, so loading the same pack twice changes nothing.

Flask-free: the ``flask promo load`` command is a thin client of this module.
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from promo.core.campaign import Campaign, MarginFloor
from promo.core.domain import Customer
from promo.core.errors import NotFound, PromoError
from promo.core.reading import Problems
from promo.core.records import Category, CodeStatus, Product, Publication
from promo.delivery.distributions import Rule, parse_rules
from promo.engine import Engine
from promo.format.definition import DefinitionError, FieldError, load_yaml, parse_campaigns, read_moment
from promo.format.readers import read_margin_floor
from promo.packs.scenario_orders import OrderRequest, check_order_references, place_orders, read_order

MAX_MONEY = 10**12
MAX_ITEMS = 100_000           # entries per section
MAX_CODES_PER_REQUEST = 10_000_000
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_RELATIVE_DAY = re.compile(r"^today(?:\s*([+-])\s*(\d{1,5}))?$")

SECTIONS = ("store", "categories", "products", "customers", "personas", "campaigns", "codes", "publications",
            "distributions", "orders")


class ScenarioError(ValueError):
    """Everything wrong with a pack, each problem naming the file and the field's path."""

    def __init__(self, source: str, errors: Iterable[FieldError]) -> None:
        self.source = source
        self.errors = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.source}: {error}" if error.path else f"{self.source}: {error.message}"
                         for error in self.errors)


@dataclass(frozen=True)
class StoreSettings:
    name: str
    currency: str
    locale: str
    timezone: str
    margin_floor: MarginFloor | None = None    # None: the pack leaves the store's floor as it is


@dataclass(frozen=True)
class Persona:
    """A demo shopper one click away in the header: a label and, except for guests, a customer."""

    key: str
    label: str
    customer_id: str | None = None


@dataclass(frozen=True)
class CodeRequest:
    """Make sure `campaign_id` holds at least `count` bulk codes."""

    campaign_id: str
    count: int


@dataclass(frozen=True)
class PublicationRequest:
    campaign_id: str
    customer_id: str
    source_id: str


@dataclass(frozen=True)
class ScenarioPack:
    source: str
    store: StoreSettings | None
    # The day relative dates were resolved against, and the zone it is a day in: loading
    # publishes (and renews) the pack's codes as of that day.
    today: date | None = None
    timezone: str = "UTC"
    categories: tuple[Category, ...] = ()
    products: tuple[Product, ...] = ()
    customers: tuple[Customer, ...] = ()
    personas: tuple[Persona, ...] = ()
    # Each campaign with the definition as written (storage keeps what people wrote), its
    # relative days (`active: {from: today-7}`) resolved to the dates they stand for.
    campaigns: tuple[tuple[Campaign, Mapping[str, Any]], ...] = ()
    codes: tuple[CodeRequest, ...] = ()
    publications: tuple[PublicationRequest, ...] = ()
    # Distribution rules (docs/events.md), each with the definition as written.
    distributions: tuple[tuple[Rule, Mapping[str, Any]], ...] = ()
    # Past orders of the pack's customers (promo.packs.scenario_orders).
    orders: tuple[OrderRequest, ...] = ()


# ---- reading --------------------------------------------------------------------------------


def read_pack(path: str | Path, *, today: date | None = None, default_timezone: str = "UTC") -> ScenarioPack:
    """Read and validate a pack file (.yaml, .yml or .json). Raises ScenarioError.

    ``today`` anchors relative dates (``birthday: today``, ``last_order_days_ago: 120``,
    ``active: {from: today-7}``); it defaults to today in the pack's store time zone. ``default_timezone`` stands in for the
    store's zone when the pack has no ``store`` section (pass the running store's).
    """
    file = Path(path)
    source = str(path)
    if file.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise ScenarioError(source, [FieldError("", "must be a .yaml, .yml or .json file")])
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(source, [FieldError("", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, [FieldError("", f"cannot be read: {exc}")]) from None
    data = _decode(text, source, json_only=file.suffix.lower() == ".json")
    return parse_pack(data, source=source, today=today, default_timezone=default_timezone)


def _decode(text: str, source: str, *, json_only: bool) -> Any:
    if json_only:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError(source, [FieldError("", f"line {exc.lineno}, column {exc.colno}: {exc.msg}")]) from None
        except (RecursionError, ValueError) as exc:
            raise ScenarioError(source, [FieldError("", f"is not valid JSON: {exc}")]) from None
    try:
        return load_yaml(text, source)
    except DefinitionError as exc:
        # load_yaml names the source itself: "<file>: line 3, column 5: ..."
        raise ScenarioError(source, [FieldError("", e.message) for e in exc.errors]) from None


def parse_pack(data: Any, *, source: str = "<pack>", today: date | None = None,
               default_timezone: str = "UTC") -> ScenarioPack:
    """Validate decoded pack data. Every problem is collected before ScenarioError is raised."""
    r = _Reader()
    top = r.mapping(data, "", SECTIONS)
    if top is None:
        raise ScenarioError(source, r.errors)
    store = _store(top["store"], r) if "store" in top else None
    timezone = store.timezone if store else default_timezone
    if today is None:
        today = datetime.now(ZoneInfo(timezone)).date()
    categories = _each(top, "categories", r, _category)
    products = _each(top, "products", r, _product)
    customers = _each(top, "customers", r, lambda raw, path, rd: _customer(raw, path, rd, today, timezone))
    personas = _each(top, "personas", r, _persona)
    campaigns: list[tuple[Campaign, Mapping[str, Any]]] = []
    if "campaigns" in top:
        definitions, reported = _resolve_active_days(top["campaigns"], today, r)
        try:
            parsed = parse_campaigns(definitions, timezone=timezone, prefix="campaigns")
            campaigns = list(zip(parsed, definitions, strict=True))
        except DefinitionError as exc:
            r.errors.extend(error for error in exc.errors if error.path not in reported)
    codes = _each(top, "codes", r, _code_request)
    publications = _each(top, "publications", r, _publication)
    distributions: list[tuple[Rule, Mapping[str, Any]]] = []
    if "distributions" in top:
        distributions = parse_rules(top["distributions"], prefix="distributions", problems=r.errors)
        positions = {id(item): index for index, item in enumerate(top["distributions"] if isinstance(top["distributions"], list) else [])}
        for rule, written in distributions:
            index = positions[id(written)]
            if rule.publish not in {c.id for c, _ in campaigns}:
                r.add(f"distributions[{index}].publish", f"'{rule.publish}' is not one of the pack's campaigns"
                                                         f"{_near(rule.publish, [c.id for c, _ in campaigns])}")

    orders = _each(top, "orders", r, lambda raw, path, rd: read_order(raw, path, rd, today, timezone))
    check_order_references(r, orders, {c.id for c in customers.values() if c.id},
                           {p.sku for p in products.values()} if "products" in top else None,
                           {c.code.upper() for c, _ in campaigns if c.code}, lambda word, choices: _near(word, choices))

    _unique(r, "categories", {i: c.slug for i, c in categories.items()}, "slug")
    _unique(r, "products", {i: p.sku for i, p in products.items()}, "sku")
    _unique(r, "customers", {i: c.id for i, c in customers.items()}, "id")
    _unique(r, "customers", {i: c.email for i, c in customers.items()}, "email")
    _unique(r, "personas", {i: p.key for i, p in personas.items()}, "key")
    _unique(r, "publications", {i: p.source_id for i, p in publications.items()}, "source_id")
    _check_references(r, "categories" in top, categories, products, customers, personas, campaigns, codes, publications)
    if r.errors:
        raise ScenarioError(source, r.errors)
    return ScenarioPack(
        source=source, store=store, today=today, timezone=timezone,
        categories=tuple(categories.values()), products=tuple(products.values()),
        customers=tuple(customers.values()), personas=tuple(personas.values()), campaigns=tuple(campaigns),
        codes=tuple(codes.values()), publications=tuple(publications.values()), distributions=tuple(distributions),
        orders=tuple(orders.values()),
    )


class _Reader:
    """Collects problems; each reader returns the value or None after recording why."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def mapping(self, raw: Any, path: str, allowed: Iterable[str], required: Iterable[str] = ()) -> dict[str, Any] | None:
        if not isinstance(raw, Mapping):
            self.add(path, f"must be a mapping of keys to values, got {_show(raw)}")
            return None
        allowed = list(allowed)
        result: dict[str, Any] = {}
        for key, value in raw.items():
            if not isinstance(key, str) or key not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                suggestion = f" (did you mean '{near[0]}'?)" if near else ""
                self.add(_join(path, str(key)), f"unknown key{suggestion}; expected one of: {', '.join(allowed)}")
            else:
                result[key] = value
        for key in required:
            if key not in result:
                self.add(_join(path, key), "is required")
        return result

    def text(self, raw: Any, path: str, *, max_length: int = 200, pattern: re.Pattern[str] | None = None,
             what: str = "") -> str | None:
        if not isinstance(raw, str):
            self.add(path, f"must be text, got {_show(raw)}")
            return None
        value = raw.strip()
        if not value:
            self.add(path, "must not be empty")
        elif len(value) > max_length:
            self.add(path, f"must be at most {max_length} characters")
        elif any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
            self.add(path, "must not contain control characters")
        elif pattern is not None and not pattern.match(value):
            self.add(path, f"must be {what}, got {_show(value)}")
        else:
            return value
        return None

    def integer(self, raw: Any, path: str, *, minimum: int = 0, maximum: int = MAX_MONEY, money: bool = False) -> int | None:
        if isinstance(raw, bool) or not isinstance(raw, int):
            unit = " of minor units (cents), e.g. 1950 for 19.50" if money else ""
            self.add(path, f"must be a whole number{unit}, got {_show(raw)}")
            return None
        if not minimum <= raw <= maximum:
            self.add(path, f"must be between {minimum} and {maximum}, got {raw}")
            return None
        return raw

    def flag(self, raw: Any, path: str) -> bool | None:
        if not isinstance(raw, bool):
            self.add(path, f"must be true or false, got {_show(raw)}")
            return None
        return raw

    def texts(self, raw: Any, path: str, *, pattern: re.Pattern[str] | None = None, what: str = "") -> tuple[str, ...] | None:
        if not isinstance(raw, list) or len(raw) > 100:
            self.add(path, f"must be a list of at most 100 texts, got {_show(raw)}")
            return None
        values = [self.text(item, _join(path, i), max_length=64, pattern=pattern, what=what) for i, item in enumerate(raw)]
        return None if any(v is None for v in values) else tuple(dict.fromkeys(v for v in values if v))

    def metadata(self, raw: Any, path: str) -> dict[str, Any] | None:
        if not isinstance(raw, Mapping) or len(raw) > 50:
            self.add(path, f"must be a mapping of at most 50 keys, got {_show(raw)}")
            return None
        result: dict[str, Any] = {}
        for key, value in raw.items():
            if not isinstance(key, str) or not key or len(key) > 100:
                self.add(_join(path, str(key)), "keys must be text of 1 to 100 characters")
            elif value is not None and not isinstance(value, (str, int, float, bool)):
                self.add(_join(path, key), f"must be text, a number, true/false or null, got {_show(value)}")
            else:
                result[key] = value
        return result


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _show(value: Any) -> str:
    text = f"'{value}'" if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _each(top: Mapping[str, Any], section: str, r: _Reader, read: Callable[[Any, str, _Reader], Any]) -> dict[int, Any]:
    """The valid entries of a list section, keyed by their position (for error paths)."""
    if section not in top:
        return {}
    raw = top[section]
    if not isinstance(raw, list):
        r.add(section, f"must be a list, got {_show(raw)}")
        return {}
    if len(raw) > MAX_ITEMS:
        r.add(section, f"must have at most {MAX_ITEMS} entries")
        return {}
    values = {i: read(item, _join(section, i), r) for i, item in enumerate(raw)}
    return {i: v for i, v in values.items() if v is not None}


def _unique(r: _Reader, section: str, values: dict[int, str | None], key: str) -> None:
    first: dict[str, int] = {}
    for index, value in values.items():
        if value is None:
            continue
        if value in first:
            r.add(_join(_join(section, index), key), f"'{value}' is already used by {section}[{first[value]}]")
        first.setdefault(value, index)


def _store(raw: Any, r: _Reader) -> StoreSettings | None:
    required = ("name", "currency", "locale", "timezone")
    fields = r.mapping(raw, "store", (*required, "margin_floor"), required)
    if fields is None or not set(required) <= fields.keys():
        return None
    problems = Problems()
    floor = read_margin_floor(fields["margin_floor"], "store.margin_floor", problems) if "margin_floor" in fields else None
    for problem in problems.errors:
        r.add(problem.path, problem.message)
    name = r.text(fields["name"], "store.name")
    currency = r.text(fields["currency"], "store.currency", max_length=3, pattern=_CURRENCY,
                      what="a three-letter ISO 4217 code like USD or THB")
    locale = r.text(fields["locale"], "store.locale", max_length=20, pattern=re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$"),
                    what="a locale like en_US or th_TH")
    timezone = r.text(fields["timezone"], "store.timezone", max_length=64)
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            r.add("store.timezone", f"must be an IANA time zone like America/New_York, got {_show(timezone)}")
            timezone = None
    if None in (name, currency, locale, timezone):
        return None
    return StoreSettings(name=name, currency=currency, locale=locale, timezone=timezone,  # type: ignore[arg-type]
                         margin_floor=floor)


def _category(raw: Any, path: str, r: _Reader) -> Category | None:
    fields = r.mapping(raw, path, ("slug", "name", "description", "position"), ("slug", "name"))
    if fields is None or "slug" not in fields or "name" not in fields:
        return None
    slug = r.text(fields["slug"], _join(path, "slug"), pattern=_SLUG, what="a lower-case slug like brewing-gear")
    name = r.text(fields["name"], _join(path, "name"))
    description = r.text(fields["description"], _join(path, "description"), max_length=2000) if "description" in fields else ""
    position = r.integer(fields["position"], _join(path, "position"), maximum=10**6) if "position" in fields else _index(path)
    if None in (slug, name, description, position):
        return None
    return Category(slug=slug, name=name, description=description, position=position)  # type: ignore[arg-type]


def _index(path: str) -> int:
    """The position of an entry in its section: "products[3]" -> 3 (the default sort order)."""
    return int(path.rsplit("[", 1)[1].rstrip("]"))


def _product(raw: Any, path: str, r: _Reader) -> Product | None:
    allowed = ("sku", "name", "price", "categories", "collections", "description", "image", "metadata", "position", "cost")
    fields = r.mapping(raw, path, allowed, ("sku", "name", "price"))
    if fields is None or not {"sku", "name", "price"} <= fields.keys():
        return None
    values: dict[str, Any] = {
        "sku": r.text(fields["sku"], _join(path, "sku"), max_length=64, pattern=_SKU,
                      what="letters, digits, '.', '_' or '-' (at most 64)"),
        "name": r.text(fields["name"], _join(path, "name")),
        "price": r.integer(fields["price"], _join(path, "price"), money=True),
        "categories": r.texts(fields.get("categories", []), _join(path, "categories"), pattern=_SLUG, what="a category slug"),
        "collections": r.texts(fields.get("collections", []), _join(path, "collections"), pattern=_SLUG, what="a lower-case slug"),
        "description": r.text(fields["description"], _join(path, "description"), max_length=2000) if "description" in fields else "",
        "image": r.text(fields["image"], _join(path, "image"), max_length=500) if "image" in fields else None,
        "metadata": r.metadata(fields["metadata"], _join(path, "metadata")) if "metadata" in fields else {},
        "position": r.integer(fields["position"], _join(path, "position"), maximum=10**6) if "position" in fields else _index(path),
        "cost": r.integer(fields["cost"], _join(path, "cost"), money=True) if "cost" in fields else None,
    }
    optional = {"image", "cost"}
    if any(value is None for key, value in values.items() if key not in optional):
        return None
    if any(key in fields and values[key] is None for key in optional):
        return None
    return Product(**values)


CUSTOMER_KEYS = (
    "id", "name", "email", "segments", "orders_count", "total_spent", "last_order_at", "last_order_days_ago",
    "birthday", "country", "city", "metadata", "accepts_marketing",
)


def _customer(raw: Any, path: str, r: _Reader, today: date, timezone: str) -> Customer | None:
    fields = r.mapping(raw, path, CUSTOMER_KEYS, ("id",))
    if fields is None or "id" not in fields:
        return None
    before = len(r.errors)
    values: dict[str, Any] = {"id": r.text(fields["id"], _join(path, "id"), pattern=_SLUG, what="a lower-case id like vip")}
    if "name" in fields:
        values["name"] = r.text(fields["name"], _join(path, "name"))
    if "email" in fields:
        email = r.text(fields["email"], _join(path, "email"), max_length=320, pattern=_EMAIL, what="an email address")
        values["email"] = email.lower() if email else None
    if "segments" in fields:
        segments = r.texts(fields["segments"], _join(path, "segments"), pattern=_SLUG, what="a lower-case segment slug")
        values["segments"] = frozenset(segments or ())
    for key in ("orders_count", "total_spent"):
        if key in fields:
            values[key] = r.integer(fields[key], _join(path, key), maximum=10**9 if key == "orders_count" else MAX_MONEY,
                                    money=key == "total_spent")
    if "last_order_at" in fields and "last_order_days_ago" in fields:
        r.add(_join(path, "last_order_days_ago"), "give either last_order_at or last_order_days_ago, not both")
    elif "last_order_at" in fields:
        values["last_order_at"] = _instant(fields["last_order_at"], _join(path, "last_order_at"), r, timezone)
    elif "last_order_days_ago" in fields:
        days = r.integer(fields["last_order_days_ago"], _join(path, "last_order_days_ago"), maximum=36_500)
        if days is not None:
            values["last_order_at"] = _noon(today - timedelta(days=days), timezone).astimezone(UTC)
    if "birthday" in fields:
        values["birthday"] = _birthday(fields["birthday"], _join(path, "birthday"), r, today)
    if "country" in fields:
        country = r.text(fields["country"], _join(path, "country"), max_length=2, pattern=re.compile(r"^[A-Za-z]{2}$"),
                         what="a two-letter country code like US")
        values["country"] = country.upper() if country else None
    if "city" in fields:
        values["city"] = r.text(fields["city"], _join(path, "city"), max_length=120)
    if "metadata" in fields:
        values["metadata"] = r.metadata(fields["metadata"], _join(path, "metadata"))
    if "accepts_marketing" in fields:
        values["accepts_marketing"] = r.flag(fields["accepts_marketing"], _join(path, "accepts_marketing"))
    if len(r.errors) > before:
        return None
    return Customer(**values)


def _noon(day: date, timezone: str) -> datetime:
    """Noon on `day` in the store's zone: the same value all day long, so what a load derives
    from today does not change when the pack is loaded again later that day."""
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(timezone))


def _instant(raw: Any, path: str, r: _Reader, timezone: str) -> datetime | None:
    value: datetime | None = None
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str) and len(raw) <= 40:
        try:
            value = datetime.fromisoformat(raw.strip())
        except ValueError:
            value = None
    if value is None:
        r.add(path, f'must be a date and time like "2026-08-01 14:30", got {_show(raw)}')
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return value.astimezone(UTC)


def _birthday(raw: Any, path: str, r: _Reader, today: date) -> date | None:
    if raw == "today":
        # The month and day are what matter; a year keeps it a real date (Feb 29 needs a leap year).
        return today.replace(year=1992 if (today.month, today.day) == (2, 29) else 1990)
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    r.add(path, f'must be a date like 1990-05-17 or "today", got {_show(raw)}')
    return None


ACTIVE_DAY_FORMS = ('a date like 2026-11-30, a date and time like "2026-11-30 18:00", or a day relative to today '
                    'like today, today-7 or today+5')


def _resolve_active_days(raw: Any, today: date, r: _Reader) -> tuple[Any, set[str]]:
    """The campaigns with each relative `active` day (today, today-7, today+5) replaced by the
    date it stands for, and the paths of the days that are neither a date nor a relative day
    (reported here, with the relative forms, instead of by the definition parser)."""
    if not isinstance(raw, list):
        return raw, set()
    resolved: list[Any] = []
    reported: set[str] = set()
    for index, campaign in enumerate(raw):
        active = campaign.get("active") if isinstance(campaign, Mapping) else None
        if not isinstance(active, Mapping):
            resolved.append(campaign)
            continue
        days = dict(active)
        for key in ("from", "until"):
            value = days.get(key)
            if not isinstance(value, str) or read_moment(value) is not None:
                continue
            day = _relative_day(value, today)
            if day is None:
                path = f"campaigns[{index}].active.{key}"
                r.add(path, f"must be {ACTIVE_DAY_FORMS}; got {_show(value)}")
                reported.add(path)
            else:
                days[key] = day.isoformat()
        resolved.append({**campaign, "active": days})
    return resolved, reported


def _relative_day(text: str, today: date) -> date | None:
    """ "today-7" -> the day a week before `today`; None when `text` is no relative day."""
    match = _RELATIVE_DAY.match(text.strip())
    if match is None:
        return None
    sign, days = match.groups()
    offset = timedelta(days=int(days or 0))
    return today - offset if sign == "-" else today + offset


def _persona(raw: Any, path: str, r: _Reader) -> Persona | None:
    fields = r.mapping(raw, path, ("key", "label", "customer"), ("key", "label"))
    if fields is None or not {"key", "label"} <= fields.keys():
        return None
    key = r.text(fields["key"], _join(path, "key"), max_length=64, pattern=_SLUG, what="a lower-case key like vip")
    label = r.text(fields["label"], _join(path, "label"), max_length=60)
    customer = r.text(fields["customer"], _join(path, "customer"), max_length=64) if "customer" in fields else None
    if key is None or label is None or ("customer" in fields and customer is None):
        return None
    return Persona(key=key, label=label, customer_id=customer)


def _code_request(raw: Any, path: str, r: _Reader) -> CodeRequest | None:
    fields = r.mapping(raw, path, ("campaign", "count"), ("campaign", "count"))
    if fields is None or not {"campaign", "count"} <= fields.keys():
        return None
    campaign = r.text(fields["campaign"], _join(path, "campaign"), max_length=64)
    count = r.integer(fields["count"], _join(path, "count"), minimum=1, maximum=MAX_CODES_PER_REQUEST)
    if campaign is None or count is None:
        return None
    return CodeRequest(campaign_id=campaign, count=count)


def _publication(raw: Any, path: str, r: _Reader) -> PublicationRequest | None:
    fields = r.mapping(raw, path, ("campaign", "customer", "source_id"), ("campaign", "customer", "source_id"))
    if fields is None or not {"campaign", "customer", "source_id"} <= fields.keys():
        return None
    values = [r.text(fields[key], _join(path, key), max_length=255 if key == "source_id" else 64)
              for key in ("campaign", "customer", "source_id")]
    if None in values:
        return None
    return PublicationRequest(*values)  # type: ignore[arg-type]


def _check_references(r: _Reader, has_categories: bool, categories: dict[int, Category],
                      products: dict[int, Product], customers: dict[int, Customer], personas: dict[int, Persona],
                      campaigns: list[tuple[Campaign, Mapping[str, Any]]], codes: dict[int, CodeRequest],
                      publications: dict[int, PublicationRequest]) -> None:
    """Names used in one section must exist in another, so a typo fails the load, not the demo."""
    category_slugs = {c.slug for c in categories.values()}
    if has_categories:
        for index, product in products.items():
            for slug in product.categories:
                if slug not in category_slugs:
                    r.add(f"products[{index}].categories", f"'{slug}' is not one of the pack's categories{_near(slug, category_slugs)}")
    customer_ids = {c.id for c in customers.values() if c.id}
    campaign_ids = {c.id for c, _ in campaigns}
    # Codes are generated from, and published out of, a campaign's code pattern (bulk, referral ...).
    pooled = {c.id for c, _ in campaigns if c.code_pattern is not None}

    def check_bulk(path: str, campaign_id: str) -> None:
        if campaign_id not in pooled:
            what = "has no code pattern (codes: {pattern: ...})" if campaign_id in campaign_ids else "is not one of the pack's campaigns"
            r.add(path, f"'{campaign_id}' {what}{_near(campaign_id, pooled)}")

    def check_customer(path: str, customer_id: str) -> None:
        if customer_id not in customer_ids:
            r.add(path, f"'{customer_id}' is not one of the pack's customers{_near(customer_id, customer_ids)}")

    for index, persona in personas.items():
        if persona.customer_id is not None:
            check_customer(f"personas[{index}].customer", persona.customer_id)
    for index, request in codes.items():
        check_bulk(f"codes[{index}].campaign", request.campaign_id)
    for index, publication in publications.items():
        check_bulk(f"publications[{index}].campaign", publication.campaign_id)
        check_customer(f"publications[{index}].customer", publication.customer_id)


def _near(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


# ---- loading --------------------------------------------------------------------------------

# progress(step, done, total): step names what is running, e.g. "codes for sorry".
LoadProgress = Callable[[str, int, int], None]


@dataclass
class LoadReport:
    """What a load did, per section: how many entries it created, updated or left unchanged."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str, section: str, amount: int = 1) -> None:
        tally = getattr(self, outcome)
        tally[section] = tally.get(section, 0) + amount

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())

    def summary(self) -> list[str]:
        lines = []
        for section in ("categories", "products", "customers", "campaigns", "codes", "publications", "distributions",
                        "orders"):
            parts = [f"{tally[section]:,} {outcome}" for outcome, tally in
                     (("created", self.created), ("updated", self.updated), ("unchanged", self.unchanged))
                     if tally.get(section)]
            if parts:
                lines.append(f"{section}: {', '.join(parts)}")
        return lines


def load_pack(engine: Engine, pack: ScenarioPack, *, actor: str = "scenario",
              progress: LoadProgress | None = None) -> LoadReport:
    """Write a validated pack through the engine, changing only what differs from the database.

    Raises ScenarioError naming the entry when the engine refuses one (e.g. a public code that
    another campaign already owns). Entries before it stay loaded; fix the file and load again.
    """
    report = LoadReport()
    # Order matters: products name categories, codes need their campaign, publications their codes.
    for step in (_load_categories, _load_products, _load_customers, _load_campaigns, _load_codes, _load_publications,
                 _load_distributions, _load_orders):
        step(engine, pack, report, actor, progress)
    if pack.store is not None and pack.store.margin_floor is not None:
        engine.set_store_margin_floor(pack.store.margin_floor)
    return report


@contextmanager
def _entry(pack: ScenarioPack, path: str) -> Iterator[None]:
    """Report an engine refusal as a problem of the pack entry at `path`."""
    try:
        yield
    except PromoError as error:
        raise ScenarioError(pack.source, [FieldError(path, error.message)]) from None


def _upsert_changed(pack: ScenarioPack, report: LoadReport, kind: str, entries: Sequence[Any],
                    stored: Mapping[str, Any], key: Callable[[Any], str], upsert: Callable[[Any], Any]) -> None:
    """Write each entry the store does not already hold as written, counting what changed."""
    for index, entry in enumerate(entries):
        if stored.get(key(entry)) == entry:
            report.count("unchanged", kind)
            continue
        with _entry(pack, f"{kind}[{index}]"):
            upsert(entry)
        report.count("updated" if key(entry) in stored else "created", kind)


def _load_categories(engine: Engine, pack: ScenarioPack, report: LoadReport, actor: str, progress: LoadProgress | None) -> None:
    _upsert_changed(pack, report, "categories", pack.categories, {c.slug: c for c in engine.list_categories()},
                    lambda category: category.slug, engine.upsert_category)


def _load_products(engine: Engine, pack: ScenarioPack, report: LoadReport, actor: str, progress: LoadProgress | None) -> None:
    _upsert_changed(pack, report, "products", pack.products, {p.sku: p for p in engine.list_products()},
                    lambda product: product.sku, engine.upsert_product)


def _same_customer(a: Customer, b: Customer) -> bool:
    # Customer's equality leaves metadata out; a changed attribute must still count as a change.
    return a == b and dict(a.metadata) == dict(b.metadata)


def _load_customers(engine: Engine, pack: ScenarioPack, report: LoadReport, actor: str, progress: LoadProgress | None) -> None:
    for index, customer in enumerate(pack.customers):
        try:
            stored: Customer | None = engine.get_customer(customer.id or "")
        except NotFound:
            stored = None
        if stored is not None and _same_customer(stored, customer):
            report.count("unchanged", "customers")
            continue
        with _entry(pack, f"customers[{index}]"):
            engine.upsert_customer(customer, actor=actor)
        report.count("created" if stored is None else "updated", "customers")


def _load_campaigns(engine: Engine, pack: ScenarioPack, report: LoadReport, actor: str, progress: LoadProgress | None) -> None:
    for index, (campaign, definition) in enumerate(pack.campaigns):
        path = f"campaigns[{index}]"
        try:
            stored = engine.get_campaign(campaign.id)
        except NotFound:
            with _entry(pack, path):
                engine.create_campaign(definition, actor=actor)
            report.count("created", "campaigns")
            continue
        if stored.definition == _as_stored(definition):
            report.count("unchanged", "campaigns")
            continue
        with _entry(pack, path):
            engine.update_campaign(campaign.id, definition, actor=actor)
        report.count("updated", "campaigns")


def _as_stored(definition: Mapping[str, Any]) -> Any:
    """The definition as the engine stores it (JSON: YAML dates become ISO strings)."""
    return json.loads(json.dumps(definition, default=lambda value: value.isoformat()))


def _load_codes(engine: Engine, pack: ScenarioPack, report: LoadReport, actor: str, progress: LoadProgress | None) -> None:
    for index, request in enumerate(pack.codes):
        existing = engine.list_codes(request.campaign_id, limit=1, count_total=True).total or 0
        missing = request.count - existing
        if missing <= 0:
            report.count("unchanged", "codes", request.count)
            continue
        on_batch = partial(progress, f"codes for {request.campaign_id}") if progress else None
        with _entry(pack, f"codes[{index}]"):
            made = engine.generate_codes(request.campaign_id, missing, progress=on_batch, actor=actor)
        report.count("created", "codes", made)
        if existing:
            report.count("unchanged", "codes", existing)


def _load_publications(engine: Engine, pack: ScenarioPack, report: LoadReport, actor: str, progress: LoadProgress | None) -> None:
    """Publish each code once (by source_id); a code with an end of its own (codes: {valid_days})
    that is still unused is renewed to the end a publication on the pack's day would get, so a
    demo store loaded again days later still has its birthday persona's code valid."""
    expiring = {campaign.id for campaign, _ in pack.campaigns if campaign.code_valid_days is not None}
    as_of = _noon(pack.today, pack.timezone) if pack.today is not None else None
    for index, request in enumerate(pack.publications):
        with _entry(pack, f"publications[{index}]"):
            publication = engine.publish(request.campaign_id, request.customer_id, source_id=request.source_id,
                                         actor=actor)
            renewed = request.campaign_id in expiring and _renew_if_unused(engine, publication, as_of, actor)
        report.count("created" if publication.created else "updated" if renewed else "unchanged", "publications")


def _renew_if_unused(engine: Engine, publication: Publication, as_of: datetime | None, actor: str) -> bool:
    """Renew the publication's code unless it has been redeemed or disabled; True when its end moved."""
    code = engine.get_code(publication.code)
    if code.redeemed_count or code.status is not CodeStatus.ACTIVE:
        return False
    return engine.renew_publication(publication.id, as_of=as_of, actor=actor).expires_at != publication.expires_at


def _load_distributions(engine: Engine, pack: ScenarioPack, report: LoadReport, actor: str, progress: LoadProgress | None) -> None:
    stored = {info.id: info for info in engine.distributions.list()}
    for index, (rule, definition) in enumerate(pack.distributions):
        written = _as_stored(definition)
        if rule.id in stored and stored[rule.id].definition == written:
            report.count("unchanged", "distributions")
            continue
        with _entry(pack, f"distributions[{index}]"):
            if rule.id in stored:
                engine.distributions.update(rule.id, written, actor=actor)
            else:
                engine.distributions.create(written, actor=actor)
        report.count("updated" if rule.id in stored else "created", "distributions")


def _load_orders(engine: Engine, pack: ScenarioPack, report: LoadReport, actor: str, progress: LoadProgress | None) -> None:
    with _entry(pack, "orders"):
        created, unchanged = place_orders(engine, pack.orders, pack.customers, actor)
    report.count("created", "orders", created)
    report.count("unchanged", "orders", unchanged)
