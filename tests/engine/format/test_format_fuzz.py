"""Robustness: whatever people (or scripts) send, the parser answers with a Campaign or a
DefinitionError listing problems, never another exception."""
from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promo.core.campaign import Campaign
from promo.core.wording import effect_label, restrictions
from promo.format.definition import DefinitionError, parse_campaign, parse_campaigns, read_definitions
from tests.engine.format.test_format_parse import BLACK_FRIDAY, EFFECTS
from tests.support.formatkit import yaml

# Words the parser knows, so random data often reaches deep branches instead of failing at the top.
KNOWN_WORDS = [
    "id", "name", "kind", "code", "codes", "effect", "type", "amount", "percent", "items", "skus",
    "categories", "fact", "is", "gte", "in", "between", "all", "any", "not", "match", "message",
    "formula", "fallback", "from", "until", "days", "weekdays", "mon", "16:00", "2026-11-30",
    "coupon", "bulk", "promotion", "gift_card", "loyalty", "referral", "cart.subtotal",
    "customer.segment", "context.weekday", "customer.metadata.tier", "tiers", "min_subtotal",
    "buy", "get", "quantity", "pattern", "######", "balance", "reward", "audience", "pages",
]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-3, max_value=200),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30), st.sampled_from(KNOWN_WORDS),
    st.dates(), st.datetimes(), st.sampled_from(["24:00", "9999-12-31", "0001-01-01", "\x00", "+07:00"]),
)
keys = st.one_of(st.sampled_from(KNOWN_WORDS), st.text(max_size=12), st.integers(), st.none())
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=5),
    ),
    max_leaves=25,
)

VALID = [
    yaml(BLACK_FRIDAY),
    *({"id": "e", "name": "E", "kind": "promotion", "effect": yaml(text)} for text, _ in EFFECTS),
    yaml("{id: gc, name: G, kind: gift_card, gift_card: {balance: 5000}}"),
    yaml("""{id: r, name: R, kind: referral, effect: {type: shipping},
             referral: {reward: {type: amount_off_order, amount: 100}, bonuses: [{referrals: 5, reward: {type: shipping}}]}}"""),
    yaml("{id: l, name: L, kind: loyalty, loyalty: {points_per_unit: 1, rewards: [{name: x, points: 5, effect: {type: shipping}}]}}"),
    yaml("{id: f, name: F, kind: promotion, effect: {type: amount_off_order, amount: {formula: 'cart.subtotal / 10', fallback: 5}}}"),
]


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutated_definitions(draw) -> Any:
    """A valid definition with one part replaced, removed or joined by a stray key."""
    data = copy.deepcopy(draw(st.sampled_from(VALID)))
    path = draw(st.sampled_from(_paths(data)))
    if not path:
        return draw(values)
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    action = draw(st.sampled_from(["replace", "remove", "add"]))
    if action == "replace":
        parent[path[-1]] = draw(values)
    elif action == "remove":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[draw(keys)] = draw(values)
    else:
        parent.append(draw(values))
    return data


def _parses_or_explains(data: Any) -> None:
    try:
        result = parse_campaign(data, timezone="Asia/Bangkok")
    except DefinitionError as exc:
        assert exc.errors, "a DefinitionError always says what is wrong"
        assert all(error.message for error in exc.errors)
    else:
        assert isinstance(result, Campaign)
        # Whatever loads can be described to shoppers.
        assert all(isinstance(text, str) and text for text in restrictions(result))
        if result.effect is not None:
            assert effect_label(result.effect)


pytestmark = pytest.mark.slow
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(values)
def test_random_values_never_crash_the_parser(data):
    _parses_or_explains(data)


@FUZZ
@given(st.dictionaries(st.sampled_from(KNOWN_WORDS + ["eligibility", "visibility", "limits", "schedule", "active"]),
                       values, max_size=8))
def test_random_mappings_of_known_keys_never_crash_the_parser(data):
    _parses_or_explains(data)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_definitions())
def test_damaged_valid_definitions_never_crash_the_parser(data):
    _parses_or_explains(data)


@FUZZ
@given(st.lists(st.one_of(mutated_definitions(), values), max_size=4))
def test_lists_of_definitions_never_crash(data):
    try:
        parse_campaigns(data)
    except DefinitionError as exc:
        assert exc.errors


@FUZZ
@given(st.text(max_size=200) | st.sampled_from(["a: *x", "&a [*a]", "{a: 1, a: 2}", "- !!python/object:os.system x",
                                                 "[[[[[[[[[[", "? [a]\n: b", "a: 2026-13-45", "a: 2001-12-14t21:59:43.10-05:00"]))
def test_random_text_never_crashes_the_reader(text):
    try:
        campaigns = read_definitions(text)
    except DefinitionError as exc:
        assert exc.errors
    else:
        assert all(isinstance(campaign, Campaign) for campaign in campaigns)
