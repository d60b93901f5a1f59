"""Static gates of the layout (issue 14), run with the suite so CI enforces them:

- the import contracts in pyproject.toml ([tool.importlinter]) hold: promo.core stays pure,
  promo never imports shop or Flask, shop reaches promo.storage only to bind its metadata,
  neither imports the tests or pytest, storefront blueprints are independent and shop.web and
  the view models import no blueprint, promo's layers and packages have no cycles;
- no two promo modules import each other, directly or around a loop, counting every import
  (TYPE_CHECKING blocks and imports inside functions too);
- nothing outside promo.core.effects imports an effect type's module: the rest of promo and the
  shop (the Voucherify dialect too) read what a type declares through the registry, so a new
  effect type is one new module;
- the test kits are a package (tests/support) imported as ``tests.support.<kit>``: no test module
  imports another by its bare name, and none puts a test folder on sys.path to allow it;
- htmx's settings (which 4xx answers are swapped) are written once, in
  templates/partials/htmx_config.html, and every page that loads htmx includes that partial;
- no dead code: every top-level function, class and CONSTANT of promo/ and shop/ is named
  somewhere besides its definition (decorated functions register themselves and are exempt);
- docs/architecture.md names every module of promo/ and shop/ (its file name, or an effect
  type's name in backticks);
- template globals, filters and context processors are registered in shop/web/templating.py
  alone, not by each blueprint;
- no module of promo/ or shop/ is over 800 lines, and promo/engine.py, a facade, is at most 500;
- mypy finds no error in promo/ that mypy-baseline.txt does not list, and the baseline lists
  none that mypy no longer finds, so it can only shrink. After fixing some, rewrite it with
  ``.venv/bin/python tests/test_static_gates.py --write-baseline``.
"""
from __future__ import annotations

import ast
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
MYPY_BASELINE_CEILING = 98
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


EFFECT_TYPE_SUPPORT = {"promo.core.effects.base", "promo.core.effects.effect_type"}


def test_effect_types_are_reached_through_their_registry_only():
    graph = grimp.build_graph("promo", "shop")
    type_modules = graph.find_children("promo.core.effects") - EFFECT_TYPE_SUPPORT
    outside = {
        (importer, module)
        for module in type_modules
        for importer in graph.find_modules_that_directly_import(module)
        if not importer.startswith("promo.core.effects")
    }
    assert len(type_modules) >= 14 and not outside, (
        f"use promo.core.effects.effect_type(effect) and what the type declares instead: {sorted(outside)}")


TESTS = REPO_ROOT / "tests"
# Loaded by gunicorn as a config file, outside pytest: it puts the repository root on sys.path.
SYS_PATH_ALLOWED = {TESTS / "support" / "gunicorn_faults.py"}


def files_of_the_suite() -> list[Path]:
    return [path for path in TESTS.rglob("*.py") if "node_modules" not in path.parts]


def test_test_kits_are_imported_as_a_package():
    modules = files_of_the_suite()
    bare_names = {path.stem for path in modules} - {"__init__", "conftest"}
    found = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                names = []
            found += [f"{path.relative_to(REPO_ROOT)}: {name}" for name in names if name.split(".")[0] in bare_names]
        if path not in SYS_PATH_ALLOWED and re.search(r"sys\.path\.(insert|append)", path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(REPO_ROOT)}: changes sys.path")
    assert (TESTS / "support" / "__init__.py").exists() and not found, (
        "import test kits as tests.support.<kit>:\n" + "\n".join(found))


# Where a name counts as used: the code, its templates, the tests, scripts and benchmarks.
USES = ("promo", "shop", "tests", "templates", "scripts", "bench", "migrations", "examples", "app.py")
USE_SUFFIXES = {".py", ".html", ".js", ".sh", ".toml", ".cfg", ".yaml", ".yml", ""}


def top_level_definitions(path: Path) -> list[str]:
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.decorator_list:
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name) and t.id.lstrip("_").isupper()]
    return [name for name in names if not name.startswith("__") and not name.startswith("pytest_")]


def test_no_dead_definitions_in_shipped_code():
    words: Counter[str] = Counter()
    for place in USES:
        root = REPO_ROOT / place
        for path in [root] if root.is_file() else root.rglob("*"):
            if path.is_file() and path.suffix in USE_SUFFIXES and "node_modules" not in path.parts:
                words.update(re.findall(r"\w+", path.read_text(encoding="utf-8", errors="ignore")))
    defined: Counter[str] = Counter()
    where: dict[str, str] = {}
    for package in ("promo", "shop"):
        for path in (REPO_ROOT / package).rglob("*.py"):
            for name in top_level_definitions(path):
                defined[name] += 1
                where[name] = str(path.relative_to(REPO_ROOT))
    dead = sorted(f"{where[name]}: {name}" for name, count in defined.items() if words[name] <= count)
    assert defined
    assert not dead, "remove what nothing uses:\n" + "\n".join(dead)


ARCHITECTURE = REPO_ROOT / "docs" / "architecture.md"


def test_the_architecture_document_lists_every_module():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    modules = [path for package in ("promo", "shop") for path in (REPO_ROOT / package).rglob("*.py")
               if path.name != "__init__.py"]
    missing = sorted(str(path.relative_to(REPO_ROOT)) for path in modules
                     if path.name not in text and f"`{path.stem}`" not in text)
    assert modules and not missing, f"add these modules to {ARCHITECTURE.name}: {missing}"


TEMPLATE_HELPERS = REPO_ROOT / "shop" / "web" / "templating.py"
_REGISTERS_TEMPLATE_HELPERS = re.compile(
    r"context_processor|template_global|template_filter|template_test|jinja_env\.(globals|filters|tests)")


def test_template_helpers_are_registered_in_one_place():
    modules = [REPO_ROOT / "app.py", *(REPO_ROOT / "shop").rglob("*.py")]
    registering = [path for path in modules if _REGISTERS_TEMPLATE_HELPERS.search(path.read_text(encoding="utf-8"))]
    assert registering == [TEMPLATE_HELPERS], f"register template helpers in {TEMPLATE_HELPERS.name}, not {registering}"


TEMPLATES = REPO_ROOT / "templates"
HTMX_CONFIG = TEMPLATES / "partials" / "htmx_config.html"


def test_htmx_settings_are_written_once_for_every_page():
    pages = {path: path.read_text(encoding="utf-8") for path in TEMPLATES.rglob("*.html")}
    writing = [path for path, text in pages.items() if "htmx-config" in text or "responseHandling" in text]
    loading = [path for path, text in pages.items() if re.search(r"vendor/htmx[-.\w]*\.js", text)]
    assert writing == [HTMX_CONFIG], f"htmx's settings belong in {HTMX_CONFIG.name} alone, not {writing}"
    missing = [str(path.relative_to(REPO_ROOT)) for path in loading if '"partials/htmx_config.html"' not in pages[path]]
    assert loading and not missing, f"these pages load htmx without its settings: {missing}"


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
