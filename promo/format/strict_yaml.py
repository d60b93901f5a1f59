"""YAML as people mean it (promo's strict loader): what definitions and scenario packs are read with."""
from __future__ import annotations

import re
from typing import Any

import yaml

from promo.core.reading import DefinitionError, FieldError

# ---- files and text ----

# libyaml's parser where PyYAML was built with it: the same events, read about ten times faster
# (a scenario pack is parsed at every reset); the resolving and constructing below stay Python.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """YAML as people mean it: 16:00 stays "16:00" (not 960), NO stays "NO" (not false),
    a date that does not exist (2026-11-31) stays the text written, so the field reading it
    reports it with its path, and a key written twice is an error instead of silently
    keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:
                    continue  # unhashable keys are reported by the base constructor
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping", node.start_mark, f"found the key {key!r} twice", key_node.start_mark
                    )
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A YAML date or date-time, or, when it looks like one but does not exist (2026-11-31,
    1990-02-30), its text: the field then says what it must be instead of the whole file
    failing with "day is out of range for month" and no path."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def load_yaml(text: str, source: str = "<text>") -> Any:
    """Parse YAML (or JSON) text with the strict loader; syntax problems become DefinitionError."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        raise DefinitionError([FieldError(source, f"{where}: {exc.problem or exc}")]) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise DefinitionError([FieldError(source, f"is not valid YAML: {exc}")]) from None
