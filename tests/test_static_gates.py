"""Static gates of the layout (issue 14), run with the suite so CI enforces them:

- the import contracts in pyproject.toml ([tool.importlinter]) hold: promo.core stays pure,
  promo never imports shop or Flask, shop reaches promo.storage only to bind its metadata,
  promo's layers and packages have no cycles;
- no two promo modules import each other, directly or around a loop, counting every import
  (TYPE_CHECKING blocks and imports inside functions too);
- no module of promo/ or shop/ is over 800 lines, and promo/engine.py, a facade, is at most 500;
- mypy finds no error in promo/ that mypy-baseline.txt does not list, and the baseline lists
  none that mypy no longer finds, so it can only shrink. After fixing some, rewrite it with
  ``.venv/bin/python tests/test_static_gates.py --write-baseline``.
"""
from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import grimp
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MYPY_BASELINE = REPO_ROOT / "mypy-baseline.txt"
# The baseline's size when it was made; lower it whenever the baseline shrinks, never raise it.
MYPY_BASELINE_CEILING = 126
_LINE_NUMBER = re.compile(r"^([^:]+):\d+(?::\d+)?: ")


def test_import_contracts_hold():
    result = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def import_cycles(package: str) -> list[list[str]]:
    """Every set of modules of `package` that import each other around a loop (Tarjan's strongly
    connected components over grimp's graph, which records every import statement)."""
    graph = grimp.build_graph(package)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_cycles_in_promo():
    assert import_cycles("promo") == []


MAX_MODULE_LINES = 800
MAX_FACADE_LINES = 500


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_800_lines():
    modules = sorted(path for package in ("promo", "shop") for path in (REPO_ROOT / package).rglob("*.py"))
    too_long = {str(path.relative_to(REPO_ROOT)): line_count(path) for path in modules if line_count(path) > MAX_MODULE_LINES}
    assert modules and not too_long, f"split these modules (at most {MAX_MODULE_LINES} lines): {too_long}"


def test_the_engine_is_a_thin_facade():
    lines = line_count(REPO_ROOT / "promo" / "engine.py")
    assert lines <= MAX_FACADE_LINES, f"promo/engine.py has {lines} lines: move the logic into promo/services"


def mypy_errors() -> Counter[str]:
    """mypy's errors on promo/ without their line numbers, so unrelated edits don't move them."""
    result = subprocess.run([str(BIN / "mypy"), "--no-error-summary", "--no-pretty", "--no-incremental"],
                            cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stdout + result.stderr   # 2: mypy itself failed
    return Counter(_LINE_NUMBER.sub(r"\1: ", line) for line in result.stdout.splitlines() if ": error: " in line)


def read_baseline() -> Counter[str]:
    return Counter(line for line in MYPY_BASELINE.read_text(encoding="utf-8").splitlines() if line.strip())


@pytest.mark.slow
def test_mypy_finds_no_new_error_and_the_baseline_only_shrinks():
    found, allowed = mypy_errors(), read_baseline()
    assert sum(allowed.values()) <= MYPY_BASELINE_CEILING, "mypy-baseline.txt grew: fix the new errors instead"
    new = found - allowed
    fixed = allowed - found
    assert not new, "mypy errors not in mypy-baseline.txt (fix them):\n" + "\n".join(sorted(new.elements()))
    assert not fixed, ("mypy-baseline.txt lists errors mypy no longer finds; shrink it with "
                       "`.venv/bin/python tests/test_static_gates.py --write-baseline`:\n" + "\n".join(sorted(fixed.elements())))


if __name__ == "__main__" and sys.argv[1:] == ["--write-baseline"]:
    errors = mypy_errors()
    MYPY_BASELINE.write_text("".join(line + "\n" for line in sorted(errors.elements())), encoding="utf-8")
    print(f"{MYPY_BASELINE.name}: {sum(errors.values())} errors")
