"""Strict schemas for API request bodies and query strings.

Each schema both *checks* a decoded JSON value (collecting every problem with its field path,
e.g. ``order.items[2].quantity``) and *describes* itself as JSON Schema 2020-12, so the OpenAPI
document is generated from the very objects that validate requests and cannot drift from them.

Strict means: unknown fields are errors (a typo must not be silently ignored), booleans are not
integers, ``12.0`` is not an integer, and every number and string has an upper bound.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from promo.core.text import describe_character, has_control_characters, refused_character

Components = dict[str, dict[str, Any]]
_INVALID = object()  # what check() returns for a value it reported errors for


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class SchemaViolation(Exception):
    """The value broke its schema; ``errors`` lists every problem, not just the first."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.path or '(body)'}: {e.message}" for e in errors))


def child_path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


class Schema:
    """Base class. Subclasses implement ``check`` and ``describe``."""

    description: str = ""
    json_type: str = ""   # the JSON type this schema accepts (for Either)

    def check(self, value: Any, path: str, errors: list[FieldError]) -> Any:
        raise NotImplementedError

    def describe(self, components: Components) -> dict[str, Any]:
        raise NotImplementedError

    def validate(self, value: Any) -> Any:
        return self.validate_as(value, "")

    def validate_as(self, value: Any, path: str) -> Any:
        """Validate a value that is not a request body (a path argument, say) under ``path``."""
        errors: list[FieldError] = []
        cleaned = self.check(value, path, errors)
        if errors:
            raise SchemaViolation(errors)
        return cleaned

    def json_schema(self, components: Components) -> dict[str, Any]:
        schema = self.describe(components)
        if self.description and "$ref" not in schema:
            schema = {**schema, "description": self.description}
        return schema


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number with a fraction"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _has_control_characters(text: str) -> bool:
    return has_control_characters(text)


