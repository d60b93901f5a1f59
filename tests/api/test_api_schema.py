"""The strict request validator: every problem reported with its field path, nothing coerced."""

import pytest

from shop.api.framework.schema import (
    Arr,
    Bool,
    DateTimeValue,
    Field,
    FreeObject,
    Int,
    Obj,
    Param,
    Query,
    SchemaViolation,
    Str,
)

ITEM = Obj({
    "sku": Field(Str(max_length=10), required=True),
    "quantity": Field(Int(minimum=1, maximum=100), required=True),
    "gift": Field(Bool(), default=False),
})
ORDER = Obj({"items": Field(Arr(ITEM, max_items=3), required=True), "note": Field(Str(), nullable=True)})


def errors_of(schema, value):
    with pytest.raises(SchemaViolation) as caught:
        schema.validate(value)
    return {(e.path, e.message) for e in caught.value.errors}


def test_valid_input_is_cleaned_and_defaults_filled():
    assert ORDER.validate({"items": [{"sku": " ab ", "quantity": 2}], "note": None}) == {
        "items": [{"sku": "ab", "quantity": 2, "gift": False}],
        "note": None,
    }


def test_every_error_is_reported_with_its_path():
    problems = errors_of(ORDER, {"items": [{"sku": "x", "quantity": "2"}, {"quantity": 0, "colour": "red"}], "notes": 1})

    assert problems == {
        ("items[0].quantity", "must be an integer, not a string"),
        ("items[1].sku", "is required"),
        ("items[1].quantity", "must be at least 1"),
        ("items[1].colour", "is not a known field (known fields: sku, quantity, gift)"),
        ("notes", "is not a known field (known fields: items, note)"),
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "must be an integer, not a boolean"),
        (2.0, "must be an integer, not a number with a fraction (amounts are integer minor units, e.g. 1250 for 12.50)"),
        (-1, "must be at least 1"),
        (10**30, "must be at most 100"),
        (None, "must not be null"),
    ],
)
def test_integers_are_strict(value, message):
    assert errors_of(ORDER, {"items": [{"sku": "a", "quantity": value}]}) == {("items[0].quantity", message)}


def test_body_that_is_not_an_object():
    assert errors_of(ORDER, []) == {("", "the request body must be a JSON object, not an array")}


def test_strings_are_normalised_and_refuse_control_characters():
    name = Obj({"name": Field(Str())})
    assert name.validate({"name": "ｃａｆé"}) == {"name": "café"}  # NFKC folds full-width letters
    assert errors_of(name, {"name": "a\x00b"}) == {("name", "must not contain control characters")}
    assert errors_of(name, {"name": "   "}) == {("name", "must not be empty")}


def test_array_bounds():
    assert errors_of(ORDER, {"items": [{"sku": "a", "quantity": 1}] * 4}) == {("items", "must have at most 3 items")}


def test_free_objects_are_bounded_in_depth():
    meta = Obj({"meta": Field(FreeObject(max_depth=2))})
    assert meta.validate({"meta": {"a": {"b": 1}}}) == {"meta": {"a": {"b": 1}}}
    assert errors_of(meta, {"meta": {"a": {"b": {"c": 1}}}}) == {("meta.a.b", "is nested more than 2 levels deep")}


def test_date_times_need_an_offset():
    when = Obj({"at": Field(DateTimeValue())})
    assert when.validate({"at": "2026-11-27T09:00:00-05:00"})["at"].utcoffset().total_seconds() == -5 * 3600
    assert errors_of(when, {"at": "2026-11-27T09:00:00"}) == {
        ("at", "must include a UTC offset, e.g. 2026-11-27T09:00:00-05:00")
    }


def test_query_converts_numbers_and_refuses_unknown_parameters():
    query = Query({"limit": Param(Int(minimum=1, maximum=500), default=50), "prefix": Param(Str())})
    assert query.validate({"limit": ["20"]}) == {"limit": 20}
    assert query.validate({}) == {"limit": 50}
    with pytest.raises(SchemaViolation) as caught:
        query.validate({"limit": ["many"], "colour": ["red"]})
    assert {(e.path, e.message) for e in caught.value.errors} == {
        ("limit", "must be an integer, not a string"),
        ("colour", "is not a known query parameter (known: limit, prefix)"),
    }


def test_named_objects_become_components():
    components = {}
    assert ORDER.json_schema(components) == ORDER.describe({})  # unnamed: inline
    named = Obj({"sku": Field(Str(), required=True)}, name="Item")
    assert named.json_schema(components) == {"$ref": "#/components/schemas/Item"}
    assert components["Item"]["required"] == ["sku"]
    assert components["Item"]["additionalProperties"] is False
