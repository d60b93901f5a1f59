"""uv.lock pins every dependency, and .venv holds exactly the pinned versions (scripts/bootstrap
installs from the lock, so the demo, CI and every developer run the same code)."""
from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCK = tomllib.loads((ROOT / "uv.lock").read_text())
LOCKED: dict[str, set[str]] = {}
for package in LOCK["package"]:          # a package may be pinned per Python version (markers)
    LOCKED.setdefault(package["name"], set()).add(package["version"])


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return canonical(re.match(r"[A-Za-z0-9._-]+", requirement)[0])


def test_every_requirement_and_extra_is_pinned():
    wanted = [*PROJECT["dependencies"], *(r for extra in PROJECT["optional-dependencies"].values() for r in extra)]

    assert [name for name in map(requirement_name, wanted) if name not in LOCKED] == []


def test_the_environment_holds_the_locked_versions():
    installed = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    needed = [requirement_name(r) for r in (*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["test"])]

    assert [name for name in needed if name not in installed] == []
    differing = {name: (installed[name], versions) for name, versions in LOCKED.items()
                 if name in installed and name != "promoshop" and installed[name] not in versions}
    assert differing == {}, "run `bash scripts/test` (it syncs .venv from uv.lock)"


def test_the_bootstrap_installs_from_the_lock_and_ci_refuses_a_stale_one():
    bootstrap = (ROOT / "scripts" / "bootstrap").read_text()

    assert "sync --locked" in bootstrap
    assert 'if [ -n "${CI:-}" ]' in bootstrap