@dataclass
class Str(Schema):
    json_type = "string"
    min_length: int = 1
    max_length: int = 200
    pattern: str | None = None          # full match, after NFKC normalisation
    enum: tuple[str, ...] | None = None
    description: str = ""
    pattern_hint: str = ""              # human words for the pattern, for error messages
    allow_newlines: bool = False
    accept: Callable[[str], bool] | None = None   # a last check a pattern cannot express
    accept_hint: str = ""
    _compiled: re.Pattern[str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.pattern:
            self._compiled = re.compile(self.pattern)

    def check(self, value: Any, path: str, errors: list[FieldError]) -> Any:
        if not isinstance(value, str):
            errors.append(FieldError(path, f"must be a string, not {_type_name(value)}"))
            return _INVALID
        text = unicodedata.normalize("NFKC", value).strip()
        # promo.core.text's rule, as the storefront and campaign definitions apply it: control
        # characters, bidi overrides/isolates and other invisible format characters are refused.
        refused = refused_character(text, allow_newlines=self.allow_newlines)
        if refused is not None:
            errors.append(FieldError(path, "must not contain control characters" if unicodedata.category(refused) == "Cc"
                                     else f"must not contain invisible formatting characters (found {describe_character(refused)})"))
            return _INVALID
        if self.enum is not None and text not in self.enum:
            errors.append(FieldError(path, f"must be one of {', '.join(self.enum)}"))
            return _INVALID
        if len(text) < self.min_length:
            message = "must not be empty" if self.min_length == 1 else f"must be at least {self.min_length} characters"
            errors.append(FieldError(path, message))
            return _INVALID
        if len(text) > self.max_length:
            errors.append(FieldError(path, f"must be at most {self.max_length} characters"))
            return _INVALID
        if self._compiled is not None and not self._compiled.fullmatch(text):
            errors.append(FieldError(path, self.pattern_hint or f"must match {self.pattern}"))
            return _INVALID
        if self.accept is not None and not self.accept(text):
            errors.append(FieldError(path, f"{self.accept_hint}, got {text!r}"))
            return _INVALID
        return text

    def describe(self, components: Components) -> dict[str, Any]:
        if self.enum is not None:
            return {"type": "string", "enum": list(self.enum)}
        schema: dict[str, Any] = {"type": "string", "minLength": self.min_length, "maxLength": self.max_length}
        if self.pattern:
            schema["pattern"] = f"^(?:{self.pattern})$"
        return schema


@dataclass
class Int(Schema):
    json_type = "integer"
    minimum: int = 0
    maximum: int = 10**12
    description: str = ""

    def check(self, value: Any, path: str, errors: list[FieldError]) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            hint = " (amounts are integer minor units, e.g. 1250 for 12.50)" if isinstance(value, float) else ""
            errors.append(FieldError(path, f"must be an integer, not {_type_name(value)}{hint}"))
            return _INVALID
        if value < self.minimum:
            errors.append(FieldError(path, f"must be at least {self.minimum}"))
            return _INVALID
        if value > self.maximum:
            errors.append(FieldError(path, f"must be at most {self.maximum}"))
            return _INVALID
        return value

    def describe(self, components: Components) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


@dataclass
class Bool(Schema):
    json_type = "boolean"
    description: str = ""

    def check(self, value: Any, path: str, errors: list[FieldError]) -> Any:
        if not isinstance(value, bool):
            errors.append(FieldError(path, f"must be true or false, not {_type_name(value)}"))
            return _INVALID
        return value

    def describe(self, components: Components) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass
class DateValue(Schema):
    """``YYYY-MM-DD`` -> ``datetime.date``."""

    json_type = "string"

    description: str = ""

    def check(self, value: Any, path: str, errors: list[FieldError]) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        errors.append(FieldError(path, "must be a date like 2026-11-27"))
        return _INVALID

    def describe(self, components: Components) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


@dataclass
class DateTimeValue(Schema):
    """ISO 8601 with a UTC offset -> an aware ``datetime``. Naive times are ambiguous, so refused."""

    json_type = "string"

    description: str = ""

    def check(self, value: Any, path: str, errors: list[FieldError]) -> Any:
        if isinstance(value, str) and 10 < len(value) <= 40:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is not None:
                return parsed
            if parsed is not None:
                errors.append(FieldError(path, "must include a UTC offset, e.g. 2026-11-27T09:00:00-05:00"))
                return _INVALID
        errors.append(FieldError(path, "must be a date-time like 2026-11-27T09:00:00-05:00"))
        return _INVALID

    def describe(self, components: Components) -> dict[str, Any]:
        return {"type": "string", "format": "date-time"}


@dataclass
class Arr(Schema):
    json_type = "array"
    items: Schema
    max_items: int = 100
    min_items: int = 0
    unique: bool = False
    description: str = ""

    def check(self, value: Any, path: str, errors: list[FieldError]) -> Any:
        if not isinstance(value, list):
            errors.append(FieldError(path, f"must be an array, not {_type_name(value)}"))
            return _INVALID
        if len(value) < self.min_items:
            errors.append(FieldError(path, f"must have at least {self.min_items} item{'s' if self.min_items > 1 else ''}"))
            return _INVALID
        if len(value) > self.max_items:
            errors.append(FieldError(path, f"must have at most {self.max_items} items"))
            return _INVALID
        before = len(errors)
        cleaned = [self.items.check(item, child_path(path, i), errors) for i, item in enumerate(value)]
        if len(errors) > before:
            return _INVALID
        if self.unique:
            seen: set[Any] = set()
            for i, item in enumerate(cleaned):
                key = repr(item)
                if key in seen:
                    errors.append(FieldError(child_path(path, i), f"repeats {item!r}"))
                    return _INVALID
                seen.add(key)
        return cleaned

    def describe(self, components: Components) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.items.json_schema(components), "maxItems": self.max_items}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.unique:
            schema["uniqueItems"] = True
        return schema


@dataclass(frozen=True)
class Field:
    schema: Schema
    required: bool = False
    nullable: bool = False
    default: Any = None
    description: str = ""


