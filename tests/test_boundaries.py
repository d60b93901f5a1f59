"""The engine stays a library: promo/ never imports Flask, and its calculation core runs
without SQLAlchemy, so it can be evaluated inside any transaction or outside any app."""
from __future__ import annotations

import ast
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
