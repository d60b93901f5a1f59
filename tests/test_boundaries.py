"""The engine stays a library: promo/ never imports Flask, and its calculation core runs
without SQLAlchemy, so it can be evaluated inside any transaction or outside any app. The shop
holds no storage rows or SQL helpers: it reaches promo through the Engine and its services."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

PROMO = Path(__file__).resolve().parents[1] / "promo"

CALCULATION_MODULES = [
    "promo", "promo.core.money", "promo.core.domain", "promo.core.campaign", "promo.core.facts", "promo.core.results",
    "promo.core.reasons", "promo.format.definition", "promo.core.conditions", "promo.core.formula", "promo.core.timing",
    "promo.core.visibility", "promo.core.wording", "promo.core.effects", "promo.core.applicator", "promo.core.codes",
]


def imported_top_level_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(PROMO.rglob("*.py")), ids=lambda p: str(p.relative_to(PROMO)))
def test_no_promo_module_imports_flask(path):
    leaked = {name for name in imported_top_level_names(path) if name.startswith("flask")}
    assert not leaked, f"{path} imports {leaked}"


def test_calculation_core_loads_without_flask_or_sqlalchemy():
    probe = (
        "import sys\n"
        f"for name in {CALCULATION_MODULES!r}: __import__(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'sqlalchemy', 'flask_sqlalchemy'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# The console's own tables join the engine's MetaData: the one place shop names promo.storage.
STORAGE_BINDINGS = {("shop.console.models", "Base"), ("shop.console.models", "UTCDateTime")}


def test_no_shop_module_holds_storage_rows_or_sql_helpers():
    """import-linter sees imports of promo.storage; this also sees its classes and functions
    handed on by another module (a re-export in promo.services would pass the contract)."""
    import shop

    held = set()
    for module_info in pkgutil.walk_packages(shop.__path__, "shop."):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            origin = getattr(value, "__module__", None) or ""
            if (inspect.isclass(value) or inspect.isfunction(value)) and origin.startswith("promo.storage"):
                held.add((module_info.name, name))
    assert held - STORAGE_BINDINGS == set(), "use a promo.services function returning plain records instead"