@dataclass
class Obj(Schema):
    """A JSON object with known fields only. ``name`` makes it a reusable OpenAPI component."""

    json_type = "object"

    fields: Mapping[str, Field]
    name: str | None = None
    description: str = ""
    # Checks across fields, run once every field is valid: refine(cleaned, path, errors).
    refine: Callable[[dict[str, Any], str, list[FieldError]], None] | None = None

    def check(self, value: Any, path: str, errors: list[FieldError]) -> Any:
        if not isinstance(value, dict):
            subject = "must be an object" if path else "the request body must be a JSON object"
            errors.append(FieldError(path, f"{subject}, not {_type_name(value)}"))
            return _INVALID
        before = len(errors)
        for key in value:
            if key not in self.fields:
                known = ", ".join(self.fields) or "none"
                errors.append(FieldError(child_path(path, key), f"is not a known field (known fields: {known})"))
        cleaned: dict[str, Any] = {}
        for key, spec in self.fields.items():
            where = child_path(path, key)
            if key not in value:
                if spec.required:
                    errors.append(FieldError(where, "is required"))
                elif spec.default is not None:
                    cleaned[key] = copy.deepcopy(spec.default)  # never share a mutable default
                continue
            item = value[key]
            if item is None:
                if spec.nullable:
                    cleaned[key] = None
                else:
                    errors.append(FieldError(where, "must not be null"))
                continue
            cleaned[key] = spec.schema.check(item, where, errors)
        if len(errors) == before and self.refine is not None:
            self.refine(cleaned, path, errors)
        return _INVALID if len(errors) > before else cleaned

    def describe(self, components: Components) -> dict[str, Any]:
        if self.name and self.name in components:
            return {"$ref": f"#/components/schemas/{self.name}"}
        if self.name:
            components[self.name] = {}  # reserve first: recursive schemas refer to themselves
        properties: dict[str, Any] = {}
        for key, spec in self.fields.items():
            prop = spec.schema.json_schema(components)
            if spec.nullable:
                prop = {"anyOf": [prop, {"type": "null"}]}
            if spec.description:
                prop = {**prop, "description": spec.description} if "$ref" not in prop else {"allOf": [prop], "description": spec.description}
            if spec.default is not None:
                prop = {**prop, "default": spec.default}
            properties[key] = prop
        schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
        required = [key for key, spec in self.fields.items() if spec.required]
        if required:
            schema["required"] = required
        if self.description:
            schema["description"] = self.description
        if self.name:
            components[self.name] = schema
            return {"$ref": f"#/components/schemas/{self.name}"}
        return schema


@dataclass
class FreeObject(Schema):
    """Free-form JSON (metadata, or a campaign definition another parser validates).

    Bounded in size and depth so it cannot be used to smuggle a huge or deeply nested payload.
    """

    json_type = "object"

    max_properties: int = 50
    max_depth: int = 4
    scalars_only: bool = False          # metadata values: strings, numbers, booleans, null
    description: str = ""
    name: str | None = None

    def check(self, value: Any, path: str, errors: list[FieldError]) -> Any:
        if not isinstance(value, dict):
            errors.append(FieldError(path, f"must be an object, not {_type_name(value)}"))
            return _INVALID
        before = len(errors)
        self._walk(value, path, 1, errors)
        return _INVALID if len(errors) > before else value

    def _walk(self, value: Any, path: str, depth: int, errors: list[FieldError]) -> None:
        if isinstance(value, dict):
            if depth > self.max_depth:
                errors.append(FieldError(path, f"is nested more than {self.max_depth} levels deep"))
                return
            if len(value) > self.max_properties:
                errors.append(FieldError(path, f"must have at most {self.max_properties} keys"))
                return
            for key, item in value.items():
                if len(key) > 100 or _has_control_characters(key):
                    errors.append(FieldError(child_path(path, key[:100]), "key is too long or has control characters"))
                    continue
                if self.scalars_only and isinstance(item, (dict, list)):
                    errors.append(FieldError(child_path(path, key), "must be a string, number, boolean or null"))
                    continue
                self._walk(item, child_path(path, key), depth + 1, errors)
        elif isinstance(value, list):
            if depth > self.max_depth:
                errors.append(FieldError(path, f"is nested more than {self.max_depth} levels deep"))
                return
            if len(value) > self.max_properties:
                errors.append(FieldError(path, f"must have at most {self.max_properties} items"))
                return
            for i, item in enumerate(value):
                self._walk(item, child_path(path, i), depth + 1, errors)
        elif isinstance(value, str) and len(value) > 2000:
            errors.append(FieldError(path, "must be at most 2000 characters"))

    def describe(self, components: Components) -> dict[str, Any]:
        if self.scalars_only:
            schema: dict[str, Any] = {
                "type": "object",
                "maxProperties": self.max_properties,
                "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
            }
        else:
            schema = {"type": "object", "maxProperties": self.max_properties}
        if self.name:
            components.setdefault(self.name, {**schema, **({"description": self.description} if self.description else {})})
            return {"$ref": f"#/components/schemas/{self.name}"}
        return schema


