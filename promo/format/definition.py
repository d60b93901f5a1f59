"""Read campaign definitions (the YAML/JSON people write) into validated Campaign objects.

    parse_campaign(mapping, timezone="Asia/Bangkok") -> Campaign
    parse_campaigns(list)                           -> list[Campaign]
    load_definitions("campaigns.yaml")              -> list[Campaign]
    read_definitions(yaml_or_json_text)             -> list[Campaign]

The format is documented in docs/campaigns.md. Validation collects every problem, each as
"path: message" ("effect.percent: must be between 0 and 100, got 120"), and raises them
together as DefinitionError. Unknown keys are errors: a misspelt rule must never be ignored.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from promo.core import campaign as c
from promo.core.conditions import Condition, Scope, scope_of
from promo.core.effects import EFFECT_TYPES, by_name, effect_type
from promo.core.formula import Formula
from promo.core.reading import (
    MAX_VALID_DAYS,
    MIN_RANDOM_CHARACTERS,
    PAGES,
    SELECTOR_KEYS,
    DefinitionError,
    FieldError,
    Problems,
    join_path,
    known_currencies,
    known_timezones,
    read_bool,
    read_choice,
    read_fields,
    read_int,
    read_money,
    read_text,
    read_texts,
    show_value,
    suggest,
)
from promo.format.condition_readers import read_active, read_condition, read_moment, read_schedule
from promo.format.readers import read_margin_floor
from promo.format.strict_yaml import load_yaml

# The reader's public names, wherever the part that reads them lives.
__all__ = [
    "BANNER_LABEL_LENGTH", "CAMPAIGN_KEYS", "EFFECTS", "PAGES", "SELECTOR_KEYS", "DefinitionError", "FieldError",
    "load_definitions", "load_yaml", "parse_campaign", "parse_campaigns", "parse_condition", "read_definitions",
    "read_moment",
]


# The effect types by their `type:` (each reads its own keys: promo.core.effects).
EFFECTS = by_name()
KINDS_WITH_SECTION = {c.Kind.GIFT_CARD: "gift_card", c.Kind.LOYALTY: "loyalty", c.Kind.REFERRAL: "referral"}


def read_effect(raw: Any, path: str, p: Problems) -> c.Effect | None:
    """An `effect:` mapping, read by the module of its `type`."""
    names = ", ".join(kind.name for kind in EFFECT_TYPES)
    if not isinstance(raw, Mapping):
        p.add(path, f"must be a mapping with a type, got {show_value(raw)}")
        return None
    kind = raw.get("type")
    if kind is None:
        p.add(join_path(path, "type"), f"is required; one of: {names}")
        return None
    if not isinstance(kind, str) or kind not in EFFECTS:
        hint = suggest(kind, EFFECTS) if isinstance(kind, str) else ""
        p.add(join_path(path, "type"), f"unknown effect type {show_value(kind)}{hint}; one of: {names}")
        return None
    declared = EFFECTS[kind]
    fields = read_fields(raw, path, p, ("type", *declared.keys), declared.required)
    if fields is None or not set(declared.required) <= fields.keys():
        return None
    before = len(p)
    effect = declared.parse(fields, path, p)
    return effect if len(p) == before else None


# ---- codes, visibility, limits ----

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")
_CODE_PART = re.compile(r"^[A-Z0-9_-]*$")


def _code(raw: Any, path: str, p: Problems) -> str | None:
    text = read_text(raw, path, p, max_length=32)
    if text is None:
        return None
    code = text.upper()
    if not _CODE.match(code):
        p.add(path, f"must be 3-32 letters, digits, '-' or '_', got {show_value(raw)}")
        return None
    return code


CODES_KEYS = ("pattern", "charset", "prefix", "postfix", "valid_days")


def _code_pattern(raw: Any, path: str, p: Problems) -> c.CodePattern | None:
    fields = read_fields(raw, path, p, CODES_KEYS, ("pattern",))
    if fields is None or "pattern" not in fields:
        return None
    before = len(p)
    pattern = read_text(fields["pattern"], join_path(path, "pattern"), p, max_length=64)
    if pattern is not None:
        pattern = pattern.upper()
        if pattern.count("#") < MIN_RANDOM_CHARACTERS:
            p.add(join_path(path, "pattern"),
                  f"needs at least {MIN_RANDOM_CHARACTERS} '#' (random characters) so codes can't be guessed, got {show_value(pattern)}")
        elif not _CODE_PART.match(pattern.replace("#", "")):
            p.add(join_path(path, "pattern"), "may contain only '#', letters, digits, '-' and '_'")
    charset = c.DEFAULT_CHARSET
    if "charset" in fields:
        charset = read_text(fields["charset"], join_path(path, "charset"), p, max_length=64) or ""
        if charset and (len(set(charset)) != len(charset) or len(charset) < 10 or not charset.isalnum() or not charset.isascii()):
            p.add(join_path(path, "charset"), "must be at least 10 different letters or digits")
    affixes = {}
    for key in ("prefix", "postfix"):
        if key in fields:
            value = read_text(fields[key], join_path(path, key), p, max_length=20, empty=True)
            if value is not None and not _CODE_PART.match(value.upper()):
                p.add(join_path(path, key), "may contain only letters, digits, '-' and '_'")
            affixes[key] = (value or "").upper()
    if len(p) > before or pattern is None:
        return None
    return c.CodePattern(pattern, charset, **affixes)


def _code_valid_days(raw: Any, path: str, kind: c.Kind | None, p: Problems) -> int | None:
    """`codes.valid_days`: how long each code lasts once published (problems with the rest of
    `codes` are _code_pattern's)."""
    if not isinstance(raw, Mapping) or "valid_days" not in raw:
        return None
    where = join_path(path, "valid_days")
    if kind is not None and kind is not c.Kind.BULK:
        p.add(where, f"is only for kind bulk (codes published to one customer each), not {kind.value}")
        return None
    return read_int(raw["valid_days"], where, p, minimum=1, maximum=MAX_VALID_DAYS)


def _visibility(raw: Any, path: str, p: Problems) -> c.Visibility:
    fields = read_fields(raw, path, p, ("pages", "categories", "audience", "listed"))
    if fields is None:
        return c.Visibility()
    pages: frozenset[str] = frozenset()
    if "pages" in fields:
        pages = frozenset(x.casefold() for x in (read_texts(fields["pages"], join_path(path, "pages"), p) or ()))
        for page in sorted(pages - set(PAGES)):
            p.add(join_path(path, "pages"), f"unknown page '{page}'{suggest(page, PAGES)}; pages: {', '.join(PAGES)}")
    categories = frozenset(
        x.casefold() for x in (read_texts(fields["categories"], join_path(path, "categories"), p) or ())
    ) if "categories" in fields else frozenset()
    audience = None
    if "audience" in fields:
        audience = read_condition(fields["audience"], join_path(path, "audience"), p)
        if audience is not None:
            cart_facts = sorted({n for n in audience.fact_names() if scope_of(n) is Scope.CART})
            if cart_facts:
                p.add(join_path(path, "audience"),
                      f"can read only customer and context facts, not {', '.join(cart_facts)} (cart rules belong in eligibility)")
    listed = read_bool(fields["listed"], join_path(path, "listed"), p) if "listed" in fields else True
    return c.Visibility(pages, categories, audience, True if listed is None else listed)


def _limits(raw: Any, path: str, p: Problems) -> c.Limits:
    keys = ("per_code", "per_customer", "per_customer_per", "total", "budget", "order_value_budget")
    fields = read_fields(raw, path, p, keys)
    if fields is None:
        return c.Limits()
    values: dict[str, Any] = {}
    for key in ("per_code", "per_customer", "total"):
        if key in fields:
            values[key] = read_int(fields[key], join_path(path, key), p, minimum=1)
    for key in ("budget", "order_value_budget"):
        if key in fields:
            values[key] = read_money(fields[key], join_path(path, key), p, minimum=1)
    if "per_customer_per" in fields:
        where = join_path(path, "per_customer_per")
        periods = read_fields(fields["per_customer_per"], where, p, ("day", "week", "month"))
        if periods is not None:
            counts = {key: read_int(periods[key], join_path(where, key), p, minimum=1) for key in ("day", "week", "month") if key in periods}
            values["per_customer_periods"] = tuple(
                c.PeriodLimit(key, count) for key, count in counts.items() if count is not None
            )
    return c.Limits(**{k: v for k, v in values.items() if v is not None})


# ---- kind-specific sections (gift cards, loyalty, referral): shape only for now ----

def _gift_card_section(raw: Any, path: str, p: Problems) -> dict:
    fields = read_fields(raw, path, p, ("balance",), ("balance",))
    if not fields or "balance" not in fields:
        return {}
    return {"balance": read_money(fields["balance"], join_path(path, "balance"), p, minimum=1)}


def _loyalty_section(raw: Any, path: str, p: Problems) -> dict:
    fields = read_fields(raw, path, p, ("points_per_unit", "unit", "multipliers", "rewards"), ("points_per_unit",))
    if not fields or "points_per_unit" not in fields:
        return {}
    section: dict[str, Any] = {
        "points_per_unit": read_int(fields["points_per_unit"], join_path(path, "points_per_unit"), p, minimum=1),
        "unit": read_money(fields.get("unit", 100), join_path(path, "unit"), p, minimum=1),
        "multipliers": {},
        "rewards": (),
    }
    if "multipliers" in fields:
        where = join_path(path, "multipliers")
        raw_multipliers = fields["multipliers"]
        if not isinstance(raw_multipliers, dict) or len(raw_multipliers) > 100:
            p.add(where, f"must map category slugs to whole-number multipliers, got {show_value(raw_multipliers)}")
        else:
            section["multipliers"] = {
                str(category).casefold(): read_int(factor, join_path(where, str(category)), p, minimum=1, maximum=100)
                for category, factor in raw_multipliers.items()
            }
    if "rewards" in fields:
        where = join_path(path, "rewards")
        raw_rewards = fields["rewards"]
        if not isinstance(raw_rewards, list) or len(raw_rewards) > 100:
            p.add(where, f"must be a list of {{name, points, effect}}, got {show_value(raw_rewards)}")
        else:
            rewards = []
            for i, item in enumerate(raw_rewards):
                reward = read_fields(item, join_path(where, i), p, ("name", "points", "effect"), ("name", "points", "effect"))
                if reward is None or not {"name", "points", "effect"} <= reward.keys():
                    continue
                rewards.append({
                    "name": read_text(reward["name"], join_path(join_path(where, i), "name"), p),
                    "points": read_int(reward["points"], join_path(join_path(where, i), "points"), p, minimum=1),
                    "effect": read_effect(reward["effect"], join_path(join_path(where, i), "effect"), p),
                })
            section["rewards"] = tuple(rewards)
    return section


def _referral_section(raw: Any, path: str, p: Problems) -> dict:
    fields = read_fields(raw, path, p, ("reward", "bonuses", "conversion"), ("reward",))
    if not fields or "reward" not in fields:
        return {}
    section: dict[str, Any] = {"reward": read_effect(fields["reward"], join_path(path, "reward"), p), "bonuses": (),
                               "conversion": "order_paid"}
    if "conversion" in fields:
        event = read_text(fields["conversion"], join_path(path, "conversion"), p, max_length=64)
        if event is not None and not _ID.match(event):
            p.add(join_path(path, "conversion"), f"must be order_paid or an event name (a lower-case slug), got {show_value(event)}")
        section["conversion"] = event
    if "bonuses" in fields:
        where = join_path(path, "bonuses")
        raw_bonuses = fields["bonuses"]
        if not isinstance(raw_bonuses, list) or len(raw_bonuses) > 100:
            p.add(where, f"must be a list of {{referrals, reward}}, got {show_value(raw_bonuses)}")
        else:
            bonuses = []
            for i, item in enumerate(raw_bonuses):
                bonus = read_fields(item, join_path(where, i), p, ("referrals", "reward"), ("referrals", "reward"))
                if bonus is None or not {"referrals", "reward"} <= bonus.keys():
                    continue
                bonuses.append({
                    "referrals": read_int(bonus["referrals"], join_path(join_path(where, i), "referrals"), p, minimum=1),
                    "reward": read_effect(bonus["reward"], join_path(join_path(where, i), "reward"), p),
                })
            section["bonuses"] = tuple(bonuses)
    return section


_SECTION_READERS = {"gift_card": _gift_card_section, "loyalty": _loyalty_section, "referral": _referral_section}


# ---- campaigns ----

CAMPAIGN_KEYS = (
    "id", "name", "kind", "description", "code", "auto_apply", "codes", "timezone", "active", "schedule",
    "priority", "stacking", "eligibility", "visibility", "effect", "limits", "currency", "tags",
    "banner", "margin_floor", "gift_card", "loyalty", "referral",
)
# A banner's discount box holds this much (promo.banners.MAX_DISCOUNT; a test keeps them equal,
# without the engine importing Pillow).
BANNER_LABEL_LENGTH = 32
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _timezone(raw: Any, path: str, p: Problems) -> str | None:
    if not isinstance(raw, str) or raw not in known_timezones():
        hint = suggest(raw, known_timezones()) if isinstance(raw, str) and len(raw) < 64 else ""
        p.add(path, f"must be an IANA time zone like Asia/Bangkok, got {show_value(raw)}{hint}")
        return None
    return raw


def _kind_rules(kind: c.Kind, fields: dict, p: Problems) -> None:
    """Which keys each kind needs or forbids."""
    if kind is c.Kind.COUPON and "code" not in fields:
        p.add("code", "is required for a coupon (the code shoppers type)")
    if kind is not c.Kind.COUPON and "code" in fields:
        p.add("code", f"is only for kind coupon; {kind.value} "
              + ("uses codes: {pattern: ...}" if kind is not c.Kind.PROMOTION else "applies without a code"))
    if kind is not c.Kind.COUPON and "auto_apply" in fields:
        p.add("auto_apply", "is only for kind coupon (a public code applied for the shopper); "
                            + ("a promotion applies by itself already" if kind is c.Kind.PROMOTION
                               else f"{kind.value} codes are personal"))
    if kind is c.Kind.BULK and "codes" not in fields:
        p.add("codes", 'is required for bulk codes, e.g. {pattern: "SORRY-####-####"}')
    if kind in (c.Kind.COUPON, c.Kind.PROMOTION) and "codes" in fields:
        p.add("codes", f"is not used by kind {kind.value}")
    needs_effect = kind not in (c.Kind.GIFT_CARD, c.Kind.LOYALTY)
    if needs_effect and "effect" not in fields:
        p.add("effect", "is required")
    if not needs_effect and "effect" in fields:
        p.add("effect", f"is not used by kind {kind.value}; see the {kind.value} section")
    for section_kind, section in KINDS_WITH_SECTION.items():
        if kind is section_kind and section not in fields:
            p.add(section, f"is required for kind {kind.value}")
        if kind is not section_kind and section in fields:
            p.add(section, f"is only for kind {section_kind.value}")


def _banner_label(raw: Any, path: str, p: Problems) -> str | None:
    fields = read_fields(raw, path, p, ("label",), ("label",))
    if fields is None or "label" not in fields:
        return None
    return read_text(fields["label"], join_path(path, "label"), p, max_length=BANNER_LABEL_LENGTH)


def _check_line_formulas(effect: Any, p: Problems) -> None:
    """`item.price` and the other line names only have a value in effects that work per line."""
    if effect is None or effect_type(effect).per_line_formulas:
        return
    values = list(vars(effect).items())
    for tier in getattr(effect, "tiers", ()):
        values += [(f"tiers.{key}", value) for key, value in vars(tier).items()]
    for name, value in values:
        if isinstance(value, Formula) and value.reads_line:
            per_line = ", ".join(kind.name for kind in EFFECT_TYPES if kind.per_line_formulas)
            p.add(f"effect.{name}.formula", "item.price, item.cost, item.margin and item.quantity are only for "
                  f"effects that work per line ({per_line})")


def _campaign(raw: Any, p: Problems, default_timezone: str) -> c.Campaign | None:
    fields = read_fields(raw, "", p, CAMPAIGN_KEYS, ("id", "name", "kind"))
    if fields is None:
        return None
    before = len(p)
    values: dict[str, Any] = {}
    if "id" in fields:
        identifier = read_text(fields["id"], "id", p, max_length=64)
        if identifier is not None and not _ID.match(identifier):
            p.add("id", f"must be a lower-case slug (letters, digits, '-', '_'), got {show_value(identifier)}")
        values["id"] = identifier
    if "name" in fields:
        values["name"] = read_text(fields["name"], "name", p)
    kind = None
    if "kind" in fields:
        kind_text = read_choice(fields["kind"], "kind", p, [k.value for k in c.Kind])
        kind = c.Kind(kind_text) if kind_text else None
        values["kind"] = kind
    if kind is not None:
        _kind_rules(kind, fields, p)
    tz = _timezone(fields["timezone"], "timezone", p) if "timezone" in fields else default_timezone
    values["timezone"] = tz or default_timezone
    if "description" in fields:
        values["description"] = read_text(fields["description"], "description", p, max_length=2000, empty=True,
                                      newlines=True)
    if "code" in fields:
        values["code"] = _code(fields["code"], "code", p)
    if "auto_apply" in fields:
        values["auto_apply"] = read_bool(fields["auto_apply"], "auto_apply", p)
    if "codes" in fields:
        values["code_pattern"] = _code_pattern(fields["codes"], "codes", p)
        values["code_valid_days"] = _code_valid_days(fields["codes"], "codes", kind, p)
    if "active" in fields:
        values["starts_at"], values["ends_at"] = read_active(fields["active"], "active", p, values["timezone"])
    if "schedule" in fields:
        values["schedule"] = read_schedule(fields["schedule"], "schedule", p)
    if "priority" in fields:
        values["priority"] = read_int(fields["priority"], "priority", p, minimum=-10**6, maximum=10**6)
    if "stacking" in fields:
        stacking = read_choice(fields["stacking"], "stacking", p, [s.value for s in c.Stacking])
        values["stacking"] = c.Stacking(stacking) if stacking else None
    if "eligibility" in fields:
        values["eligibility"] = read_condition(fields["eligibility"], "eligibility", p)
    if "visibility" in fields:
        values["visibility"] = _visibility(fields["visibility"], "visibility", p)
    values["effect"] = read_effect(fields["effect"], "effect", p) if "effect" in fields else None
    _check_line_formulas(values["effect"], p)
    if "margin_floor" in fields:
        values["margin_floor"] = read_margin_floor(fields["margin_floor"], "margin_floor", p)
    if "limits" in fields:
        values["limits"] = _limits(fields["limits"], "limits", p)
    if "currency" in fields:
        currency = read_text(fields["currency"], "currency", p, max_length=3)
        if currency is not None and currency.upper() not in known_currencies():
            p.add("currency", f"must be an ISO 4217 currency code like USD or THB, got {show_value(currency)}")
        values["currency"] = currency.upper() if currency else None
    if "tags" in fields:
        values["tags"] = read_texts(fields["tags"], "tags", p, max_length=50)
    if "banner" in fields:
        values["banner_label"] = _banner_label(fields["banner"], "banner", p)
    options = {}
    for section, read in _SECTION_READERS.items():
        if section in fields and kind is not None and KINDS_WITH_SECTION.get(kind) == section:
            options[section] = read(fields[section], section, p)
    if len(p) > before or any(key not in values for key in ("id", "name", "kind")):
        return None
    return c.Campaign(options=options, **values)


def parse_campaign(data: Mapping[str, Any], *, timezone: str = "UTC") -> c.Campaign:
    """Validate one definition. `timezone` is the store's zone for dates and schedules
    (a definition may name its own with `timezone:`). Raises DefinitionError listing every problem."""
    problems = Problems()
    if _timezone(timezone, "timezone", problems) is None:
        raise DefinitionError(problems.errors)
    campaign = _campaign(data, problems, timezone)
    if problems.errors or campaign is None:
        raise DefinitionError(problems.errors or [FieldError("", "is not a valid campaign")])
    return campaign


def parse_campaigns(data: Sequence[Any], *, timezone: str = "UTC", prefix: str = "") -> list[c.Campaign]:
    """Validate a list of definitions; ids and public codes must be unique across it.
    Errors are prefixed with the position: "[2].effect.percent"."""
    if not isinstance(data, list):
        raise DefinitionError([FieldError(prefix, f"must be a list of campaigns, got {show_value(data)}")])
    errors: list[FieldError] = []
    parsed: list[tuple[int, c.Campaign]] = []
    for index, item in enumerate(data):
        try:
            parsed.append((index, parse_campaign(item, timezone=timezone)))
        except DefinitionError as exc:
            errors += exc.prefixed(join_path(prefix, index)).errors
    first_with_id: dict[str, int] = {}
    first_with_code: dict[str, int] = {}
    for index, campaign in parsed:
        where = join_path(prefix, index)
        if campaign.id in first_with_id:
            errors.append(FieldError(join_path(where, "id"), f"'{campaign.id}' is already used by {join_path(prefix, first_with_id[campaign.id])}"))
        first_with_id.setdefault(campaign.id, index)
        if campaign.code:
            if campaign.code in first_with_code:
                first = join_path(prefix, first_with_code[campaign.code])
                errors.append(FieldError(join_path(where, "code"), f"'{campaign.code}' is already used by {first}"))
            first_with_code.setdefault(campaign.code, index)
    if errors:
        raise DefinitionError(errors)
    return [campaign for _, campaign in parsed]



def _campaign_list(data: Any, timezone: str) -> list[c.Campaign]:
    if isinstance(data, list):
        return parse_campaigns(data, timezone=timezone)
    if isinstance(data, Mapping) and "campaigns" in data:
        extra = [k for k in data if k != "campaigns"]
        if extra:
            raise DefinitionError([FieldError(str(k), "unknown key; a definitions file holds `campaigns:` only") for k in extra])
        return parse_campaigns(data["campaigns"], timezone=timezone, prefix="campaigns")
    if isinstance(data, Mapping):
        return [parse_campaign(data, timezone=timezone)]
    raise DefinitionError([FieldError("", "expected a campaign, a list of campaigns or {campaigns: [...]}")])


def read_definitions(text: str, *, timezone: str = "UTC", source: str = "<text>") -> list[c.Campaign]:
    """Campaigns from YAML or JSON text (one campaign, a list, or {campaigns: [...]})."""
    return _campaign_list(load_yaml(text, source), timezone)


def load_definitions(path: str | Path, *, timezone: str = "UTC") -> list[c.Campaign]:
    """Campaigns from a .yaml/.yml/.json file."""
    file = Path(path)
    if file.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise DefinitionError([FieldError(str(file), "must be a .yaml, .yml or .json file")])
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([FieldError(str(file), f"cannot be read: {exc}")]) from None
    if file.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DefinitionError([FieldError(str(file), f"line {exc.lineno}, column {exc.colno}: {exc.msg}")]) from None
        except RecursionError:
            raise DefinitionError([FieldError(str(file), "is nested too deeply")]) from None
        return _campaign_list(data, timezone)
    return _campaign_list(load_yaml(text, str(file)), timezone)


def parse_condition(raw: Any, path: str = "if") -> Condition:
    """Read one condition in the eligibility format on its own (distribution rules' `if:`).
    Raises DefinitionError naming each problem's path under `path`."""
    problems = Problems()
    condition = read_condition(raw, path, problems)
    if problems.errors or condition is None:
        raise DefinitionError(problems.errors or [FieldError(path, "is not a valid condition")])
    return condition
