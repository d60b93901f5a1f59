"""The campaign definition format (docs/campaigns.md) as JSON Schema (draft 2020-12).

Built from the reader's own tables (promo.format.definition's keys and limits, each effect
type's keys from its module in promo.core.effects, promo.core.conditions' facts and
operators), so the schema cannot name a key the reader does not
know. It checks the shape: keys, types, ranges, required keys, which kind needs which section.
The reader checks more (that `until` is after `from`, tiers going up, a time zone that exists,
text without invisible characters); whatever the schema refuses, the reader refuses too.

Published at /api/v1/schemas/campaign.json and as schemas/campaign.json (written by
``python -m promo.packs.json_schemas``; a test keeps the file equal to this).
"""

from __future__ import annotations

from promo.core import campaign as c
from promo.core import reading as readers
from promo.core.conditions import FACTS, LINES_FACT, METADATA_PREFIX, OPERATORS_FOR, Match, Op, ValueType
from promo.core.effects import EFFECT_TYPES, EffectType
from promo.core.json_schema import Schema, closed, money, one_or_more, ref, text, whole
from promo.core.timing import WEEKDAYS
from promo.format import definition as d
from promo.format.readers import MARGIN_FLOOR_EXAMPLE

DRAFT = "https://json-schema.org/draft/2020-12/schema"

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$"
RELATIVE_DAY_PATTERN = r"^today(\s*[+-]\s*\d{1,5})?$"
CLOCK_PATTERN = r"^\s*([01]?\d|2[0-3]):[0-5]\d\s*$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
CODE_PATTERN = r"^\s*[A-Za-z0-9][A-Za-z0-9_-]{2,31}\s*$"
DAY_WORDS = ("weekdays", "weekends", "everyday", "daily", *WEEKDAYS,
             "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _formula(fallback: Schema) -> Schema:
    return closed({"formula": text(500), "fallback": fallback}, ("formula", "fallback"),
                  description="a value computed per cart (docs/campaigns.md, Dynamic values)")


def _definitions(*, relative_days: bool) -> dict[str, Schema]:
    percent = {"type": "number", "exclusiveMinimum": 0, "maximum": 100}
    moment: Schema = {"type": "string", "pattern": DATE_PATTERN}
    if relative_days:       # scenario packs: today, today-7, today+5
        moment = {"anyOf": [moment, {"type": "string", "pattern": RELATIVE_DAY_PATTERN}]}
    return {
        "text": text(),
        "texts": one_or_more(text(100)),
        "money": money(),
        "percent": percent,
        "percent_value": {"anyOf": [percent, _formula(percent)]},
        "amount": {"anyOf": [money(1), _formula(money())]},
        "price": {"anyOf": [money(0), _formula(money())]},
        "moment": moment,
        "clock": {"type": "string", "pattern": CLOCK_PATTERN},
        "days": one_or_more({"type": "string", "enum": list(DAY_WORDS)}, 7),
        "items": closed({
            **{key: ref("texts") for key in ("skus", "categories", "collections", "exclude_skus")},
            "max_unit_price": money(),
            "label": text(80),
        }),
        "effect": _effect(),
        **{f"effect_{kind.name}": _effect_fields(kind) for kind in EFFECT_TYPES},
        "condition": _condition(),
        "fact_condition": _fact_condition(),
        **_comparison_definitions(),
        "lines_condition": closed({"fact": {"const": LINES_FACT}, "items": ref("items"),
                                   "match": {"enum": [m.value for m in Match]}, "message": text(300)},
                                  ("fact", "items")),
    }


# ---- effects ----

def _effect_fields(kind: EffectType) -> Schema:
    """One effect type's mapping: its keys with the schema its module gives each."""
    properties = {"type": {"const": kind.name}, **kind.fields}
    return closed(properties, ("type", *kind.required), **kind.schema_extra)


def _effect() -> Schema:
    # oneOf rather than if/then on `type`: the same effects refused, and much cheaper for
    # reference pages (Swagger UI) to resolve than a chain of conditionals.
    return {"oneOf": [ref(f"effect_{kind.name}") for kind in EFFECT_TYPES],
            "description": "what the campaign gives (docs/campaigns.md, Effects); `type` picks one of: "
                           + ", ".join(kind.name for kind in EFFECT_TYPES)}


# ---- conditions ----

def _condition() -> Schema:
    group = {"type": "array", "items": ref("condition"), "minItems": 1, "maxItems": 100}
    return {"anyOf": [
        group,                                              # a plain list means "all of these"
        closed({"all": group, "message": text(300)}, ("all",)),
        closed({"any": group, "message": text(300)}, ("any",)),
        closed({"not": ref("condition"), "message": text(300)}, ("not",)),
        ref("fact_condition"),
        ref("lines_condition"),
    ]}


def _scalar(kind: ValueType) -> Schema:
    return {
        ValueType.MONEY: money(),
        ValueType.COUNT: whole(),
        ValueType.BOOL: {"type": "boolean"},
        ValueType.TEXT: text(100),
        ValueType.SEGMENT: text(100),
        ValueType.COUNTRY: {"type": "string", "pattern": r"^\s*[A-Za-z]{2}\s*$"},
        ValueType.TIME: ref("clock"),
        ValueType.ANY: {"anyOf": [{"type": ["boolean", "number"]}, {"type": "string", "maxLength": 200}]},
    }[kind]


def _operand(kind: ValueType, op: Op) -> Schema:
    if kind is ValueType.WEEKDAY:
        return ref("days")
    if op in (Op.IN, Op.NOT_IN):
        return {"type": "array", "items": _scalar(kind), "minItems": 1, "maxItems": readers.MAX_LIST}
    if op is Op.BETWEEN:
        return {"type": "array", "items": _scalar(kind), "minItems": 2, "maxItems": 2}
    return _scalar(kind)


def _comparisons(kind: ValueType, takes_items: bool, fact: Schema) -> Schema:
    """A condition on a fact of this kind: the keys it takes, exactly one of them a comparison."""
    keys = {op.value: _operand(kind, op) for op in sorted(OPERATORS_FOR[kind], key=list(Op).index)}
    if Op.EQ in OPERATORS_FOR[kind]:
        keys["is"] = _operand(kind, Op.EQ)
    properties: dict[str, Schema] = {"fact": fact, "message": text(300), **keys}
    if takes_items:
        properties["items"] = ref("items")
    return closed(properties, ("fact",), oneOf=[{"required": [key]} for key in keys])


def _comparison_name(kind: ValueType, takes_items: bool) -> str:
    return f"compare_{kind.value}" + ("_with_items" if takes_items else "")


def _comparison_definitions() -> dict[str, Schema]:
    """One definition per kind of fact (money, count, text ...), naming the facts of that kind."""
    groups: dict[tuple[ValueType, bool], list[str]] = {}
    for name, spec in FACTS.items():
        groups.setdefault((spec.type, spec.takes_items), []).append(name)
    definitions = {_comparison_name(kind, items): _comparisons(kind, items, {"enum": names})
                   for (kind, items), names in sorted(groups.items(),
                                                      key=lambda g: (list(ValueType).index(g[0][0]), g[0][1]))}
    metadata = "^" + METADATA_PREFIX.replace(".", r"\.") + r"[^.]+$"
    definitions["compare_metadata"] = _comparisons(ValueType.ANY, False, {"type": "string", "pattern": metadata})
    return definitions


def _fact_condition() -> Schema:
    return {"anyOf": [ref(name) for name in _comparison_definitions()],
            "description": "a comparison of one fact (docs/campaigns.md, Facts and Operators)"}


# ---- the campaign ----

def _kind_rules() -> list[Schema]:
    """Which keys each kind needs or forbids (promo.definition._kind_rules)."""
    def when(kinds: list[str], then: Schema) -> Schema:
        return {"if": {"properties": {"kind": {"enum": kinds}}, "required": ["kind"]}, "then": then}

    every = [k.value for k in c.Kind]
    with_effect = [k for k in every if k not in (c.Kind.GIFT_CARD.value, c.Kind.LOYALTY.value)]
    rules = [
        when(["coupon"], {"required": ["code"]}),
        when([k for k in every if k != "coupon"], {"not": {"anyOf": [{"required": ["code"]},
                                                                     {"required": ["auto_apply"]}]}}),
        when(["bulk"], {"required": ["codes"]}),
        when(["coupon", "promotion"], {"not": {"required": ["codes"]}}),
        when(with_effect, {"required": ["effect"]}),
        when([k for k in every if k not in with_effect], {"not": {"required": ["effect"]}}),
    ]
    for kind, section in d.KINDS_WITH_SECTION.items():
        rules.append(when([kind.value], {"required": [section]}))
        rules.append(when([k for k in every if k != kind.value], {"not": {"required": [section]}}))
    return rules


def _campaign_properties() -> dict[str, Schema]:
    rewards = closed({"name": text(), "points": whole(1), "effect": ref("effect")}, ("name", "points", "effect"))
    bonus = closed({"referrals": whole(1), "reward": ref("effect")}, ("referrals", "reward"))
    properties: dict[str, Schema] = {
        "id": {"type": "string", "pattern": SLUG_PATTERN, "description": "lower-case slug, unique and stable"},
        "name": text(),
        "kind": {"enum": [k.value for k in c.Kind]},
        "description": text(2000, empty=True),
        "code": {"type": "string", "pattern": CODE_PATTERN},
        "auto_apply": {"type": "boolean"},
        "codes": closed({"pattern": {**text(64), "pattern": f"^(?:[^#]*#){{{readers.MIN_RANDOM_CHARACTERS}}}"},
                         "charset": text(64), "prefix": text(20, empty=True),
                         "postfix": text(20, empty=True), "valid_days": whole(1, readers.MAX_VALID_DAYS)}, ("pattern",)),
        "timezone": text(64),
        "active": closed({"from": ref("moment"), "until": ref("moment")}),
        "schedule": one_or_more(closed({"days": ref("days"), "from": ref("clock"),
                                        "until": {"anyOf": [ref("clock"), {"const": "24:00"}]}}), 50),
        "priority": whole(-10**6, 10**6),
        "stacking": {"enum": [s.value for s in c.Stacking]},
        "eligibility": ref("condition"),
        "visibility": closed({"pages": one_or_more({"type": "string", "enum": list(readers.PAGES)}),
                              "categories": ref("texts"), "audience": ref("condition"),
                              "listed": {"type": "boolean"}}),
        "effect": ref("effect"),
        "limits": closed({"per_code": whole(1), "per_customer": whole(1), "total": whole(1),
                          "budget": money(1), "order_value_budget": money(1),
                          "per_customer_per": closed({p: whole(1) for p in ("day", "week", "month")})}),
        "currency": {"type": "string", "pattern": r"^\s*[A-Za-z]{3}\s*$"},
        "tags": one_or_more(text(50)),
        "banner": closed({"label": text(d.BANNER_LABEL_LENGTH)}, ("label",)),
        "margin_floor": MARGIN_FLOOR,
        "gift_card": closed({"balance": money(1)}, ("balance",)),
        "loyalty": closed({"points_per_unit": whole(1), "unit": money(1),
                           "multipliers": {"type": "object", "maxProperties": 100,
                                           "additionalProperties": whole(1, 100)},
                           "rewards": {"type": "array", "items": rewards, "maxItems": 100}}, ("points_per_unit",)),
        "referral": closed({"reward": ref("effect"), "conversion": {"type": "string", "pattern": SLUG_PATTERN},
                            "bonuses": {"type": "array", "items": bonus, "maxItems": 100}}, ("reward",)),
    }
    assert tuple(properties) == d.CAMPAIGN_KEYS, "the schema's keys must be the reader's"
    return properties


# "10%" (percent of the cost), 200 (minor units per unit) or off: promo.format.readers.read_margin_floor.
MARGIN_FLOOR: Schema = {
    "description": MARGIN_FLOOR_EXAMPLE,
    "anyOf": [{"type": "string", "pattern": r"^\s*[0-9]+(\.[0-9]+)?\s*%\s*$"}, money(),
              {"type": "string", "pattern": "^\\s*[Oo][Ff][Ff]\\s*$"}, {"const": False}],
}


def campaign_object() -> Schema:
    """The schema of one campaign, its $refs pointing into the $defs of campaign_definitions."""
    return closed(_campaign_properties(), ("id", "name", "kind"), allOf=_kind_rules())


def campaign_definitions(*, relative_days: bool = False) -> dict[str, Schema]:
    return _definitions(relative_days=relative_days)


def campaign_schema() -> Schema:
    """The published document: one campaign, as POST /api/v1/campaigns takes it."""
    return {
        "$schema": DRAFT,
        "$id": "https://promoshop.example/schemas/campaign.json",
        "title": "promoshop campaign definition",
        "description": "One campaign as written in YAML or JSON; docs/campaigns.md explains every key.",
        **campaign_object(),
        "$defs": campaign_definitions(),
    }