@dataclass
class Described(Schema):
    """Response-only schema: a hand-written JSON Schema (never used to check input)."""

    schema: dict[str, Any]
    name: str | None = None
    description: str = ""
    refers_to: tuple[Schema, ...] = ()   # components this one $refs, registered alongside it

    def check(self, value: Any, path: str, errors: list[FieldError]) -> Any:  # pragma: no cover - misuse guard
        raise TypeError("Described schemas document responses; they do not check input")

    def describe(self, components: Components) -> dict[str, Any]:
        for other in self.refers_to:
            other.json_schema(components)
        if self.name:
            components.setdefault(self.name, self.schema)
            return {"$ref": f"#/components/schemas/{self.name}"}
        return self.schema


_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number", list: "array", dict: "object"}


@dataclass
class Either(Schema):
    """One of a few schemas, chosen by the value's JSON type (e.g. a customer id or a profile)."""

    choices: tuple[Schema, ...]
    description: str = ""

    def check(self, value: Any, path: str, errors: list[FieldError]) -> Any:
        kind = _JSON_TYPES.get(type(value))
        for schema in self.choices:
            if schema.json_type == kind:
                return schema.check(value, path, errors)
        wanted = " or ".join(_article(schema.json_type) for schema in self.choices)
        errors.append(FieldError(path, f"must be {wanted}, not {_type_name(value)}"))
        return _INVALID

    def describe(self, components: Components) -> dict[str, Any]:
        return {"anyOf": [schema.json_schema(components) for schema in self.choices]}


def _article(json_type: str) -> str:
    return f"an {json_type}" if json_type[0] in "aeiou" else f"a {json_type}"


# --- Query strings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    schema: Schema
    default: Any = None
    description: str = ""


@dataclass
class Query:
    """Query-string parameters. Values arrive as strings; integer and boolean parameters are
    converted before their schema checks them. Unknown and repeated parameters are errors."""

    params: Mapping[str, Param]

    def validate(self, args: Mapping[str, list[str]]) -> dict[str, Any]:
        errors: list[FieldError] = []
        cleaned: dict[str, Any] = {}
        for key, values in args.items():
            if key not in self.params:
                known = ", ".join(self.params) or "none"
                errors.append(FieldError(key, f"is not a known query parameter (known: {known})"))
            elif len(values) > 1:
                errors.append(FieldError(key, "must be given once"))
        for key, spec in self.params.items():
            values = args.get(key)
            if not values:
                if spec.default is not None:
                    cleaned[key] = spec.default
                continue
            raw: Any = values[0]
            if isinstance(spec.schema, Int) and re.fullmatch(r"-?\d+", raw):
                if len(raw.lstrip("-").lstrip("0")) > 18:
                    # Far outside any range (and not worth converting): say the range, as for 1001.
                    bound = f"least {spec.schema.minimum}" if raw.startswith("-") else f"most {spec.schema.maximum}"
                    errors.append(FieldError(key, f"must be at {bound}"))
                    continue
                raw = int(raw)
            elif isinstance(spec.schema, Bool):
                raw = {"true": True, "false": False}.get(raw.lower(), raw)
            value = spec.schema.check(raw, key, errors)
            if value is not _INVALID:
                cleaned[key] = value
        if errors:
            raise SchemaViolation(errors)
        return cleaned

    def openapi_parameters(self, components: Components) -> list[dict[str, Any]]:
        parameters = []
        for key, spec in self.params.items():
            schema = spec.schema.json_schema(components)
            if spec.default is not None:
                schema = {**schema, "default": spec.default}
            parameter: dict[str, Any] = {"name": key, "in": "query", "required": False, "schema": schema}
            if spec.description:
                parameter["description"] = spec.description
            parameters.append(parameter)
        return parameters
