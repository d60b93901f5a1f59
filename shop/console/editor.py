"""The raw definition editor: JSON or YAML text in, a definition or field-located errors out.

Errors from the definition parser name a path ("effect.tiers[0].percent"); this module finds
the line of the text that path points at, so the editor can show each message under its line.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from promo.format.definition import DefinitionError, load_yaml

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    line: int | None = None      # 1-based line of the text the path points at


@dataclass
class AnnotatedLine:
    number: int
    text: str
    problems: list[Problem] = field(default_factory=list)


def dump(definition: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(definition, indent=2, ensure_ascii=False)
    return yaml.safe_dump(definition, sort_keys=False, allow_unicode=True, default_flow_style=False)


def decode(text: str) -> tuple[Any, list[Problem]]:
    """Parse the editor's text (YAML, of which JSON is a subset)."""
    if not text.strip():
        return None, [Problem("", "The definition is empty.", 1)]
    try:
        return load_yaml(text, "definition"), []
    except DefinitionError as error:
        problems = []
        for e in error.errors:
            match = re.search(r"line (\d+), column \d+: (.*)", e.message)
            if match:
                problems.append(Problem("", match.group(2), int(match.group(1))))
            else:
                problems.append(Problem("", e.message))
        return None, problems


def locate(text: str, errors: list[dict[str, str]]) -> list[Problem]:
    """Attach a line number to each {path, message} error of the engine."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        root = None
    return [Problem(e["path"], e["message"], _line_of(root, e["path"])) for e in errors]


def _line_of(root: yaml.Node | None, path: str) -> int | None:
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for name, index in _STEP.findall(path):
        if isinstance(node, yaml.MappingNode) and name:
            match = next(((k, v) for k, v in node.value if getattr(k, "value", None) == name), None)
            if match is None:
                return line   # a missing key: point at the mapping that should hold it
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and index and int(index) < len(node.value):
            node = node.value[int(index)]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def in_line_order(problems: list[Problem]) -> list[Problem]:
    """The problems as the summary lists them: top of the text first, those without a line last."""
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0))


def annotate(text: str, problems: list[Problem]) -> tuple[list[AnnotatedLine], list[Problem]]:
    """The text's lines with their problems, and the problems no line could be found for."""
    lines = [AnnotatedLine(n, t) for n, t in enumerate(text.splitlines() or [""], start=1)]
    unplaced = []
    for problem in problems:
        if problem.line is not None and 1 <= problem.line <= len(lines):
            lines[problem.line - 1].problems.append(problem)
        else:
            unplaced.append(problem)
    return lines, unplaced
